import { describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import { Rng } from '../random';
import { errorCellStep } from './error-cell';
import { errorCellRun } from '../reference/neurons/error-cell';

/** The engine's error cells over a drive sequence per cell (columns): outputs per step, final residual, spike and saturation totals. */
function runEngine(drives: number[][], theta: number): { out: number[][]; residual: number[]; spikes: number; saturated: number } {
  const out: number[][] = [];
  let residual: number[] = [];
  let spikes = 0;
  let saturated = 0;
  tf.tidy(() => {
    let c = tf.zeros([1, drives[0].length]);
    for (const row of drives) {
      const step = errorCellStep(tf.tensor2d([row]), c, theta);
      c = step.c;
      out.push(Array.from(step.out.dataSync()));
      spikes += step.spikes.dataSync()[0];
      saturated += step.saturated.dataSync()[0];
    }
    residual = Array.from(c.dataSync());
  });
  return { out, residual, spikes, saturated };
}

describe('error cell (sigma-delta E+/E-)', () => {
  it('golden: drive 0.3 per step with theta_e = 0.5 spikes at steps 1 and 3', () => {
    const e = runEngine([[0.3], [0.3], [0.3], [0.3]], 0.5);
    expect(e.out.map((x) => x[0])).toEqual([0, 0.5, 0, 0.5]);
    expect(e.residual[0]).toBeCloseTo(0.2, 6);
    expect(e.spikes).toBe(2);
    expect(e.saturated).toBe(0);
    const r = errorCellRun([0.3, 0.3, 0.3, 0.3], 0.5);
    expect(r.out).toEqual([0, 0.5, 0, 0.5]);
    expect(r.residual).toBeCloseTo(0.2, 12);
  });

  it('sum of output = sum of drive - residual, with 0 <= residual < theta_e when not saturated', () => {
    const rng = new Rng(3);
    const theta = 0.25;
    const steps = 30;
    const cells = 20;
    // drives below theta_e: the cells never saturate
    const drives = Array.from({ length: steps }, () => Array.from({ length: cells }, () => rng.nextFloat() * theta * 0.999));
    const e = runEngine(drives, theta);
    expect(e.saturated).toBe(0);
    for (let j = 0; j < cells; j++) {
      const sumDrive = drives.reduce((s, row) => s + row[j], 0);
      const sumOut = e.out.reduce((s, row) => s + row[j], 0);
      expect(sumOut).toBeCloseTo(sumDrive - e.residual[j], 4);
      expect(e.residual[j]).toBeGreaterThanOrEqual(0);
      expect(e.residual[j]).toBeLessThan(theta);
      const r = errorCellRun(drives.map((row) => row[j]), theta);
      expect(r.out.reduce((a, b) => a + b, 0)).toBeCloseTo(sumDrive - r.residual, 12);
      expect(r.residual).toBeLessThan(theta);
      expect(e.out.map((row) => row[j])).toEqual(r.out);
    }
  });

  it('counts saturation: a drive of 1.2 per step with theta_e = 0.5 saturates every step and the residual grows', () => {
    const e = runEngine([[1.2], [1.2], [1.2]], 0.5);
    expect(e.out.map((x) => x[0])).toEqual([0.5, 0.5, 0.5]);
    expect(e.saturated).toBe(3);
    expect(e.residual[0]).toBeCloseTo(3 * 1.2 - 1.5, 5);
    const r = errorCellRun([1.2, 1.2, 1.2], 0.5);
    expect(r.saturated).toBe(3);
    expect(r.spikes).toBe(3);
  });

  it('counts only the saturated cells of a step', () => {
    // cell 0 saturates (0.9 - 0.4 = 0.5 >= 0.4), cell 1 spikes without saturating, cell 2 stays silent
    const e = runEngine([[0.9, 0.5, 0.1]], 0.4);
    expect(e.saturated).toBe(1);
    expect(e.spikes).toBe(2);
  });
});
