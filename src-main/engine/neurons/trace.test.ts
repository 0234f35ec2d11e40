import { describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import { desiredTrace, traceStep } from './trace';
import { desiredTrace as refDesiredTrace, traceCellStep } from '../reference/neurons/trace';

describe('presynaptic trace', () => {
  it('follows a[t] = (1 - 1/tau_s) a[t-1] + s[t]/tau_s (golden, tau_s = 2)', () => {
    const spikes = [1, 1, 0, 1, 0, 0];
    const golden = [0.5, 0.75, 0.375, 0.6875, 0.34375, 0.171875];
    const engine: number[] = [];
    tf.tidy(() => {
      let a = tf.zeros([1, 1]);
      for (const s of spikes) {
        a = traceStep(tf.tensor2d([[s]]), a, 2);
        engine.push(a.dataSync()[0]);
      }
    });
    engine.forEach((x, t) => expect(x).toBeCloseTo(golden[t], 6));
    let a = 0;
    spikes.forEach((s, t) => expect((a = traceCellStep(a, s, 2))).toBe(golden[t]));
  });

  it('reaches 1 - (1 - 1/tau_s)^n for a cell firing every step (tau_s = 4)', () => {
    let a = 0;
    for (let n = 1; n <= 10; n++) expect((a = traceCellStep(a, 1, 4))).toBeCloseTo(1 - 0.75 ** n, 12);
  });

  it('the desired trace fires from the warm-up step on', () => {
    expect(desiredTrace(5, 1, 2)).toEqual([0, 0.5, 0.75, 0.875, 0.9375]);
    expect(desiredTrace(3, 0, 2)).toEqual([0.5, 0.75, 0.875]);
    expect(desiredTrace(6, 2, 4)).toEqual(refDesiredTrace(6, 2, 4));
    expect(refDesiredTrace(5, 1, 2)).toEqual([0, 0.5, 0.75, 0.875, 0.9375]);
  });
});
