import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CircuitInput, RuleSpec } from '../../../src-shared/circuit';
import type { Network } from '../network';
import { createRule } from './registry';
import type { LocalRule } from './rule';
import { useBackend } from '../testing/backends';
import { referenceNetwork, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { expectSameForward, expectSameGradients, referenceRule, ruleSpec, runEngineBatch, runReferenceBatch } from '../testing/rule-harness';
import { assertClose } from '../testing/compare';

beforeAll(async () => {
  await useBackend('cpu');
});

const SPECS: { label: string; rule: RuleSpec; circuit?: Partial<CircuitInput> }[] = [
  { label: 'spiking, theta_e fixed 0.05', rule: ruleSpec({ name: 'microcircuit', thetaE: { mode: 'fixed', value: 0.05 } }) },
  { label: 'spiking, theta_e fixed 0.2 (saturating)', rule: ruleSpec({ name: 'microcircuit', thetaE: { mode: 'fixed', value: 0.2 } }) },
  { label: 'spiking, theta_e auto (defaults)', rule: ruleSpec({ name: 'microcircuit' }) },
  { label: 'spiking, auto 0.1 momentum 0.5, tau_a = 2', rule: ruleSpec({ name: 'microcircuit', tauA: 2, thetaE: { mode: 'auto', scale: 0.1, momentum: 0.5 } }) },
  {
    label: 'spiking, auto, fast-sigmoid, subtract, poisson',
    rule: ruleSpec({ name: 'microcircuit' }),
    circuit: { neuron: { surrogate: 'fast-sigmoid', reset: 'subtract' }, input: { encoder: { kind: 'poisson', maxRate: 0.8 } } },
  },
  { label: 'analog', rule: ruleSpec({ name: 'microcircuit-analog' }) },
  { label: 'analog, tau_a = 3', rule: ruleSpec({ name: 'microcircuit-analog', tauA: 3 }) },
];

/** Engine and reference over 3 batches of one network (no weight update): gradients, forward pass and statistics. */
function compareOverBatches(spec: RuleSpec, overrides: Partial<CircuitInput> = {}): void {
  const circuit = tinyCircuit(overrides);
  const net = tinyNetwork(circuit);
  const rule = createRule(spec, circuit.seed) as LocalRule;
  try {
    const ref = referenceNetwork(net);
    const refRule = referenceRule(spec, circuit, circuit.seed, ref);
    for (let b = 0; b < 3; b++) {
      const { images, labels } = seededBatch(100 + b, 3, 6);
      const engine = runEngineBatch(net, rule, images, labels, { batchIndex: b, encoderSeed: b });
      const reference = runReferenceBatch(ref, refRule, images, labels, { batchIndex: b, encoderSeed: b });
      expectSameForward(engine, reference);
      expectSameGradients(engine, reference, 1e-5, `batch ${b}`);
      expect(Object.keys(engine.stats).sort()).toEqual(Object.keys(reference.stats).sort());
      for (const [k, v] of Object.entries(reference.stats)) expect(engine.stats[k]).toBeCloseTo(v, 6);
    }
  } finally {
    rule.dispose();
    net.dispose();
  }
}

describe('microcircuit vs reference', () => {
  it.each(SPECS)('$label: same gradients (1e-5) and error-cell statistics over 3 batches (theta_e statistics carried)', ({ rule, circuit }) => {
    compareOverBatches(rule, circuit);
  });

  // BUG (rules/microcircuit.ts, step(), lines 126-134, the errorDelay branch): the delayed
  // inputs inPos/inNeg ARE upper.rPos/upper.rNeg, and `upper.rPos = swap(upper.rPos,
  // up.rPos)` disposes them before `descend(..., inPos, inNeg)` reads them: from step 1 on,
  // every batch throws "Cannot read properties of undefined (reading 'backend')" (cpu). Fix:
  // move the two swaps after the descend call. (With that change applied to a copy, the
  // engine matched this reference to 1e-5 over 3 batches, tau_a = 2.)
  it('spiking, auto 0.1, error delay: same gradients as the reference', () => {
    compareOverBatches(ruleSpec({ name: 'microcircuit', errorDelay: true, thetaE: { mode: 'auto', scale: 0.1, momentum: 0.5 } }));
  });
});

describe('microcircuit behaviour', () => {
  const circuit = tinyCircuit();
  const { images, labels } = seededBatch(5, 3, 6);
  let net: Network;
  beforeAll(() => {
    net = tinyNetwork(circuit);
  });
  afterAll(() => net.dispose());

  it('reports saturation: a fine fixed theta_e saturates more and spikes more than a coarse one', () => {
    const run = (value: number) => {
      const rule = createRule(ruleSpec({ name: 'microcircuit', thetaE: { mode: 'fixed', value } }), circuit.seed) as LocalRule;
      try {
        return runEngineBatch(net, rule, images, labels).stats;
      } finally {
        rule.dispose();
      }
    };
    const fine = run(1e-4);
    const coarse = run(0.3);
    expect(fine.errorCellSaturation).toBeGreaterThan(coarse.errorCellSaturation);
    expect(fine.errorCellSpikeRate).toBeGreaterThan(coarse.errorCellSpikeRate);
    const huge = run(100);
    expect(huge.errorCellSpikeRate).toBe(0);
    expect(huge.errorCellSaturation).toBe(0);
  });

  it('the analog microcircuit equals frsf on one batch (gradients within 1e-6)', () => {
    const analog = createRule(ruleSpec({ name: 'microcircuit-analog' }), circuit.seed) as LocalRule;
    const frsf = createRule(ruleSpec({ name: 'frsf' }), circuit.seed) as LocalRule;
    try {
      const a = runEngineBatch(net, analog, images, labels);
      const f = runEngineBatch(net, frsf, images, labels);
      a.weight.forEach((w, l) => assertClose(w, f.weight[l], 1e-6, `layer ${l} weight`));
      a.bias.forEach((w, l) => assertClose(w, f.bias[l], 1e-6, `layer ${l} bias`));
    } finally {
      analog.dispose();
      frsf.dispose();
    }
  });
});
