import { sumAll, tf, tidy } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Network } from '../network';
import { makeEncoder } from '../encoders/encoder';
import { lifGate } from '../kernels/lif-trace';
import type { LayerGradients, LocalRule, LayerStepView } from '../rules/rule';
import type { LayerState } from './forward';
import { forwardStep, initialLayerStates, stateTensors } from './forward';
import type { Target } from './target';
import { decide, makeTarget, outputError, stepLoss } from './target';

export interface SimulationOptions {
  /** int labels [B]; needed for the loss and for learning */
  readonly labels?: Tensor | null;
  /** a local learning rule: when given, the Hebbian updates are accumulated and returned */
  readonly rule?: LocalRule | null;
  /** batch counter passed to the rule (brsf redraws per batch) */
  readonly batchIndex?: number;
  /** seed of stochastic encoders for this batch */
  readonly encoderSeed?: number;
  /** called after every step with the layer states (kept only for the call) */
  readonly onStep?: (t: number, states: readonly LayerState[]) => void;
}

/** What one batch did. Every tensor is owned by the caller: free with `disposeSimulation`. */
export interface SimulationResult {
  /** output spike counts, B x classes */
  readonly counts: Tensor;
  /** output membrane potential at the last step */
  readonly potential: Tensor;
  /** decisions, int32 [B] */
  readonly prediction: Tensor;
  /** E summed over the batch (null without labels) */
  readonly loss: Tensor | null;
  /** total spikes per layer (scalars) */
  readonly spikes: Tensor[];
  /** the rule's gradients, minimisation direction, E averaged over the batch (null without a rule) */
  readonly grads: LayerGradients | null;
  /** the rule's batch statistics */
  readonly ruleStats: Record<string, Tensor>;
}

/**
 * The runner: owns the time loop and tensor lifetimes. Each step runs the bottom-up sweep
 * (soma, spikes, traces), then, when learning, the rule's top-down error sweep, and stores
 * the apical potentials with the presynaptic traces for the Hebbian update, which is
 * computed once per batch as one product per layer over all steps.
 */
