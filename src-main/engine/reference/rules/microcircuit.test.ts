import { describe, expect, it } from 'vitest';
import { neuronSchema } from '../../../../src-shared/circuit';
import { Rng } from '../../random';
import type { Matrix } from '../matrix';
import type { RefNetwork } from '../network';
import { simulateReference } from '../training/simulate';
import { frsfReference } from './linear-feedback';
import { microcircuitReference } from './microcircuit';

/** A random 6-5-3 reference network (no tensors: the reference checked against itself). */
function randomNetwork(seed: number): RefNetwork {
  const rng = new Rng(seed);
  const m = (rows: number, cols: number, g: number): Matrix => Array.from({ length: rows }, () => Array.from({ length: cols }, () => (2 * rng.nextFloat() - 1) * g));
  return {
    layers: [
      { weight: m(6, 5, 1.6), bias: [0, 0, 0, 0, 0], feedback: null, direct: m(3, 5, 0.6) },
      { weight: m(5, 3, 1.8), bias: [0, 0, 0], feedback: m(5, 3, 0.45), direct: null },
    ],
    neuron: neuronSchema.parse({ surrogate: 'fast-sigmoid' }),
    steps: 6,
    warmup: 1,
    classes: 3,
    encoder: { kind: 'direct' },
  };
}

describe('reference microcircuit', () => {
  const net = randomNetwork(2);
  const rng = new Rng(9);
  const images = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => rng.nextFloat()));
  const labels = [0, 1, 2, 1];

  it('with analog error cells equals the frsf reference (float64, 1e-12)', () => {
    const analog = simulateReference(net, images, { labels, rule: microcircuitReference({ errorCells: 'analog', tauA: 1, errorDelay: false, thetaE: { mode: 'fixed', value: 1 } }) });
    const frsf = simulateReference(net, images, { labels, rule: frsfReference() });
    analog.grads?.weight.forEach((w, l) => w.flat().forEach((x, i) => expect(x).toBeCloseTo((frsf.grads as { weight: Matrix[] }).weight[l].flat()[i], 12)));
    expect(frsf.grads?.weight.every((w) => w.flat().some((x) => x !== 0))).toBe(true);
  });

  it('spiking cells with a threshold above every accumulated drive send nothing', () => {
    const spiking = simulateReference(net, images, { labels, rule: microcircuitReference({ errorCells: 'spiking', tauA: 1, errorDelay: false, thetaE: { mode: 'fixed', value: 10 } }) });
    expect(spiking.grads?.weight.every((w) => w.flat().every((x) => x === 0))).toBe(true);
    expect(spiking.stats.errorCellSpikeRate).toBe(0);
  });

  it('auto theta_e follows max(scale * max(ema, running max), 1e-12) and updates the ema after each batch', () => {
    const rule = microcircuitReference({ errorCells: 'spiking', tauA: 1, errorDelay: false, thetaE: { mode: 'auto', scale: 0.5, momentum: 0.75 } });
    simulateReference(net, images, { labels, rule });
    const first = rule.thetas.map((s) => [...s]);
    // first batch: running max only, non-decreasing over the steps
    for (let t = 1; t < first.length; t++) for (const l of [0, 1]) expect(first[t][l]).toBeGreaterThanOrEqual(first[t - 1][l]);
    const maxDrive = first[first.length - 1].map((x) => x / 0.5);
    simulateReference(net, images, { labels, rule });
    // same batch again: the ema equals last batch's max, so theta is constant from step 0
    for (const s of rule.thetas) for (const l of [0, 1]) if (maxDrive[l] > 0) expect(s[l]).toBeCloseTo(0.5 * maxDrive[l], 12);
  });
});
