import { OnnxExportError } from './errors';
import type { GraphBuilder } from './graph-builder';
import type { MatMulMode } from './matmul';
import { denseProduct } from './matmul';
import type { ExportLayer, ExportTensor } from './network-view';
import { sizeOf } from './network-view';

/**
 * How one kind of layer is written into a graph. One exporter per layer kind, registered
 * in LAYER_EXPORTERS; a conv exporter (Conv with the engine's kernel layout, its current
 * computed with the same summation order as the engine's conv kernel) slots in beside
 * `dense` without touching the graph formats.
 */
export interface LayerExporter {
  readonly kind: ExportLayer['spec']['kind'];
  /** Adds the layer's parameters as named initializers (`layers.<i>.weight`, `.bias`). */
  parameters(g: GraphBuilder, layer: ExportLayer): LayerParams;
  /** Basal current I = W a_prev + b with the engine's exact float32 arithmetic (spiking formats). */
  current(g: GraphBuilder, layer: ExportLayer, params: LayerParams, input: string, mode: MatMulMode): string;
  /** The same affine map in ANN form (rate format): one Gemm for dense layers. */
  linear(g: GraphBuilder, layer: ExportLayer, params: LayerParams, input: string): string;
}

/** Names of a layer's initializers. */
export interface LayerParams {
  readonly weight: string;
  readonly bias: string;
}

const dense: LayerExporter = {
  kind: 'dense',
  parameters(g, layer) {
    const weight = need(layer, layer.weight, 'weight');
    const bias = need(layer, layer.bias, 'bias');
    const inSize = sizeOf(layer.inShape);
    const outSize = sizeOf(layer.outShape);
    expectShape(layer, 'weight', weight, [inSize, outSize]);
    expectShape(layer, 'bias', bias, [outSize]);
    return {
      weight: g.initializer(`layers.${layer.index}.weight`, 'float', weight.shape, weight.data),
      bias: g.initializer(`layers.${layer.index}.bias`, 'float', bias.shape, bias.data),
    };
  },
  current(g, layer, params, input, mode) {
    const inSize = sizeOf(layer.inShape);
    const flat = flatten(g, layer, input);
    return g.op('Add', [denseProduct(g, flat, params.weight, inSize, sizeOf(layer.outShape), mode), params.bias], {}, 'current');
  },
  linear(g, layer, params, input) {
    return g.op('Gemm', [flatten(g, layer, input), params.weight, params.bias], {}, 'current');
  },
};

/** Every layer kind that can be exported, by kind. */
export const LAYER_EXPORTERS: readonly LayerExporter[] = [dense];

/** The exporter of a layer; a clear error for a kind no exporter handles yet. */
export function layerExporter(layer: ExportLayer): LayerExporter {
  const found = LAYER_EXPORTERS.find((e) => e.kind === layer.spec.kind);
  if (!found) {
    throw new OnnxExportError(
      `layers[${layer.index}]: '${layer.spec.kind}' layers cannot be exported to ONNX yet (supported: ${LAYER_EXPORTERS.map((e) => e.kind).join(', ')})`,
    );
  }
  return found;
}

/** Dense synapses see a flat vector per sample ([batch, in]), as the engine's reshape makes it. */
function flatten(g: GraphBuilder, layer: ExportLayer, input: string): string {
  if (layer.inShape.length === 1) return input;
  return g.op('Reshape', [input, g.constant('int64', [2], [-1, sizeOf(layer.inShape)])], {}, 'flat');
}

function need(layer: ExportLayer, t: ExportTensor | null, what: string): ExportTensor {
  if (!t) throw new OnnxExportError(`layers[${layer.index}]: the ${layer.spec.kind} layer has no ${what}`);
  return t;
}

function expectShape(layer: ExportLayer, what: string, t: ExportTensor, shape: number[]): void {
  if (t.shape.join() !== shape.join() || t.data.length !== sizeOf(shape)) {
    throw new OnnxExportError(`layers[${layer.index}].${what}: shape [${t.shape.join(', ')}] does not match the circuit's [${shape.join(', ')}]`);
  }
}
