import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';

/**
 * Presynaptic trace of a spike train, what the next layer's synapses see:
 *
 *   a[t] = (1 - 1/tau_s) * a[t-1] + s[t] / tau_s
 *
 * A neuron firing every step drives its trace to 1.
 */
export function traceStep(spikes: Tensor, previous: Tensor, tauS: number): Tensor {
  return tf.tidy(() => tf.add(tf.mul(previous, 1 - 1 / tauS), tf.mul(spikes, 1 / tauS)));
}

/** The trace of the desired spike train: fires every step from `warmup` on. Plain numbers, one per step. */
export function desiredTrace(steps: number, warmup: number, tauS: number): number[] {
  const out: number[] = [];
  let a = 0;
  for (let t = 0; t < steps; t++) {
    a = (1 - 1 / tauS) * a + (t >= warmup ? 1 : 0) / tauS;
    out.push(a);
  }
  return out;
}
