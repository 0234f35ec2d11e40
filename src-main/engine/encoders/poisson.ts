import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Encoder } from './encoder';
import { traceStep } from '../neurons/trace';
import { mixSeed } from '../random';

/**
 * Poisson (Bernoulli per step) rate coding: input cell i spikes at step t with probability
 * maxRate * x_i, and a_0 is the presynaptic trace of those spikes. The uniform draws are
 * seeded per (seed, step), so a batch is encoded the same way on every run.
 */
export function poissonEncoder(images: Tensor, maxRate: number, tauS: number, seed: number): Encoder {
  let trace: Tensor = tf.zerosLike(images);
  return {
    constant: false,
    step(t) {
      const next = tf.tidy(() => {
        const u = tf.randomUniform(images.shape, 0, 1, 'float32', mixSeed(seed, t));
        const spikes = tf.cast(tf.less(u, tf.mul(images, maxRate)), 'float32');
        return traceStep(spikes, trace, tauS);
      });
      trace.dispose();
      trace = next;
      return tf.clone(next);
    },
    dispose() {
      trace.dispose();
    },
  };
}
