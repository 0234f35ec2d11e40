import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NeuronParams } from '../../../src-shared/circuit';
import type { Network } from '../network';
import type { SpikeFunction } from '../neurons/lif';
import { surrogateDerivative } from '../neurons/surrogate';
import { simulateForLoss } from '../training/loss-sequence';
import type { AutodiffRule, LayerGradients, RuleDefinition } from './rule';

/** Heaviside forward, f'(u) backward. */
export function surrogateSpike(p: NeuronParams): SpikeFunction {
  const fn = tf.customGrad(((u: Tensor, save: (ts: Tensor[]) => void) => {
    save([u]);
    return {
      value: tf.cast(tf.greaterEqual(u, p.vTh), 'float32'),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(dy, surrogateDerivative(saved[0], p))],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (u) => fn(u) as Tensor;
}

/** Identity forward, zero gradient: detaches the reset from the graph. */
const stopGradient = tf.customGrad(((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => [tf.zerosLike(dy)],
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Surrogate-gradient backpropagation through time with tfjs autodiff: the BP reference.
 * E = 1/2 sum_t sum_k (ahat_k[t] - a_k[t])^2, averaged over the batch; the spike's
 * derivative is the surrogate f'(u); the reset is detached from the graph by default.
 */
export function bpttGradients(net: Network, images: Tensor, labels: Tensor, encoderSeed: number, detachReset: boolean): { grads: LayerGradients; loss: Tensor } {
  const params: Tensor[] = [];
  const slots: { layer: number; key: 'weight' | 'bias' }[] = [];
  for (const l of net.layers) {
    if (l.weight) { params.push(l.weight); slots.push({ layer: l.index, key: 'weight' }); }
    if (l.bias) { params.push(l.bias); slots.push({ layer: l.index, key: 'bias' }); }
  }
  const batch = images.shape[0];
  const spike = surrogateSpike(net.neuron);
  const { value, grads } = tf.valueAndGrads(() => {
    const sumLoss = simulateForLoss(net, images, labels, encoderSeed, {
      spike,
      detachReset: detachReset ? (s) => stopGradient(s) as Tensor : undefined,
    });
    return tf.div(sumLoss, batch);
  })(params);
  const out: LayerGradients = { weight: net.layers.map(() => null), bias: net.layers.map(() => null) };
  slots.forEach((slot, i) => {
    out[slot.key][slot.layer] = grads[i];
  });
  const loss = tf.mul(value, batch);
  value.dispose();
  return { grads: out, loss };
}

export const bptt: RuleDefinition<'bptt'> = {
  name: 'bptt',
  summary: 'surrogate-gradient backpropagation through time (tfjs autodiff), the BP reference',
  create: (spec): AutodiffRule => ({
    kind: 'autodiff',
    name: 'bptt',
    gradients: (net, images, labels, encoderSeed) => bpttGradients(net, images, labels, encoderSeed, spec.detachReset),
    dispose: () => undefined,
  }),
};
