import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';

/**
 * Apical compartment of a pyramidal cell: non-spiking, integrates the error input
 * i[t] = r(E+) - r(E-) from its own column's error cells:
 *
 *   v[t] = (1 - 1/tau_a) * v[t-1] + i[t]
 *
 * tau_a = 1 (the default) has no memory: v[t] = i[t], which is what the equivalence with
 * sign-concordant feedback alignment needs.
 */
export function apicalStep(input: Tensor, previous: Tensor | null, tauA: number): Tensor {
  if (tauA === 1 || previous === null) return tf.clone(input);
  return tf.tidy(() => tf.add(tf.mul(previous, 1 - 1 / tauA), input));
}
