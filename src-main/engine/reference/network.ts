import type { EncoderSpec, NeuronParams } from '../../../src-shared/circuit';
import type { Matrix } from './matrix';
import { addRow, matMul, zeros } from './matrix';
import type { RefLifState } from './neurons/lif';
import { lifInitialState, lifStep } from './neurons/lif';
import { traceStep } from './neurons/trace';

/** One dense layer of pyramidal cells: I = a_prev W + b, weight layout [in, out]. */
export interface RefLayer {
  weight: Matrix;
  bias: number[];
  /** fixed random R, [in, out] (null for the first layer) */
  readonly feedback: Matrix | null;
  /** fixed random direct feedback D_l, [classes, cells] (null for the output layer) */
  readonly direct: Matrix | null;
}

/** A dense network as plain numbers, with what the simulation needs from the circuit. */
export interface RefNetwork {
  readonly layers: RefLayer[];
  readonly neuron: NeuronParams;
  readonly steps: number;
  readonly warmup: number;
  readonly classes: number;
  readonly encoder: EncoderSpec;
}

/** State of one layer between steps: soma and presynaptic trace a_l[t]. */
export interface RefLayerState {
  readonly lif: RefLifState;
  readonly a: Matrix;
}

export function initialStates(net: RefNetwork, batch: number): RefLayerState[] {
  return net.layers.map((l) => ({ lif: lifInitialState(batch, l.bias.length), a: zeros(batch, l.bias.length) }));
}

/** Basal current of a dense layer: I = a_prev W + b. */
export function denseCurrent(aPrev: Matrix, layer: RefLayer): Matrix {
  return addRow(matMul(aPrev, layer.weight), layer.bias);
}

/**
 * The bottom-up sweep of one step (no synaptic delay): for l = 1..L,
 * I_l[t] = a_{l-1}[t] W_l + b_l, soma update, spikes, trace a_l[t].
 */
export function forwardStep(net: RefNetwork, input: Matrix, states: readonly RefLayerState[]): RefLayerState[] {
  const next: RefLayerState[] = [];
  let aPrev = input;
  net.layers.forEach((layer, l) => {
    const lif = lifStep(denseCurrent(aPrev, layer), states[l].lif, net.neuron);
    const a = traceStep(lif.s, states[l].a, net.neuron.tauS);
    next.push({ lif, a });
    aPrev = a;
  });
  return next;
}
