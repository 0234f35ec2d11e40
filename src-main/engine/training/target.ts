import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import { desiredTrace } from '../neurons/trace';
import type { Network } from '../network';

/**
 * The global spiking error's target: the label unit's desired spike train fires every
 * step from `warmup` on, the others stay silent; ahat is its trace.
 */
export interface Target {
  /** one-hot labels, B x classes */
  readonly oneHot: Tensor;
  /** ahat scale per step (the trace of a unit firing every step from warmup on) */
  readonly trace: readonly number[];
}

export function makeTarget(net: Network, labels: Tensor): Target {
  return {
    oneHot: tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32'), net.classes), 'float32')),
    trace: desiredTrace(net.circuit.steps, net.circuit.target.warmup, net.neuron.tauS),
  };
}

/** e_L[t] = ahat[t] - a_L[t] */
export function outputError(target: Target, t: number, aOut: Tensor): Tensor {
  return tf.tidy(() => tf.sub(tf.mul(target.oneHot, target.trace[t]), aOut));
}

/** 1/2 sum (e)^2 over batch and units: this step's share of E. */
export function stepLoss(error: Tensor): Tensor {
  return tf.tidy(() => tf.mul(tf.sum(tf.square(error)), 0.5));
}

/** Decision: argmax of output spike counts, ties broken by the final output membrane potential. */
export function decide(counts: Tensor, potential: Tensor): Tensor {
  return tf.tidy(() => tf.argMax(tf.add(counts, tf.mul(tf.sigmoid(potential), 0.5)), 1));
}
