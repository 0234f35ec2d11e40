import type { Matrix } from '../matrix';
import { map, matMul, mul, transpose, zip } from '../matrix';
import type { RefLayer, RefNetwork } from '../network';
import type { RefRule } from './rule';

/**
 * Reference of the linear-feedback family: per step, with B_l of W_l's shape [in, out],
 *
 *   delta_L[t] = gate_L[t] * e_L[t]
 *   delta_l[t] = gate_l[t] * (delta_{l+1}[t] B_{l+1}^T)        v_l[t] = delta_l[t]
 *
 * The rules differ in B (docs/method.md's table), fixed at the start of each batch:
 *   bp-spatial  B = W                    fa    B = R
 *   frsf        B = |R| o sign(W)        usf   B = sign(W)
 *   brsf        B = |R_batch| o sign(W), R_batch redrawn for every batch
 */
export type RefFeedbackMatrix = (layer: RefLayer, index: number, batchIndex: number) => Matrix;

export function linearFeedbackReference(feedback: RefFeedbackMatrix): RefRule {
  let matrices: (Matrix | null)[] = [];
  return {
    beginBatch(net: RefNetwork, batchIndex: number) {
      matrices = net.layers.map((layer, l) => (l > 0 ? feedback(layer, l, batchIndex) : null));
    },
    step(views, outputError) {
      const last = views.length - 1;
      const out: Matrix[] = new Array<Matrix>(views.length);
      out[last] = mul(views[last].gate, outputError);
      for (let l = last - 1; l >= 0; l--) {
        const e = matMul(out[l + 1], transpose(matrices[l + 1] as Matrix));
        out[l] = mul(views[l].gate, e);
      }
      return out;
    },
    endBatch: () => ({}),
  };
}

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** |M| o sign(W), elementwise (sign(0) = 0). */
export function signConcordant(magnitude: Matrix, weight: Matrix): Matrix {
  return zip(magnitude, weight, (m, w) => Math.abs(m) * sign(w));
}

export const bpSpatialReference = (): RefRule => linearFeedbackReference((layer) => layer.weight);
export const faReference = (): RefRule => linearFeedbackReference((layer) => layer.feedback as Matrix);
export const frsfReference = (): RefRule => linearFeedbackReference((layer) => signConcordant(layer.feedback as Matrix, layer.weight));
export const usfReference = (): RefRule => linearFeedbackReference((layer) => map(layer.weight, sign));
/** brsf given the magnitudes drawn for (layer, batch). */
export const brsfReference = (magnitudes: (index: number, batchIndex: number) => Matrix): RefRule =>
  linearFeedbackReference((layer, index, batchIndex) => signConcordant(magnitudes(index, batchIndex), layer.weight));
