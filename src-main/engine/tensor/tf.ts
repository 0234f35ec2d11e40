/**
 * The one place the engine imports tfjs. Everything else imports `tf` from here, so that
 * gradients are registered exactly once and the backends are known.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './tfjs-gradients.generated.mjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Rank, TensorContainer } from '@tensorflow/tfjs-core';

/**
 * Sum of a list of same-shape tensors. Not tf.addN: WebGPU limits a shader to 8 storage
 * buffers by default, and addN binds every input at once (9+ tensors gave an invalid
 * pipeline and wrong results on Dawn).
 */
export function sumAll(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new Error('sumAll of no tensors');
  return tf.tidy(() => tensors.slice(1).reduce((acc, t) => tf.add(acc, t), tensors[0]));
}

/**
 * tf.tidy for any result shape: tensors anywhere inside the returned value (objects,
 * arrays, nulls allowed) survive the scope; everything else created inside is freed.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
