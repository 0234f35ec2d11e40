import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { ThetaESpec } from '../../../src-shared/circuit';
import { parseCircuit, ruleSchema } from '../../../src-shared/circuit';
import { Network } from '../network';
import type { Dataset } from '../datasets/dataset';
import { loadDataset } from '../datasets/registry';
import { gatherBatch } from '../training/batches';
import { layerCosines } from '../training/alignment';
import { Optimizer } from '../training/optimizer';
import { disposeSimulation, simulate } from '../training/simulate';
import { createRule } from './registry';
import type { LayerGradients, LocalRule } from './rule';
import { useBackend } from '../testing/backends';

/**
 * docs/method.md: "the spiking microcircuit update has cosine similarity > 0.9 with frsf on
 * the same batch and state". A realistic case: MNIST 784-100-10, T = 8, batch 32, after 20
 * batches of frsf training with Adam (so the network is not at init). For each theta_e
 * setting the rule first sees 3 batches (auto theta_e statistics), then on 3 probe batches
 * the microcircuit and frsf updates of the same state are compared per layer. Runs on wasm
 * (4x faster than cpu here; the numbers are the same).
 */
const SETTINGS: { label: string; thetaE: ThetaESpec }[] = [
  { label: 'auto 0.05', thetaE: { mode: 'auto', scale: 0.05, momentum: 0.9 } },
  { label: 'auto 0.1', thetaE: { mode: 'auto', scale: 0.1, momentum: 0.9 } },
  { label: 'auto 0.25', thetaE: { mode: 'auto', scale: 0.25, momentum: 0.9 } },
  { label: 'auto 0.5', thetaE: { mode: 'auto', scale: 0.5, momentum: 0.9 } },
  { label: 'fixed 0.01', thetaE: { mode: 'fixed', value: 0.01 } },
  { label: 'fixed per layer', thetaE: { mode: 'fixed', value: [0.002, 0.05] } },
];
const BATCH = 32;
const TRAIN_BATCHES = 20;
const PROBES = [1000, 1001, 1002];

interface Row {
  /** per probe batch, per layer */
  cosines: number[][];
  saturation: number;
  spikeRate: number;
}

describe('spiking microcircuit vs frsf on MNIST (cosine of the updates)', () => {
  const rows = new Map<string, Row>();
  let dataset: Dataset;
  let net: Network;

  const batch = (i: number) => gatherBatch(dataset, dataset.train, Int32Array.from({ length: BATCH }, (_, j) => i * BATCH + j));
  const run = (rule: LocalRule, i: number) => {
    const { images, labels } = batch(i);
    const result = simulate(net, images, { labels, rule, batchIndex: i });
    tf.dispose([images, labels]);
    return result;
  };

  beforeAll(async () => {
    await useBackend('wasm');
    dataset = await loadDataset('mnist');
    const circuit = parseCircuit({ layers: [{ kind: 'dense', units: 100 }, { kind: 'dense', units: 10 }], rule: { name: 'frsf' }, batch: BATCH, seed: 1 });
    net = new Network(circuit, { inputShape: dataset.shape, classes: 10 });
    const frsf = createRule(circuit.rule, circuit.seed) as LocalRule;
    const optimizer = new Optimizer(circuit.optimizer);
    for (let b = 0; b < TRAIN_BATCHES; b++) {
      const result = run(frsf, b);
      optimizer.apply(net, result.grads as LayerGradients);
      disposeSimulation(result);
    }
    optimizer.dispose();
    for (const { label, thetaE } of SETTINGS) {
      const mc = createRule(ruleSchema.parse({ name: 'microcircuit', thetaE }), circuit.seed) as LocalRule;
      for (let w = 0; w < 3; w++) disposeSimulation(run(mc, 500 + w));
      const row: Row = { cosines: [], saturation: 0, spikeRate: 0 };
      for (const p of PROBES) {
        const a = run(mc, p);
        const f = run(frsf, p);
        row.cosines.push((await layerCosines(a.grads as LayerGradients, f.grads as LayerGradients)) as number[]);
        row.saturation += a.ruleStats.errorCellSaturation.dataSync()[0] / PROBES.length;
        row.spikeRate += a.ruleStats.errorCellSpikeRate.dataSync()[0] / PROBES.length;
        disposeSimulation(a);
        disposeSimulation(f);
      }
      rows.set(label, row);
      mc.dispose();
    }
    frsf.dispose();
    const table = [...rows].map(([label, r]) => ({
      thetaE: label,
      hidden: r.cosines.map((c) => c[0].toFixed(3)).join(' / '),
      output: r.cosines.map((c) => c[1].toFixed(3)).join(' / '),
      saturation: r.saturation.toFixed(4),
      spikeRate: r.spikeRate.toFixed(4),
    }));
    console.table(table);
  });

  afterAll(async () => {
    net?.dispose();
    await useBackend('cpu');
  });

  const minCosine = (label: string) => Math.min(...(rows.get(label) as Row).cosines.flat());

  it('auto theta_e with scale 0.5 gives cosine > 0.9 in every layer on every probe batch', () => {
    expect(minCosine('auto 0.5')).toBeGreaterThan(0.9);
  });

  it('finer auto thresholds saturate more and align worse (0.05 < 0.25 < 0.5)', () => {
    const sat = ['auto 0.05', 'auto 0.25', 'auto 0.5'].map((l) => (rows.get(l) as Row).saturation);
    expect(sat[0]).toBeGreaterThan(sat[1]);
    expect(sat[1]).toBeGreaterThan(sat[2]);
    expect(minCosine('auto 0.05')).toBeLessThan(minCosine('auto 0.25'));
    expect(minCosine('auto 0.25')).toBeLessThan(minCosine('auto 0.5'));
  });

  // With scale 0.25 the cells with the largest errors saturate (one theta_e per step; ~2.6%
  // of cell-steps) and one probe batch fell below 0.9 (hidden 0.887, output 0.859); 0.5
  // clears 0.95 in both layers, so 0.5 is the default.
  it('the default spec (auto, scale 0.5) gives cosine > 0.9 in every layer', () => {
    expect(ruleSchema.parse({ name: 'microcircuit' })).toMatchObject({ thetaE: { mode: 'auto', scale: 0.5 } });
    expect(minCosine('auto 0.5')).toBeGreaterThan(0.9);
  });

  // One fixed theta_e for every layer: a hidden E+/E- cell is driven by
  // gate * sum_k |R_kj| r_k with r_k <= theta_e per step, gate <= 1/tau_s = 0.5 and
  // |R_kj| <= 1/sqrt(100): at most ~0.5 theta_e per step, usually far less, and the
  // integrators restart every batch, so in T = 8 steps the hidden error cells never fire.
  // Hence fixed mode takes one value per layer.
  it('fixed theta_e per layer gives the hidden layer an update aligned with frsf', () => {
    expect(minCosine('fixed per layer')).toBeGreaterThan(0.5);
  });

  it('fixed theta_e: the hidden layer gets no update at all (see above)', () => {
    expect((rows.get('fixed 0.01') as Row).cosines.map((c) => c[0])).toEqual([0, 0, 0]);
  });
});
