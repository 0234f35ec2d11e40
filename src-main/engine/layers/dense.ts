import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Synapse } from './synapse';

/**
 * Dense (all-to-all) synapses. Weight layout [in, out]: I = a_prev . W + b.
 *
 * Every product is a plain (untransposed) matmul: backends run those fastest (the wasm
 * backend's transposed matmul is ~13x slower than an explicit transpose then matmul).
 */
export function denseSynapse(inSize: number, outSize: number): Synapse {
  const flat = (a: Tensor) => (a.rank === 2 ? a : tf.reshape(a, [a.shape[0], inSize]));
  return {
    kind: 'dense',
    inShape: [inSize],
    outShape: [outSize],
    weightShape: [inSize, outSize],
    current: (aPrev, weight, bias) => tf.tidy(() => tf.add(tf.matMul(flat(aPrev), weight as Tensor), bias as Tensor)),
    prepareFeedback: (feedbackWeight) => tf.transpose(feedbackWeight),
    feedback: (delta, prepared) => tf.matMul(delta, prepared as Tensor),
    hebbian: (aPrev, v) => tf.tidy(() => {
      const a = flat(aPrev);
      // a^T v, computed the cheaper way round: with few outputs, (v^T a)^T
      return outSize < inSize ? tf.transpose(tf.matMul(tf.transpose(v), a)) : tf.matMul(tf.transpose(a), v);
    }),
  };
}
