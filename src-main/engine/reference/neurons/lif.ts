import type { NeuronParams } from '../../../../src-shared/circuit';
import type { Matrix } from '../matrix';
import { zeros } from '../matrix';

/**
 * Reference leaky integrate-and-fire soma, one cell (docs/method.md, "Neurons"):
 *
 *   reset 'zero':      u[t] = (1 - 1/tau_m) * u[t-1] * (1 - s[t-1])        + I[t]
 *   reset 'subtract':  u[t] = (1 - 1/tau_m) * (u[t-1] - V_th * s[t-1])     + I[t]
 *   s[t] = H(u[t] - V_th)        (H(0) = 1: a cell exactly at threshold fires)
 *
 * u is the potential before reset. Refractory R > 0: a countdown r[t] = R when s[t-1] = 1,
 * else max(r[t-1] - 1, 0); while r[t] > 0 the cell is held at u[t] = 0 and s[t] = 0, so a
 * cell that spiked at t is silent during t+1 .. t+R.
 */
export interface RefLifCell {
  readonly u: number;
  readonly s: number;
  /** refractory steps left (0 when free) */
  readonly r: number;
}

export const LIF_REST: RefLifCell = { u: 0, s: 0, r: 0 };

export function lifCellStep(current: number, prev: RefLifCell, p: NeuronParams): RefLifCell {
  const decay = 1 - 1 / p.tauM;
  const leaked = p.reset === 'zero' ? decay * prev.u * (1 - prev.s) : decay * (prev.u - p.vTh * prev.s);
  const r = p.refractory > 0 ? (prev.s > 0 ? p.refractory : Math.max(prev.r - 1, 0)) : 0;
  if (r > 0) return { u: 0, s: 0, r };
  const u = leaked + current;
  return { u, s: u >= p.vTh ? 1 : 0, r };
}

/** A layer's soma state, B x n per field. */
export interface RefLifState {
  readonly u: Matrix;
  readonly s: Matrix;
  readonly r: Matrix;
}

export function lifInitialState(rows: number, cols: number): RefLifState {
  return { u: zeros(rows, cols), s: zeros(rows, cols), r: zeros(rows, cols) };
}

/** lifCellStep over every cell of a B x n layer. */
export function lifStep(current: Matrix, prev: RefLifState, p: NeuronParams): RefLifState {
  const cells = current.map((row, i) => row.map((x, j) => lifCellStep(x, { u: prev.u[i][j], s: prev.s[i][j], r: prev.r[i][j] }, p)));
  return {
    u: cells.map((row) => row.map((c) => c.u)),
    s: cells.map((row) => row.map((c) => c.s)),
    r: cells.map((row) => row.map((c) => c.r)),
  };
}
