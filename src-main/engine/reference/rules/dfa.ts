import type { Matrix } from '../matrix';
import { matMul, mul } from '../matrix';
import type { RefNetwork } from '../network';
import type { RefRule } from './rule';

/**
 * Reference direct feedback alignment: each hidden layer receives the output's signal
 * through its own fixed random D_l ([classes, n_l]):
 *
 *   delta_L[t] = gate_L * e_L[t]
 *   delta_l[t] = gate_l * (o[t] D_l),   o = delta_L ('delta', the engine's choice)
 *                                        or o = e_L   ('error', docs/method.md's table: e_l = R_l e_L)
 */
export function dfaReference(source: 'delta' | 'error' = 'error'): RefRule {
  let net: RefNetwork | null = null;
  return {
    beginBatch(n) {
      net = n;
    },
    step(views, outputError) {
      const layers = (net as RefNetwork).layers;
      const last = views.length - 1;
      const deltaL = mul(views[last].gate, outputError);
      const o = source === 'delta' ? deltaL : outputError;
      return views.map((view, l) => (l === last ? deltaL : mul(view.gate, matMul(o, layers[l].direct as Matrix))));
    },
    endBatch: () => ({}),
  };
}
