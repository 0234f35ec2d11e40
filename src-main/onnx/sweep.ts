import { OnnxExportError } from './errors';
import type { GraphBuilder } from './graph-builder';
import type { LayerGraph } from './layer-exporter';
import { layerExporter } from './layers';
import type { MatMulMode } from './matmul';
import type { LifGraphState } from './neuron-graph';
import { lifStepGraph, traceStepGraph } from './neuron-graph';
import type { ExportLayer, ExportNetwork } from './network-view';

/** A layer's state between steps in a graph: the soma (null for pooling layers) and its trace. */
export interface LayerGraphState {
  readonly lif: LifGraphState | null;
  readonly a: string;
}

/** The network's layers, each with its graph functions (parameters already added). */
export interface GraphLayers {
  readonly net: ExportNetwork;
  readonly layers: readonly { layer: ExportLayer; graph: LayerGraph }[];
  readonly mode: MatMulMode;
}

/**
 * Checks that the network can be exported and adds its parameters as initializers. Throws
 * an OnnxExportError for an unsupported layer kind or input encoding.
 */
export function prepareLayers(g: GraphBuilder, net: ExportNetwork, mode: MatMulMode): GraphLayers {
  const encoder = net.circuit.input.encoder.kind;
  if (encoder !== 'direct') {
    throw new OnnxExportError(`input encoder '${encoder}' cannot be exported: the ONNX graphs reproduce direct encoding only (a_0[t] = x every step)`);
  }
  const exporters = net.layers.map((layer) => ({ layer, exporter: layerExporter(layer) }));
  const layers = exporters.map(({ layer, exporter }) => ({ layer, graph: g.within(`layers.${layer.index}`, () => exporter.prepare(g, layer, mode)) }));
  return { net, layers, mode };
}

/**
 * The first layer's basal current from the image batch. With direct encoding the engine
 * computes it once per sample and reuses it every step (training/simulate.ts).
 */
export function firstCurrent(g: GraphBuilder, gl: GraphLayers, images: string): string {
  const { layer, graph } = gl.layers[0];
  return g.within(`layers.${layer.index}`, () => graph.current(images));
}

/**
 * One bottom-up sweep (engine training/forward.ts `forwardStep`): per layer, basal current
 * from the previous layer's trace of the same step (no synaptic delay), soma, spikes, trace.
 */
export function forwardStepGraph(g: GraphBuilder, gl: GraphLayers, current0: string, states: readonly LayerGraphState[]): LayerGraphState[] {
  const next: LayerGraphState[] = [];
  const p = gl.net.circuit.neuron;
  gl.layers.forEach(({ layer, graph }, i) => {
    next.push(g.within(`l${layer.index}`, () => {
      const current = i === 0 ? current0 : graph.current(next[i - 1].a);
      const prev = states[i];
      if (!layer.hasCells || !prev.lif) return { lif: null, a: current };
      const lif = lifStepGraph(g, current, prev.lif, p);
      return { lif, a: traceStepGraph(g, lif.s, prev.a, p.tauS) };
    }));
  });
  return next;
}

/** The output layer's soma state (it always has cells: the engine requires a dense output). */
export function outputLif(states: readonly LayerGraphState[]): LifGraphState {
  const lif = states[states.length - 1].lif;
  if (!lif) throw new OnnxExportError('the output layer has no cells');
  return lif;
}
