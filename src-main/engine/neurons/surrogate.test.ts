import { describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import { neuronSchema } from '../../../src-shared/circuit';
import { somaGate, surrogateDerivative, surrogateDerivativeScalar } from './surrogate';
import { somaGate as refSomaGate, surrogateDerivative as refSurrogate } from '../reference/neurons/surrogate';

const us = [-1, 0, 0.4, 0.5, 0.50001, 0.75, 1, 1.2, 1.49999, 1.5, 2.3];

describe("surrogate derivative f'(u) and the soma gate", () => {
  it('boxcar: 1/w inside |u - V_th| < w/2, 0 outside (golden, w = 1 and w = 2)', () => {
    const p1 = neuronSchema.parse({ surrogate: 'boxcar', surrogateWidth: 1 });
    expect(us.map((u) => refSurrogate(u, p1))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0]);
    const p2 = neuronSchema.parse({ surrogate: 'boxcar', surrogateWidth: 2 });
    expect(us.map((u) => refSurrogate(u, p2))).toEqual([0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0]);
  });

  it('fast-sigmoid: 1/(1 + k|u - V_th|)^2 (golden, k = 5)', () => {
    const p = neuronSchema.parse({ surrogate: 'fast-sigmoid', surrogateSlope: 5 });
    expect(refSurrogate(1, p)).toBe(1);
    expect(refSurrogate(0.8, p)).toBeCloseTo(0.25, 12);
    expect(refSurrogate(1.2, p)).toBeCloseTo(0.25, 12);
    expect(refSurrogate(0, p)).toBeCloseTo(1 / 36, 12);
  });

  it('engine tensor, engine scalar and reference agree; gate = f\'(u)/tau_s', () => {
    for (const over of [{ surrogate: 'boxcar' as const }, { surrogate: 'boxcar' as const, surrogateWidth: 0.6, vTh: 0.8 }, { surrogate: 'fast-sigmoid' as const, tauS: 4 }]) {
      const p = neuronSchema.parse(over);
      const [fp, gate] = tf.tidy(() => [surrogateDerivative(tf.tensor2d([us]), p).dataSync(), somaGate(tf.tensor2d([us]), p).dataSync()]);
      const refGate = refSomaGate([us], p)[0];
      us.forEach((u, i) => {
        expect(fp[i]).toBeCloseTo(refSurrogate(u, p), 6);
        expect(surrogateDerivativeScalar(u, p)).toBe(refSurrogate(u, p));
        expect(gate[i]).toBeCloseTo(refGate[i], 6);
        expect(refGate[i]).toBeCloseTo(refSurrogate(u, p) / p.tauS, 12);
      });
    }
  });
});
