import { describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import { apicalStep } from './apical';
import { apicalCellStep } from '../reference/neurons/apical';

function runEngine(inputs: number[], tauA: number): number[] {
  const out: number[] = [];
  tf.tidy(() => {
    let v: Tensor | null = null;
    for (const i of inputs) {
      v = apicalStep(tf.tensor2d([[i]]), v, tauA);
      out.push(v.dataSync()[0]);
    }
  });
  return out;
}

describe('apical compartment', () => {
  const inputs = [1, 0, 0, 1, -0.5];

  it('tau_a = 1 has no memory: v = i (golden)', () => {
    expect(runEngine(inputs, 1)).toEqual([1, 0, 0, 1, -0.5]);
    let v = 0;
    expect(inputs.map((i) => (v = apicalCellStep(v, i, 1)))).toEqual([1, 0, 0, 1, -0.5]);
  });

  it('tau_a = 2 halves the previous potential each step (golden)', () => {
    const golden = [1, 0.5, 0.25, 1.125, 0.0625];
    runEngine(inputs, 2).forEach((x, t) => expect(x).toBeCloseTo(golden[t], 6));
    let v = 0;
    inputs.forEach((i, t) => expect((v = apicalCellStep(v, i, 2))).toBeCloseTo(golden[t], 12));
  });
});
