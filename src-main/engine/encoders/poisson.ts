import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Encoder } from './encoder';
import { traceStep } from '../neurons/trace';
import { poissonSpikes } from '../kernels/poisson';

/**
 * Poisson (Bernoulli per step) rate coding: input cell i spikes at step t with probability
 * maxRate * x_i, and a_0 is the presynaptic trace of those spikes. The draws come from a
 * counter-based hash of (seed, step, element) computed on the device (kernels/poisson.ts),
 * so a batch is encoded the same way on every run and every backend.
 */
export function poissonEncoder(images: Tensor, maxRate: number, tauS: number, seed: number): Encoder {
  let trace: Tensor = tf.zerosLike(images);
  return {
    constant: false,
    step(t) {
      const next = tf.keep(tf.tidy(() => {
        const spikes = poissonSpikes(images, seed, t, maxRate);
        return traceStep(spikes, trace, tauS);
      }));
      trace.dispose();
      trace = next;
      return tf.clone(next);
    },
    dispose() {
      trace.dispose();
    },
  };
}
