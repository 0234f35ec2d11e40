import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NeuronParams } from '../../../src-shared/circuit';

/**
 * Leaky integrate-and-fire soma of a pyramidal cell (discrete time, dt = 1):
 *
 *   reset 'zero':      u[t] = (1 - 1/tau_m) * u[t-1] * (1 - s[t-1])         + I[t]
 *   reset 'subtract':  u[t] = (1 - 1/tau_m) * (u[t-1] - V_th * s[t-1])      + I[t]
 *   s[t] = H(u[t] - V_th)
 *
 * u is kept before reset (the reset of a spike at t is applied at t+1), so f'(u[t]) is
 * evaluated on the pre-reset potential. With `refractory` R > 0 a neuron that spiked at t
 * is held at u = 0 and cannot spike during steps t+1 .. t+R.
 */
export interface LifState {
  /** membrane potential before reset, B x n */
  readonly u: Tensor;
  /** spikes of the last step (0/1), B x n */
  readonly s: Tensor;
  /** remaining refractory steps (only when refractory > 0) */
  readonly refractory?: Tensor;
}

export function lifInitialState(shape: number[], p: NeuronParams): LifState {
  const u = tf.zeros(shape);
  const s = tf.zeros(shape);
  return p.refractory > 0 ? { u, s, refractory: tf.zeros(shape) } : { u, s };
}

/** The spike nonlinearity: Heaviside H(u - V_th). BPTT swaps in one with a surrogate gradient. */
export type SpikeFunction = (u: Tensor, p: NeuronParams) => Tensor;

export const heaviside: SpikeFunction = (u, p) => tf.tidy(() => tf.cast(tf.greaterEqual(u, p.vTh), 'float32'));

/** One step of the soma. Pure: returns the new state; the caller owns tensor lifetimes. */
export function lifStep(current: Tensor, state: LifState, p: NeuronParams, spike: SpikeFunction = heaviside): LifState {
  return tf.tidy(() => {
    const decay = 1 - 1 / p.tauM;
    const leaked = p.reset === 'zero'
      ? tf.mul(tf.mul(state.u, tf.sub(1, state.s)), decay)
      : tf.mul(tf.sub(state.u, tf.mul(state.s, p.vTh)), decay);
    let u = tf.add(leaked, current);
    if (p.refractory > 0 && state.refractory) {
      // countdown: R after a spike, else max(r - 1, 0)
      const r = tf.add(tf.mul(state.s, p.refractory), tf.mul(tf.sub(1, state.s), tf.relu(tf.sub(state.refractory, 1))));
      // 1 where the countdown is over (step has a zero gradient; a comparison op has none registered)
      const free = tf.step(tf.sub(0.5, r));
      u = tf.mul(u, free);
      const s = tf.mul(spike(u, p), free);
      return { u, s, refractory: r };
    }
    return { u, s: spike(u, p) };
  });
}
