import type { NeuronParams } from '../../../../src-shared/circuit';
import type { Matrix } from '../matrix';
import { map } from '../matrix';

/**
 * Reference pseudo-derivative f'(u) of the spike, on the potential before reset:
 *
 *   boxcar:        f'(u) = 1/w  if |u - V_th| < w/2, else 0        (unit area; w = surrogateWidth)
 *   fast-sigmoid:  f'(u) = 1 / (1 + k |u - V_th|)^2                (k = surrogateSlope)
 */
export function surrogateDerivative(u: number, p: NeuronParams): number {
  const dist = Math.abs(u - p.vTh);
  if (p.surrogate === 'boxcar') return dist < p.surrogateWidth / 2 ? 1 / p.surrogateWidth : 0;
  return 1 / (1 + p.surrogateSlope * dist) ** 2;
}

/**
 * The soma gate on its own error cells: d a[t] / d u[t] = f'(u[t]) / tau_s, the derivative
 * of the presynaptic trace through the spike. (docs/method.md writes delta = f'(u) e; the
 * engine folds in 1/tau_s so that the per-step signals are exact per-step gradients.)
 */
export function somaGate(u: Matrix, p: NeuronParams): Matrix {
  return map(u, (x) => surrogateDerivative(x, p) / p.tauS);
}
