import type { LayerExporter } from './layer-exporter';
import { expectShape, need } from './layer-exporter';
import { denseProduct } from './matmul';
import { sizeOf } from './network-view';

/**
 * Dense synapses (engine layers/dense.ts): I = a . W + b with W [in, out]. Inputs of any
 * shape are flattened per sample, as the engine's reshape does (NHWC order).
 */
export const denseExporter: LayerExporter = {
  kind: 'dense',
  prepare(g, layer, mode) {
    const inSize = sizeOf(layer.inShape);
    const outSize = sizeOf(layer.outShape);
    const weight = need(layer, layer.weight, 'weight');
    const bias = need(layer, layer.bias, 'bias');
    expectShape(layer, 'weight', weight, [inSize, outSize]);
    expectShape(layer, 'bias', bias, [outSize]);
    const w = g.initializer(`layers.${layer.index}.weight`, 'float', weight.shape, weight.data);
    const b = g.initializer(`layers.${layer.index}.bias`, 'float', bias.shape, bias.data);
    const flatten = (input: string) => (layer.inShape.length === 1 ? input
      : g.op('Reshape', [input, g.constant('int64', [2], [-1, inSize])], {}, 'flat'));
    return {
      current: (input) => g.op('Add', [denseProduct(g, flatten(input), w, inSize, outSize, mode), b], {}, 'current'),
      linear: (input) => g.op('Gemm', [flatten(input), w, b], {}, 'current'),
    };
  },
};
