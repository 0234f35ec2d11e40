import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { RuleName } from '../../../src-shared/circuit';
import type { Network, NetworkLayer } from '../network';
import type { LocalRule, StepContext } from './rule';

/** The feedback weight that carries layer l's error down to layer l-1 (same shape as W_l). */
export type FeedbackMatrix = (layer: NetworkLayer, net: Network, batchIndex: number) => Tensor;

/**
 * The family of rules whose hidden learning signal is a fixed linear map of the layer
 * above's, per time step:
 *
 *   delta_L[t] = gate_L * e_L[t]
 *   delta_l[t] = gate_l * (B_{l+1}^T delta_{l+1}[t])        (v_l = delta_l)
 *
 * They differ only in B: W (bp-spatial), R (fa), |R| o sign(W) (frsf), sign(W) (usf), ...
 */
export function linearFeedbackRule(name: RuleName, feedbackMatrix: FeedbackMatrix): LocalRule {
  let matrices: (Tensor | null)[] = [];
  const release = () => {
    for (const m of matrices) m?.dispose();
    matrices = [];
  };
  return {
    kind: 'local',
    name,
    beginBatch(net, batchIndex) {
      release();
      matrices = net.layers.map((l) => (l.index > 0 && l.weight
        ? tf.keep(tf.tidy(() => l.synapse.prepareFeedback(feedbackMatrix(l, net, batchIndex))))
        : null));
    },
    step(ctx) {
      return propagate(ctx, (layer, delta) => layer.synapse.feedback(delta, matrices[layer.index]));
    },
    endBatch: () => ({}),
    dispose: release,
  };
}

/**
 * Top-down sweep shared by the linear-feedback rules: delta of the output from the output
 * error, then each lower layer from the one above through `down`.
 */
export function propagate(ctx: StepContext, down: (upper: NetworkLayer, delta: Tensor) => Tensor): (Tensor | null)[] {
  const { net, layers } = ctx;
  const last = net.layers.length - 1;
  const out: (Tensor | null)[] = new Array(net.layers.length).fill(null);
  let delta = tf.mul(layers[last].gate as Tensor, ctx.outputError);
  out[last] = delta;
  for (let l = last - 1; l >= 0; l--) {
    const layer = net.layers[l];
    const e = tf.reshape(down(net.layers[l + 1], delta), [delta.shape[0], ...layer.synapse.outShape]);
    delta = layer.hasCells ? tf.mul(layers[l].gate as Tensor, e) : e;
    out[l] = layer.hasCells ? delta : null;
  }
  return out;
}
