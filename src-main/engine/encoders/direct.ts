import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Encoder } from './encoder';

/** Direct current encoding: the normalised pixel intensity is the input every step, a_0[t] = x. */
export function directEncoder(images: Tensor): Encoder {
  return {
    constant: true,
    step: () => tf.clone(images),
    dispose: () => undefined,
  };
}
