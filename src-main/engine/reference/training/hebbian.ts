import type { Matrix } from '../matrix';
import { add, matMul, scale, sumRows, transpose, zeros } from '../matrix';

/** Weight and bias gradients per layer, minimisation direction. */
export interface RefGradients {
  readonly weight: Matrix[];
  readonly bias: number[][];
}

/**
 * Hebbian gradients of a local rule, applied once per mini-batch (docs/method.md: dW_l +=
 * eta sum_t v_l[t] a_{l-1}[t]^T), in the minimisation direction and averaged over the batch:
 *
 *   gW_l = -(1/B) sum_t a_{l-1}[t]^T v_l[t]        ([in, out])
 *   gb_l = -(1/B) sum_t sum_b v_l[t]_b
 *
 * `presynaptic[l][t]` is a_{l-1}[t] (the input trace a_0[t] for the first layer).
 */
export function hebbianGradients(presynaptic: Matrix[][], signals: Matrix[][], batch: number): RefGradients {
  const weight = signals.map((v, l) => {
    const pre = presynaptic[l];
    let acc = zeros(pre[0][0].length, v[0][0].length);
    v.forEach((vt, t) => (acc = add(acc, matMul(transpose(pre[t]), vt))));
    return scale(acc, -1 / batch);
  });
  const bias = signals.map((v) => {
    const acc = new Array<number>(v[0][0].length).fill(0);
    for (const vt of v) sumRows(vt).forEach((x, j) => (acc[j] += x));
    return acc.map((x) => -x / batch);
  });
  return { weight, bias };
}
