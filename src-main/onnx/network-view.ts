import type { Circuit, LayerSpec } from '../../src-shared/circuit';
import type { Network } from '../engine/network';

/** A parameter tensor copied out of the engine: shape and float32 values, row-major. */
export interface ExportTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One layer as the exporter sees it: plain arrays, no tfjs tensors. */
export interface ExportLayer {
  readonly index: number;
  readonly spec: LayerSpec;
  /** shape of one sample of the layer's input (the previous layer's cells or the image) */
  readonly inShape: readonly number[];
  /** shape of one sample of the layer's cells */
  readonly outShape: readonly number[];
  /** false for pooling layers, which have no cells of their own */
  readonly hasCells: boolean;
  /** learned weight in the engine's layout (dense: [in, out], I = a . W + b) */
  readonly weight: ExportTensor | null;
  readonly bias: ExportTensor | null;
}

/** The feedforward part of a trained network: everything an export needs, nothing more. */
export interface ExportNetwork {
  readonly circuit: Circuit;
  /** [height, width, channels] of one input image */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly layers: readonly ExportLayer[];
}

/** Copies the forward weights of an engine network (feedback and direct matrices are left out). */
export function exportView(net: Network): ExportNetwork {
  let inShape: readonly number[] = net.shape.inputShape;
  const layers = net.layers.map((l): ExportLayer => {
    const layer: ExportLayer = {
      index: l.index,
      spec: l.spec,
      inShape,
      outShape: [...l.synapse.outShape],
      hasCells: l.hasCells,
      weight: l.weight ? { shape: [...l.weight.shape], data: Float32Array.from(l.weight.dataSync()) } : null,
      bias: l.bias ? { shape: [...l.bias.shape], data: Float32Array.from(l.bias.dataSync()) } : null,
    };
    inShape = layer.outShape;
    return layer;
  });
  return { circuit: net.circuit, inputShape: net.shape.inputShape, classes: net.classes, layers };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