export function simulate(net: Network, images: Tensor, opts: SimulationOptions = {}): SimulationResult {
  const batch = images.shape[0];
  const flat = tf.keep(tf.reshape(images, [batch, net.inputSize]));
  const encoder = makeEncoder(net.circuit.input.encoder, flat, net.neuron.tauS, opts.encoderSeed ?? 0);
  const rule = opts.rule ?? null;
  const target: Target | null = opts.labels ? tidy(() => keepTarget(makeTarget(net, opts.labels as Tensor))) : null;
  if (rule && !target) throw new Error('learning needs labels');
  rule?.beginBatch(net, opts.batchIndex ?? 0);

  const first = net.layers[0];
  const firstCurrent = encoder.constant ? tf.keep(first.synapse.current(flat, first.weight, first.bias)) : null;
  let states = initialLayerStates(net, batch);
  let counts = tf.zeros([batch, net.classes]);
  let loss: Tensor | null = target ? tf.scalar(0) : null;
  let spikes: Tensor[] = net.layers.map(() => tf.scalar(0));
  // per layer: the learning signals and the presynaptic traces of every step
  const signals: Tensor[][] = net.layers.map(() => []);
  const presynaptic: Tensor[][] = net.layers.map(() => []);

  for (let t = 0; t < net.circuit.steps; t++) {
    const extraCurrent = rule?.somaticCurrent?.() ?? null;
    const out = tidy(() => {
      const input = encoder.step(t);
      const next = forwardStep(net, input, states, { firstCurrent, extraCurrent, withGate: rule !== null });
      const last = next[next.length - 1];
      const stepCounts = tf.add(counts, (last.lif as { s: Tensor }).s);
      const stepSpikes = next.map((s, i) => (s.lif ? tf.add(spikes[i], tf.sum(s.lif.s)) : spikes[i]));
      let stepLossSum: Tensor | null = null;
      let v: (Tensor | null)[] = [];
      if (target && loss) {
        const error = outputError(target, t, last.a);
        stepLossSum = tf.add(loss, stepLoss(error));
        if (rule) {
          const views: LayerStepView[] = next.map((s) => ({
            u: s.lif?.u ?? null,
            a: s.a,
            gate: s.gate ?? (s.lif ? lifGate(s.lif, net.neuron) : null),
          }));
          v = rule.step({ t, net, layers: views, outputError: error }).map((x) => (x ? tf.clone(x) : null));
        }
      }
      // the presynaptic traces the Hebbian update will need (layers with weights only)
      const pre = rule ? net.layers.map((l, i) => (!l.weight ? null : i === 0 ? (encoder.constant ? null : input) : tf.clone(next[i - 1].a))) : [];
      return { next, stepCounts, stepSpikes, stepLossSum, v, pre };
    });
    extraCurrent?.forEach((c) => c?.dispose());
    tf.dispose([...stateTensors(states), counts, ...spikes.filter((s, i) => out.stepSpikes[i] !== s)]);
    if (loss && out.stepLossSum) loss.dispose();
    states = out.next;
    counts = out.stepCounts;
    spikes = out.stepSpikes;
    if (out.stepLossSum) loss = out.stepLossSum;
    out.v.forEach((v, i) => {
      if (!v) return;
      signals[i].push(v);
      const pre = out.pre[i];
      if (pre) presynaptic[i].push(pre);
    });
    opts.onStep?.(t, states);
  }

  const grads = rule ? hebbianGradients(net, flat, signals, presynaptic, batch) : null;
  const ruleStats = rule ? rule.endBatch() : {};
  const last = states[states.length - 1];
  const potential = tf.clone((last.lif as { u: Tensor }).u);
  const prediction = decide(counts, potential);
  tf.dispose([...stateTensors(states), flat, ...(firstCurrent ? [firstCurrent] : [])]);
  if (target) tf.dispose([target.oneHot]);
  encoder.dispose();
  return { counts, potential, prediction, loss, spikes, grads, ruleStats };
}

/**
 * dW_l = -(1/B) sum_t a_{l-1}[t]^T v_l[t] (minimisation direction), computed as one product
 * over all steps; for a first layer with constant input, (sum_t v_1[t]) times x.
 */
function hebbianGradients(net: Network, flat: Tensor, signals: Tensor[][], presynaptic: Tensor[][], batch: number): LayerGradients {
  const grads: LayerGradients = { weight: net.layers.map(() => null), bias: net.layers.map(() => null) };
  net.layers.forEach((layer, i) => {
    const v = signals[i];
    if (!layer.weight || v.length === 0) return;
    const scale = -1 / batch;
    grads.weight[i] = tf.tidy(() => {
      if (presynaptic[i].length === 0) return tf.mul(layer.synapse.hebbian(flat, sumAll(v)), scale);
      return tf.mul(layer.synapse.hebbian(tf.concat(presynaptic[i], 0), tf.concat(v, 0)), scale);
    });
    grads.bias[i] = tf.tidy(() => {
      const all = tf.concat(v, 0);
      const channels = all.shape[all.shape.length - 1];
      return tf.mul(tf.sum(tf.reshape(all, [-1, channels]), 0), scale);
    });
  });
  tf.dispose([...signals.flat(), ...presynaptic.flat()]);
  return grads;
}

function keepTarget(target: Target): Target {
  tf.keep(target.oneHot);
  return target;
}

/** Frees every tensor of a result. */
export function disposeSimulation(result: SimulationResult): void {
  const { counts, potential, prediction, loss, spikes, grads, ruleStats } = result;
  tf.dispose([counts, potential, prediction, ...spikes, ...Object.values(ruleStats)]);
  loss?.dispose();
  if (grads) disposeGradients(grads);
}

export function disposeGradients(grads: LayerGradients): void {
  for (const t of [...grads.weight, ...grads.bias]) t?.dispose();
}
