import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';

/**
 * Error interneuron (E+ or E-) of a microcircuit column: a non-leaky integrate-and-fire
 * cell with subtractive reset and threshold theta_e, at most one spike per step; a spike
 * transmits theta_e. Its output over time is a sigma-delta code of its (non-negative)
 * drive: sum_t r[t] = sum_t drive[t] - c[T], with 0 <= c[T] < theta_e unless saturated.
 *
 *   c'[t] = c[t-1] + drive[t]
 *   spike = H(c'[t] - theta_e),  r[t] = theta_e * spike,  c[t] = c'[t] - r[t]
 *
 * The cell saturates at a step when, after its one spike, c[t] >= theta_e still: it cannot
 * transmit its drive that fast. Saturations are counted and reported.
 */
export interface ErrorCellStep {
  /** transmitted signal theta_e * spike, B x n */
  readonly out: Tensor;
  /** integrator after reset */
  readonly c: Tensor;
  /** number of saturated cells this step (scalar) */
  readonly saturated: Tensor;
  /** number of spikes this step (scalar) */
  readonly spikes: Tensor;
}

export function errorCellStep(drive: Tensor, c: Tensor, thetaE: Tensor | number): ErrorCellStep {
  return tf.tidy(() => {
    const charged = tf.add(c, drive);
    const spike = tf.cast(tf.greaterEqual(charged, thetaE), 'float32');
    const out = tf.mul(spike, thetaE);
    const rest = tf.sub(charged, out);
    const saturated = tf.sum(tf.cast(tf.greaterEqual(rest, thetaE), 'float32'));
    return { out, c: rest, saturated, spikes: tf.sum(spike) };
  });
}
