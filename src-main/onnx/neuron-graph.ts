import type { NeuronParams } from '../../src-shared/circuit';
import type { GraphBuilder } from './graph-builder';

/**
 * The engine's neuron model (engine/neurons/lif.ts and trace.ts) as ONNX nodes, one node
 * per tfjs op in the same order, so every float32 rounding happens where the engine's does:
 *
 *   reset 'zero':      leaked = (u * (1 - s)) * decay
 *   reset 'subtract':  leaked = (u - s * V_th) * decay
 *   u' = leaked + I;   s' = float(u' >= V_th)
 *   refractory R > 0:  r' = s * R + (1 - s) * relu(r - 1);  free = float(r' <= 0);  u' = u' * free;  s' = s' * free
 *   trace:             a' = a * (1 - 1/tau_s) + s' * (1/tau_s)
 *
 * with decay = 1 - 1/tau_m; every constant is the float32 rounding of the JS number, as
 * tfjs makes it when a number meets a float32 tensor.
 */
export interface LifGraphState {
  /** membrane potential before reset */
  readonly u: string;
  /** spikes of the step (0/1 floats) */
  readonly s: string;
  /** refractory countdown, null when refractory = 0 */
  readonly r: string | null;
}

const FLOAT = 1;

/** The resting state of a layer of cells, given zeros of its shape. */
export function lifRestingState(zeros: string, p: NeuronParams): LifGraphState {
  return { u: zeros, s: zeros, r: p.refractory > 0 ? zeros : null };
}

/** One soma step (engine `lifStep` with the Heaviside spike). */
export function lifStepGraph(g: GraphBuilder, current: string, state: LifGraphState, p: NeuronParams): LifGraphState {
  const decay = g.float(1 - 1 / p.tauM);
  const vTh = g.float(p.vTh);
  const one = g.float(1);
  const leaked = p.reset === 'zero'
    ? g.op('Mul', [g.op('Mul', [state.u, g.op('Sub', [one, state.s], {}, 'not_s')], {}, 'kept'), decay], {}, 'leaked')
    : g.op('Mul', [g.op('Sub', [state.u, g.op('Mul', [state.s, vTh], {}, 'reset')], {}, 'kept'), decay], {}, 'leaked');
  let u = g.op('Add', [leaked, current], {}, 'u');
  if (p.refractory > 0) {
    if (!state.r) throw new Error('refractory state missing');
    const countdown = g.op('Relu', [g.op('Sub', [state.r, one], {}, 'r_minus_1')], {}, 'r_left');
    const r = g.op('Add', [
      g.op('Mul', [state.s, g.float(p.refractory)], {}, 'r_spiked'),
      g.op('Mul', [g.op('Sub', [one, state.s], {}, 'not_s'), countdown], {}, 'r_counting'),
    ], {}, 'r');
    const free = g.op('Cast', [g.op('LessOrEqual', [r, g.float(0)], {}, 'is_free')], { to: FLOAT }, 'free');
    u = g.op('Mul', [u, free], {}, 'u');
    const s = g.op('Mul', [heaviside(g, u, vTh), free], {}, 's');
    return { u, s, r };
  }
  return { u, s: heaviside(g, u, vTh), r: null };
}

function heaviside(g: GraphBuilder, u: string, vTh: string): string {
  return g.op('Cast', [g.op('GreaterOrEqual', [u, vTh], {}, 'above')], { to: FLOAT }, 'spike');
}

/** The presynaptic trace (engine `traceStep`). */
export function traceStepGraph(g: GraphBuilder, spikes: string, previous: string, tauS: number): string {
  return g.op('Add', [
    g.op('Mul', [previous, g.float(1 - 1 / tauS)], {}, 'a_kept'),
    g.op('Mul', [spikes, g.float(1 / tauS)], {}, 'a_in'),
  ], {}, 'a');
}

/**
 * The engine's decision (training/target.ts `decide`): argmax over classes of
 * counts + 0.5 * sigmoid(u), first index on ties. tfjs's cpu sigmoid computes
 * 1 / (1 + exp(-u)) in float64 and rounds once to float32; the graph does the same in
 * float64 (a float32 Sigmoid kernel is an approximation that can differ in the last bit).
 */
export function decideGraph(g: GraphBuilder, counts: string, potential: string): string {
  return g.within('decide', () => {
    const DOUBLE = 11;
    const u64 = g.op('Cast', [potential], { to: DOUBLE }, 'u64');
    const e = g.op('Exp', [g.op('Neg', [u64], {}, 'neg_u')], {}, 'exp');
    const one = g.constant('double', [], [1]);
    const sig = g.op('Cast', [g.op('Div', [one, g.op('Add', [one, e], {}, 'den')], {}, 'sigmoid64')], { to: FLOAT }, 'sigmoid');
    const score = g.op('Add', [counts, g.op('Mul', [sig, g.float(0.5)], {}, 'tie_break')], {}, 'score');
    return g.op('ArgMax', [score], { axis: 1, keepdims: 0, select_last_index: 0 }, 'prediction');
  });
}
