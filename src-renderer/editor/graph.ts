import type { Edge, Node } from '@vue-flow/core';
import type { CircuitInput, LayerSpec, RuleName } from '../../src-shared/circuit';

/** What each rule sends back to a hidden layer, as the feedback pathways are labelled. */
export const FEEDBACK: Readonly<Record<RuleName, string>> = {
  microcircuit: 'E+/E− error cells · |R|∘sign(W)',
  'microcircuit-analog': 'analog error cells · |R|∘sign(W)',
  frsf: '|R|∘sign(W)ᵀ',
  usf: 'sign(W)ᵀ',
  brsf: '|R_batch|∘sign(W)ᵀ',
  fa: 'fixed random R',
  dfa: 'direct D_l from the output',
  'bp-spatial': 'Wᵀ (per step)',
  bptt: 'Wᵀ through time',
};

const KNOWN_INPUTS: Readonly<Record<string, string>> = { mnist: '28×28', 'fashion-mnist': '28×28', cifar10: '32×32×3' };

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n: number) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);

export interface CircuitNodeData {
  readonly title: string;
  readonly detail: string;
  readonly role: 'input' | 'hidden' | 'output';
  readonly invalid: boolean;
}

export function layerTitle(layer: LayerSpec | Partial<LayerSpec>, index: number, count: number): string {
  const role = index === count - 1 ? 'output' : `hidden ${index + 1}`;
  if (layer.kind === 'conv') return `${role} · conv ${layer.kernel ?? '?'}×${layer.kernel ?? '?'}`;
  if (layer.kind === 'avg-pool') return `${role} · avg-pool`;
  return `${role} · pyramidal`;
}

export function layerDetail(layer: LayerSpec | Partial<LayerSpec>): string {
  if (layer.kind === 'dense') return `${(layer as { units?: number }).units ?? '?'} cells`;
  if (layer.kind === 'conv') return `${(layer as { filters?: number }).filters ?? '?'} filters, stride ${(layer as { stride?: number }).stride ?? 1}`;
  return `size ${(layer as { size?: number }).size ?? 2}`;
}

/**
 * The node graph of a circuit: input → layers → output along the forward pathway, and the
 * feedback pathways of its learning rule (layer to layer, or straight from the output for
 * DFA). Node ids are the inspector's selection keys: 'input', 'layer-<i>'.
 */
export function circuitGraph(draft: CircuitInput, invalidPaths: readonly string[]): { nodes: Node<CircuitNodeData>[]; edges: Edge[] } {
  const layers = (draft.layers ?? []) as Partial<LayerSpec>[];
  const rule = (draft.rule?.name ?? 'microcircuit') as RuleName;
  const dataset = draft.input?.dataset ?? 'mnist';
  const bad = (prefix: string) => invalidPaths.some((p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`));
  const nodes: Node<CircuitNodeData>[] = [{
    id: 'input', type: 'circuit', position: { x: 0, y: 60 },
    data: { title: `input · ${dataset}`, detail: `${KNOWN_INPUTS[dataset] ?? 'images'} · ${draft.input?.encoder?.kind ?? 'direct'} encoder`, role: 'input', invalid: bad('input') },
  }];
  const edges: Edge[] = [];
  layers.forEach((layer, i) => {
    const id = `layer-${i}`;
    const previous = i === 0 ? 'input' : `layer-${i - 1}`;
    nodes.push({
      id, type: 'circuit', position: { x: 240 * (i + 1), y: 60 },
      data: { title: layerTitle(layer, i, layers.length), detail: layerDetail(layer), role: i === layers.length - 1 ? 'output' : 'hidden', invalid: bad(`layers[${i}]`) },
    });
    edges.push({ id: `forward-${i}`, source: previous, target: id, sourceHandle: 'out', targetHandle: 'in', class: 'edge-forward', label: `W${subscript(i + 1)}` });
    if (i === layers.length - 1) return;
    const from = rule === 'dfa' ? `layer-${layers.length - 1}` : `layer-${i + 1}`;
    edges.push({ id: `feedback-${i}`, source: from, target: id, sourceHandle: 'feedback-out', targetHandle: 'feedback-in', type: 'smoothstep', class: 'edge-feedback', label: FEEDBACK[rule], animated: true });
  });
  return { nodes, edges };
}
