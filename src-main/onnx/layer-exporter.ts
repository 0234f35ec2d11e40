import type { GraphBuilder } from './graph-builder';
import type { MatMulMode } from './matmul';
import type { ExportLayer, ExportTensor } from './network-view';
import { sizeOf } from './network-view';
import { OnnxExportError } from './errors';

/**
 * How one kind of layer is written into a graph: one exporter per layer kind (dense.ts,
 * conv.ts, avg-pool.ts), registered in layers.ts. `prepare` adds the layer's parameters
 * (and constants derived from them) once, and returns the functions that write its
 * current into a graph as often as the time steps need it.
 */
export interface LayerExporter {
  readonly kind: ExportLayer['spec']['kind'];
  prepare(g: GraphBuilder, layer: ExportLayer, mode: MatMulMode): LayerGraph;
}

/** One layer's graph functions, its parameters already in the graph. */
export interface LayerGraph {
  /**
   * Basal current I = W a_prev + b of a batch of inputs ([batch, ...inShape]), shaped
   * [batch, ...outShape]; in `exact` mode with the engine's float32 arithmetic.
   */
  current(input: string): string;
  /** The same affine map in ANN form (rate format): Gemm, Conv, pooling. */
  linear(input: string): string;
}

/** A parameter the layer must have (a clear error when the checkpoint lacks it). */
export function need(layer: ExportLayer, t: ExportTensor | null, what: string): ExportTensor {
  if (!t) throw new OnnxExportError(`layers[${layer.index}]: the ${layer.spec.kind} layer has no ${what}`);
  return t;
}

/** Checks a parameter's shape against the circuit's. */
export function expectShape(layer: ExportLayer, what: string, t: ExportTensor, shape: readonly number[]): void {
  if (t.shape.join() !== shape.join() || t.data.length !== sizeOf(shape)) {
    throw new OnnxExportError(`layers[${layer.index}].${what}: shape [${t.shape.join(', ')}] does not match the circuit's [${shape.join(', ')}]`);
  }
}
