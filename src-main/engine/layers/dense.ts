import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Synapse } from './synapse';

/** Dense (all-to-all) synapses. Weight layout [in, out]: I = a_prev . W + b. */
export function denseSynapse(inSize: number, outSize: number): Synapse {
  const flat = (a: Tensor) => (a.rank === 2 ? a : tf.reshape(a, [a.shape[0], inSize]));
  return {
    kind: 'dense',
    inShape: [inSize],
    outShape: [outSize],
    weightShape: [inSize, outSize],
    current: (aPrev, weight, bias) => tf.tidy(() => tf.add(tf.matMul(flat(aPrev), weight as Tensor), bias as Tensor)),
    feedback: (delta, feedbackWeight) => tf.matMul(delta, feedbackWeight as Tensor, false, true),
    hebbian: (aPrev, v) => tf.tidy(() => tf.matMul(flat(aPrev), v, true, false)),
  };
}
