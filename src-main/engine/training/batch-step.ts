import { sumAll, tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Network } from '../network';
import type { LayerGradients, LearningRule } from '../rules/rule';
import { disposeGradients, disposeSimulation, simulate } from './simulate';

/** What one (shard of a) training batch measured, as plain numbers. */
export interface BatchStats {
  /** samples in the shard */
  readonly n: number;
  /** E summed over the shard */
  readonly loss: number;
  readonly correct: number;
  /** total spikes per layer */
  readonly spikes: number[];
  /** the rule's statistics (means over the shard) */
  readonly ruleStats: Record<string, number>;
  /** sum |g| over every gradient entry: NaN or Infinity when the update is not finite */
  readonly updateNorm: number;
}

/**
 * One shard of a training batch: the rule's gradients (E averaged over the shard, kept
 * tensors the caller owns) and its statistics, read with a single device sync. The same
 * function serves the trainer's own thread and the data-parallel worker threads.
 */
export async function computeShard(net: Network, rule: LearningRule, images: Tensor, labels: Tensor, batchIndex: number, encoderSeed: number): Promise<{ grads: LayerGradients; stats: BatchStats }> {
  const result = simulate(net, images, { labels, rule: rule.kind === 'local' ? rule : null, batchIndex, encoderSeed });
  let grads: LayerGradients | null = null;
  try {
    if (rule.kind === 'local') {
      grads = result.grads as LayerGradients;
    } else {
      const auto = rule.gradients(net, images, labels, encoderSeed);
      auto.loss.dispose();
      grads = auto.grads;
    }
    const g = grads;
    const statNames = Object.keys(result.ruleStats);
    const packed = tf.tidy(() => tf.stack([
      result.loss as Tensor,
      tf.sum(tf.cast(tf.equal(result.prediction, tf.cast(labels, 'int32')), 'float32')),
      sumAll([tf.scalar(0), ...[...g.weight, ...g.bias].filter((t): t is Tensor => t !== null).map((t) => tf.sum(tf.abs(t)))]),
      ...result.spikes,
      ...statNames.map((k) => result.ruleStats[k]),
    ]));
    const values = await packed.data();
    packed.dispose();
    const layers = result.spikes.length;
    return {
      grads,
      stats: {
        n: labels.shape[0], loss: values[0], correct: values[1], updateNorm: values[2],
        spikes: Array.from(values.subarray(3, 3 + layers)),
        ruleStats: Object.fromEntries(statNames.map((k, i) => [k, values[3 + layers + i]])),
      },
    };
  } catch (e) {
    if (grads && rule.kind === 'autodiff') disposeGradients(grads);
    throw e;
  } finally {
    // a local rule's gradients belong to the result: detach them before disposing it
    disposeSimulation(rule.kind === 'local' ? { ...result, grads: null } : result);
  }
}

/** Combines shard statistics into batch statistics (sums, and ruleStats weighted by shard size). */
export function mergeStats(shards: BatchStats[]): BatchStats {
  const n = shards.reduce((a, s) => a + s.n, 0);
  const ruleStats: Record<string, number> = {};
  for (const s of shards) for (const [k, v] of Object.entries(s.ruleStats)) ruleStats[k] = (ruleStats[k] ?? 0) + (v * s.n) / n;
  return {
    n,
    loss: shards.reduce((a, s) => a + s.loss, 0),
    correct: shards.reduce((a, s) => a + s.correct, 0),
    updateNorm: shards.reduce((a, s) => a + s.updateNorm, 0),
    spikes: shards[0].spikes.map((_, i) => shards.reduce((a, s) => a + s.spikes[i], 0)),
    ruleStats,
  };
}
