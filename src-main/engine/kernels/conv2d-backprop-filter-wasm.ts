import { tf } from '../tensor/tf';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-wasm has no Conv2DBackpropFilter (the filter gradient of a 2-D
 * convolution), which the Hebbian update of a conv layer and BPTT through conv layers need.
 * It does have the 3-D one: a 2-D convolution is a 3-D one of depth 1, so this kernel
 * reshapes (no copy: same data) and delegates. Registered once the wasm backend exists.
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) return;
  const kernelFunc = ((args: { inputs: { x: TensorInfo; dy: TensorInfo }; attrs: NamedAttrMap; backend: unknown }) => {
    const { x, dy } = args.inputs;
    const { strides, pad, filterShape, dataFormat } = args.attrs as { strides: number | [number, number]; pad: string; filterShape: number[]; dataFormat?: string };
    if (dataFormat && dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
    if (typeof pad !== 'string') throw new Error('Conv2DBackpropFilter (wasm): explicit padding is not supported');
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const as5d = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, dtype: t.dtype, shape: [t.shape[0], 1, t.shape[1], t.shape[2], t.shape[3]] });
    const out = conv3d.kernelFunc({
      inputs: { x: as5d(x), dy: as5d(dy) },
      attrs: { strides: [1, sh, sw], pad, filterShape: [1, ...filterShape] },
      backend: args.backend as never,
    }) as TensorInfo;
    return { dataId: out.dataId, dtype: out.dtype, shape: filterShape };
  }) as unknown as KernelFunc;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc });
}
