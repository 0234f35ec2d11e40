import type { Matrix } from '../matrix';
import { map } from '../matrix';
import { desiredTrace } from '../neurons/trace';

/**
 * Reference global spiking error (docs/method.md, "Error and learning"):
 *
 *   ahat_k[t] = desiredTrace[t] if k is the label, else 0
 *   e[t] = ahat[t] - a_L[t]                (output error)
 *   E = 1/2 sum_t sum_b sum_k e[t]_bk^2    (summed over the batch)
 */
export function targetTraces(labels: readonly number[], classes: number, steps: number, warmup: number, tauS: number): Matrix[] {
  const trace = desiredTrace(steps, warmup, tauS);
  return trace.map((v) => labels.map((y) => Array.from({ length: classes }, (_, k) => (k === y ? v : 0))));
}

export function outputError(ahat: Matrix, aOut: Matrix): Matrix {
  return map(ahat, (x, i, j) => x - aOut[i][j]);
}

/** 1/2 sum e^2: this step's share of E (summed over the batch). */
export function stepLoss(error: Matrix): number {
  let s = 0;
  for (const row of error) for (const x of row) s += x * x;
  return 0.5 * s;
}

/**
 * Decision per sample: argmax_k (count_k + 0.5 * sigmoid(u_k)) with u the output potential
 * at the last step. Spike counts are integers and 0.5 sigmoid lies in (0, 0.5), so the
 * potential only breaks ties between equal counts. The first of equal maxima wins.
 */
export function decide(counts: Matrix, potential: Matrix): number[] {
  return counts.map((row, i) => {
    let best = 0;
    let bestScore = -Infinity;
    row.forEach((c, k) => {
      const score = c + 0.5 / (1 + Math.exp(-potential[i][k]));
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    return best;
  });
}
