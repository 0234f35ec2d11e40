import type { GraphBuilder } from './graph-builder';
import type { MatMulMode } from './matmul';
import type { LifGraphState } from './neuron-graph';
import { decideGraph, lifRestingState } from './neuron-graph';
import type { ExportNetwork } from './network-view';
import type { Dim } from './proto';
import { BATCH_DIM } from './proto';
import type { GraphLayers, LayerGraphState } from './sweep';
import { firstCurrent, forwardStepGraph, outputLif, prepareLayers } from './sweep';

/** The image input every format takes: float [batch, H, W, C], values in [0, 1] (pixel / 255). */
export function imagesInput(g: GraphBuilder, net: ExportNetwork): string {
  return g.input('images', 'float', [BATCH_DIM, ...net.inputShape],
    'images, batch x height x width x channels (HWC), normalised to [0, 1] as pixel / 255; direct encoding: a_0[t] = x every step');
}

/** Every layer at rest: u = s = a = 0 (and no refractory countdown), [batch, ...cells] each. */
function restingStates(g: GraphBuilder, gl: GraphLayers, images: string): LayerGraphState[] {
  return g.within('rest', () => {
    const batch = g.op('Slice', [g.op('Shape', [images], {}, 'images_shape'), g.constant('int64', [1], [0]), g.constant('int64', [1], [1])], {}, 'batch');
    const zero = { tensor: { dataType: 1, dims: [1], floatData: [0] } };
    return gl.layers.map(({ layer }) => {
      const shape = g.op('Concat', [batch, g.constant('int64', [layer.outShape.length], layer.outShape)], { axis: 0 }, 'state_shape');
      const zeros = g.op('ConstantOfShape', [shape], { value: zero }, 'zeros');
      const lif: LifGraphState | null = layer.hasCells ? lifRestingState(zeros, gl.net.circuit.neuron) : null;
      return { lif, a: zeros };
    });
  });
}

/**
 * The spiking network unrolled over the circuit's T steps (engine training/simulate.ts
 * without learning): outputs `spike_counts` (float, exact integers), `prediction` (int64,
 * the engine's decision) and, when asked, `membrane` (the output layer's final u).
 */
export function buildSpikingGraph(g: GraphBuilder, net: ExportNetwork, mode: MatMulMode, membrane: boolean): void {
  const images = imagesInput(g, net);
  const gl = prepareLayers(g, net, mode);
  const current0 = firstCurrent(g, gl, images);
  let states = restingStates(g, gl, images);
  let counts = states[states.length - 1].a; // zeros [batch, classes]
  for (let t = 0; t < net.circuit.steps; t++) {
    g.within(`t${t}`, () => {
      states = forwardStepGraph(g, gl, current0, states);
      counts = g.op('Add', [counts, outputLif(states).s], {}, 'counts');
    });
  }
  const potential = outputLif(states).u;
  const classes: Dim[] = [BATCH_DIM, net.classes];
  g.output(counts, 'spike_counts', 'float', classes, `output spikes per class over T = ${net.circuit.steps} steps`);
  g.output(decideGraph(g, counts, potential), 'prediction', 'int64', [BATCH_DIM],
    'argmax of spike_counts + 0.5 * sigmoid(final output membrane potential): the engine\'s decision, ties go to the first class');
  if (membrane) g.output(potential, 'membrane', 'float', classes, 'output layer membrane potential u at the last step (before reset)');
}

/** Names of one layer's state values in the step format. */
function stateNames(i: number, refractory: boolean): string[] {
  return ['u', 's', 'a', ...(refractory ? ['r'] : [])].map((k) => `${k}_${i}`);
}

/**
 * One time step with explicit state: inputs `images` and, per layer i with cells, `u_i`
 * (membrane before reset), `s_i` (last spikes), `a_i` (trace) and `r_i` (refractory
 * countdown, when refractory > 0); outputs `spikes_out` and the same states as `<name>_next`.
 * Start from zeros and feed each step's `_next` back: T steps equal the unrolled export.
 */
export function buildStepGraph(g: GraphBuilder, net: ExportNetwork, mode: MatMulMode): void {
  const images = imagesInput(g, net);
  const refractory = net.circuit.neuron.refractory > 0;
  const states: LayerGraphState[] = net.layers.map((layer) => {
    const shape: Dim[] = [BATCH_DIM, ...layer.outShape];
    if (!layer.hasCells) return { lif: null, a: '' };
    const [u, s, a, r] = stateNames(layer.index, refractory).map((name) => g.input(name, 'float', shape, stateDoc(name)));
    return { lif: { u, s, r: r ?? null }, a };
  });
  const gl = prepareLayers(g, net, mode);
  const current0 = firstCurrent(g, gl, images);
  const next = g.within('step', () => forwardStepGraph(g, gl, current0, states));
  const out = outputLif(next);
  g.output(out.s, 'spikes_out', 'float', [BATCH_DIM, net.classes], 'output layer spikes of this step (0/1)');
  net.layers.forEach((layer, i) => {
    const lif = next[i].lif;
    if (!lif) return;
    const values = [lif.u, lif.s, next[i].a, ...(lif.r ? [lif.r] : [])];
    stateNames(layer.index, refractory).forEach((name, k) => {
      g.output(values[k], `${name}_next`, 'float', [BATCH_DIM, ...layer.outShape], `${stateDoc(name)}, after this step`);
    });
  });
}

function stateDoc(name: string): string {
  const [kind, layer] = name.split('_');
  const what: Record<string, string> = { u: 'membrane potential before reset', s: 'spikes (0/1)', a: 'presynaptic trace', r: 'refractory steps left' };
  return `layer ${layer} ${what[kind]}; zeros before the first step`;
}
