import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NeuronParams } from '../../../src-shared/circuit';

/**
 * f'(u): the pseudo-derivative of the spike with respect to the membrane potential,
 * evaluated on the potential before reset.
 *
 *   boxcar:        f'(u) = 1 / w        if |u - V_th| < w / 2, else 0   (unit area)
 *   fast-sigmoid:  f'(u) = 1 / (1 + k |u - V_th|)^2
 *
 * With the default w = 1 the boxcar is 1 inside the window.
 */
export function surrogateDerivative(u: Tensor, p: NeuronParams): Tensor {
  return tf.tidy(() => {
    const dist = tf.abs(tf.sub(u, p.vTh));
    if (p.surrogate === 'boxcar') {
      return tf.mul(tf.cast(tf.less(dist, p.surrogateWidth / 2), 'float32'), 1 / p.surrogateWidth);
    }
    return tf.reciprocal(tf.square(tf.add(tf.mul(dist, p.surrogateSlope), 1)));
  });
}

/**
 * The gate a pyramidal soma applies to its own error cells: the derivative of its
 * presynaptic trace with respect to its membrane potential, f'(u) / tau_s. With this gate
 * the per-step error signals are exactly the per-step gradients (see bp-spatial).
 */
export function somaGate(u: Tensor, p: NeuronParams): Tensor {
  return tf.tidy(() => tf.mul(surrogateDerivative(u, p), 1 / p.tauS));
}

/** Plain-number version of f'(u) for references and tests. */
export function surrogateDerivativeScalar(u: number, p: NeuronParams): number {
  const dist = Math.abs(u - p.vTh);
  if (p.surrogate === 'boxcar') return dist < p.surrogateWidth / 2 ? 1 / p.surrogateWidth : 0;
  return 1 / (1 + p.surrogateSlope * dist) ** 2;
}
