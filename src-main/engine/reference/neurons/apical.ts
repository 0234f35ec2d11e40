import type { Matrix } from '../matrix';
import { zip } from '../matrix';

/**
 * Reference apical compartment: v[t] = (1 - 1/tau_a) * v[t-1] + i[t], v[-1] = 0.
 * tau_a = 1 has no memory (v = i).
 */
export function apicalCellStep(previous: number, input: number, tauA: number): number {
  return (1 - 1 / tauA) * previous + input;
}

export function apicalStep(input: Matrix, previous: Matrix | null, tauA: number): Matrix {
  if (!previous) return input.map((row) => [...row]);
  return zip(previous, input, (v, i) => apicalCellStep(v, i, tauA));
}
