import { describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { NeuronParams } from '../../../src-shared/circuit';
import { neuronSchema } from '../../../src-shared/circuit';
import { Rng } from '../random';
import type { LifState } from './lif';
import { lifInitialState, lifStep } from './lif';
import type { RefLifCell } from '../reference/neurons/lif';
import { LIF_REST, lifCellStep } from '../reference/neurons/lif';

const params = (over: Partial<NeuronParams> = {}): NeuronParams => neuronSchema.parse(over);

/** The engine's soma driven by one current sequence per cell (columns); returns u and s per step. */
function runEngine(currents: number[][], p: NeuronParams): { u: number[][]; s: number[][] } {
  const cells = currents[0].length;
  const u: number[][] = [];
  const s: number[][] = [];
  tf.tidy(() => {
    let state: LifState = lifInitialState([1, cells], p);
    for (const row of currents) {
      state = lifStep(tf.tensor2d([row]), state, p);
      u.push(Array.from(state.u.dataSync()));
      s.push(Array.from(state.s.dataSync()));
    }
  });
  return { u, s };
}

function runReference(currents: number[], p: NeuronParams): RefLifCell[] {
  let cell = LIF_REST;
  return currents.map((c) => (cell = lifCellStep(c, cell, p)));
}

const constant = (value: number, steps: number) => Array.from({ length: steps }, () => [value]);

describe('LIF soma: golden trajectories', () => {
  it('integrates a constant current 0.3 with tau_m = 5 and resets to zero after the spike', () => {
    const p = params({ tauM: 5, vTh: 1, reset: 'zero' });
    // u[t] = 0.8 u[t-1] (1 - s[t-1]) + 0.3
    const golden = [0.3, 0.54, 0.732, 0.8856, 1.00848, 0.3, 0.54, 0.732, 0.8856, 1.00848];
    const spikes = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const { u, s } = runEngine(constant(0.3, 10), p);
    u.forEach((x, t) => expect(x[0]).toBeCloseTo(golden[t], 5));
    expect(s.map((x) => x[0])).toEqual(spikes);
    const ref = runReference(new Array(10).fill(0.3), p);
    ref.forEach((c, t) => expect(c.u).toBeCloseTo(golden[t], 12));
    expect(ref.map((c) => c.s)).toEqual(spikes);
  });

  it('subtracts the threshold instead with reset = subtract', () => {
    const p = params({ tauM: 5, vTh: 1, reset: 'subtract' });
    // after the spike at t = 4: u[5] = 0.8 (1.00848 - 1) + 0.3
    const golden = [0.3, 0.54, 0.732, 0.8856, 1.00848, 0.306784, 0.5454272, 0.73634176, 0.889073408, 1.0112587264, 0.30900698112];
    const spikes = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
    const { u, s } = runEngine(constant(0.3, 11), p);
    u.forEach((x, t) => expect(x[0]).toBeCloseTo(golden[t], 5));
    expect(s.map((x) => x[0])).toEqual(spikes);
    const ref = runReference(new Array(11).fill(0.3), p);
    ref.forEach((c, t) => expect(c.u).toBeCloseTo(golden[t], 12));
  });

  it('fires at exactly the threshold (H(0) = 1)', () => {
    const { s } = runEngine([[1], [0.5]], params({ vTh: 1 }));
    expect(s.map((x) => x[0])).toEqual([1, 0]);
    expect(runReference([1, 0.5], params({ vTh: 1 })).map((c) => c.s)).toEqual([1, 0]);
  });

  it('holds a cell at u = 0 and silent for `refractory` steps after a spike', () => {
    const p = params({ tauM: 5, refractory: 2 });
    // 0.6, 1.08 (spike), held, held, then integrates again from 0
    const golden = [0.6, 1.08, 0, 0, 0.6, 1.08, 0, 0, 0.6];
    const spikes = [0, 1, 0, 0, 0, 1, 0, 0, 0];
    const { u, s } = runEngine(constant(0.6, 9), p);
    u.forEach((x, t) => expect(x[0]).toBeCloseTo(golden[t], 5));
    expect(s.map((x) => x[0])).toEqual(spikes);
    const ref = runReference(new Array(9).fill(0.6), p);
    expect(ref.map((c) => c.s)).toEqual(spikes);
    ref.forEach((c, t) => expect(c.u).toBeCloseTo(golden[t], 12));
  });

  it('a strong input with refractory 1 fires every other step', () => {
    const { s } = runEngine(constant(5, 6), params({ refractory: 1 }));
    expect(s.map((x) => x[0])).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('matches the reference on random currents for every reset / refractory setting', () => {
    const rng = new Rng(11);
    const steps = 40;
    const cells = 16;
    const currents = Array.from({ length: steps }, () => Array.from({ length: cells }, () => rng.nextFloat() * 1.2 - 0.2));
    for (const p of [params(), params({ reset: 'subtract' }), params({ refractory: 3 }), params({ reset: 'subtract', refractory: 1, tauM: 3, vTh: 0.7 })]) {
      const engine = runEngine(currents, p);
      for (let j = 0; j < cells; j++) {
        const ref = runReference(currents.map((row) => row[j]), p);
        ref.forEach((c, t) => {
          expect(engine.s[t][j]).toBe(c.s);
          expect(engine.u[t][j]).toBeCloseTo(c.u, 5);
        });
      }
    }
  });
});
