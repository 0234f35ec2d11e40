import { tf } from '../tensor/tf';
import type { Tensor, Tensor4D } from '../tensor/tf';
import type { ConvLayerSpec } from '../../../src-shared/circuit';
import type { Synapse } from './synapse';

/**
 * Convolutional synapses, NHWC, kernel [k, k, in, out]: I = conv(a_prev, K) + b. The
 * error goes down through the transposed convolution with the feedback kernel (e.g.
 * |R| o sign(K)); the Hebbian product is the filter gradient: for each kernel tap, the sum
 * over rows and positions of a_prev (x) v.
 *
 * With stride 1 both are written as forward convolutions, which every backend runs fast
 * (the wasm backend has no fast transposed or filter-gradient convolution): the transposed
 * convolution is a convolution with the kernel rotated by 180 degrees and its channels
 * swapped (prepared once per batch), and the filter gradient is a convolution of the input,
 * batch and channels swapped, with v as the kernel.
 */
export function convSynapse(spec: ConvLayerSpec, inShape: readonly number[]): Synapse {
  if (inShape.length !== 3) throw new Error(`a conv layer needs an image-shaped input [h, w, c], got [${inShape.join(', ')}]`);
  const [h, w, c] = inShape;
  const k = spec.kernel;
  const outH = spec.padding === 'same' ? Math.ceil(h / spec.stride) : Math.floor((h - k) / spec.stride) + 1;
  const outW = spec.padding === 'same' ? Math.ceil(w / spec.stride) : Math.floor((w - k) / spec.stride) + 1;
  if (outH < 1 || outW < 1) throw new Error(`the conv kernel ${k} does not fit a ${h}x${w} input`);
  const weightShape = [k, k, c, spec.filters];
  const image = (a: Tensor): Tensor4D => (a.rank === 4 ? a : tf.reshape(a, [a.shape[0], h, w, c])) as Tensor4D;
  // padding of the forward convolution (tf's 'same' puts the odd pixel after)
  const before = spec.padding === 'same' ? Math.floor((k - 1) / 2) : 0;
  const after = spec.padding === 'same' ? k - 1 - before : 0;
  const unitStride = spec.stride === 1;
  return {
    kind: 'conv',
    inShape: [h, w, c],
    outShape: [outH, outW, spec.filters],
    weightShape,
    current: (aPrev, weight, bias) => tf.tidy(() => tf.add(tf.conv2d(image(aPrev), weight as Tensor4D, spec.stride, spec.padding), bias as Tensor)),
    prepareFeedback: (kernel) => (unitStride ? tf.tidy(() => tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2])) : tf.clone(kernel)),
    feedback: (delta, prepared) => tf.tidy(() => {
      const d = delta as Tensor4D;
      if (!unitStride) return tf.conv2dTranspose(d, prepared as Tensor4D, [d.shape[0], h, w, c], spec.stride, spec.padding);
      // the transpose of a convolution padded (before, after) is a full convolution of the
      // flipped kernel with v padded k-1-before in front and the rest behind
      const front = k - 1 - before;
      const [backH, backW] = [h - outH + k - 1 - front, w - outW + k - 1 - front];
      const padded = tf.pad(d, [[0, 0], [front, backH], [front, backW], [0, 0]]);
      return tf.conv2d(padded as Tensor4D, prepared as Tensor4D, 1, 'valid');
    }),
    hebbian: (aPrev, v) => tf.tidy(() => {
      const a = image(aPrev);
      if (!unitStride) {
        return tf.engine().runKernel('Conv2DBackpropFilter', { x: a, dy: v }, { strides: spec.stride, pad: spec.padding, dataFormat: 'NHWC', filterShape: weightShape }) as Tensor;
      }
      const padded = before + after > 0 ? tf.pad(a, [[0, 0], [before, after], [before, after], [0, 0]]) : a;
      const x = tf.transpose(padded, [3, 1, 2, 0]) as Tensor4D; // [c, h', w', rows]
      const f = tf.transpose(v, [1, 2, 0, 3]) as Tensor4D; // [outH, outW, rows, filters]
      return tf.transpose(tf.conv2d(x, f, 1, 'valid'), [1, 2, 0, 3]); // [k, k, c, filters]
    }),
  };
}
