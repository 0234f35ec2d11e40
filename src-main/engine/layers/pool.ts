import { tf } from '../tensor/tf';
import type { Tensor, Tensor4D } from '../tensor/tf';
import type { PoolLayerSpec } from '../../../src-shared/circuit';
import type { Synapse } from './synapse';

/**
 * Average pooling of the presynaptic traces (non-overlapping windows, no cells, no
 * weights). On the feedback path it is its own transpose: each window's error is spread
 * evenly over the window (weights 1/size^2, non-negative, so E+ stays E+).
 */
export function poolSynapse(spec: PoolLayerSpec, inShape: readonly number[]): Synapse {
  if (inShape.length !== 3) throw new Error(`a pooling layer needs an image-shaped input [h, w, c], got [${inShape.join(', ')}]`);
  const [h, w, c] = inShape;
  const size = spec.size;
  if (h % size !== 0 || w % size !== 0) throw new Error(`avg-pool of size ${size} needs a height and width divisible by ${size}, got ${h}x${w}`);
  const image = (a: Tensor): Tensor4D => (a.rank === 4 ? a : tf.reshape(a, [a.shape[0], h, w, c])) as Tensor4D;
  return {
    kind: 'avg-pool',
    inShape: [h, w, c],
    outShape: [h / size, w / size, c],
    weightShape: [],
    current: (aPrev) => tf.avgPool(image(aPrev), size, size, 'valid'),
    prepareFeedback: (t) => tf.clone(t),
    // spread each window's error evenly: nearest-neighbour upsampling (every backend has a
    // fast kernel for it, unlike AvgPoolGrad on wasm), scaled by 1/size^2
    feedback: (delta) => tf.tidy(() => tf.mul(tf.image.resizeNearestNeighbor(delta as Tensor4D, [h, w]), 1 / (size * size))),
    hebbian: () => {
      throw new Error('a pooling layer has no weights');
    },
  };
}
