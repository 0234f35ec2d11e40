import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CircuitInput } from '../../../src-shared/circuit';
import type { Network } from '../network';
import { createRule } from './registry';
import type { LocalRule } from './rule';
import { useBackend } from '../testing/backends';
import { referenceNetwork, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { expectSameForward, expectSameGradients, referenceRule, ruleSpec, runEngineBatch, runReferenceBatch } from '../testing/rule-harness';
import { maxRelativeError } from '../testing/compare';

/** Engine vs plain-JS reference: the rules whose hidden signal is B^T delta per step. */
const CONFIGS: { label: string; circuit: Partial<CircuitInput> }[] = [
  { label: 'boxcar, reset to zero, direct input', circuit: {} },
  { label: 'fast-sigmoid, subtract, poisson input', circuit: { neuron: { surrogate: 'fast-sigmoid', reset: 'subtract' }, input: { encoder: { kind: 'poisson', maxRate: 1 } } } },
  { label: 'boxcar w = 1.5, tau_s = 3, warm-up 2', circuit: { neuron: { surrogateWidth: 1.5, tauS: 3 }, target: { warmup: 2 } } },
];
const RULES = ['frsf', 'usf', 'brsf', 'fa', 'bp-spatial'] as const;

beforeAll(async () => {
  await useBackend('cpu');
});

describe.each(CONFIGS)('linear-feedback rules vs reference ($label)', ({ circuit: overrides }) => {
  const circuit = tinyCircuit(overrides);
  let net: Network;
  beforeAll(() => {
    net = tinyNetwork(circuit);
  });
  afterAll(() => net.dispose());
  const { images, labels } = seededBatch(5, 3, 6);

  it.each(RULES)('%s: same forward pass and weight/bias gradients within 1e-5', (name) => {
    const spec = ruleSpec({ name });
    const rule = createRule(spec, circuit.seed) as LocalRule;
    const ref = referenceNetwork(net);
    try {
      const engine = runEngineBatch(net, rule, images, labels, { encoderSeed: 9, batchIndex: 3 });
      const reference = runReferenceBatch(ref, referenceRule(spec, circuit, circuit.seed, ref), images, labels, { encoderSeed: 9, batchIndex: 3 });
      expectSameForward(engine, reference);
      expectSameGradients(engine, reference, 1e-5, name);
      // the case is not trivial: some signal reaches every layer
      for (const w of reference.grads?.weight ?? []) expect(w.flat().some((x) => x !== 0)).toBe(true);
    } finally {
      rule.dispose();
    }
  });
});

describe('brsf', () => {
  it('redraws its magnitudes every batch, and the reference given the same draws agrees', () => {
    const circuit = tinyCircuit();
    const net = tinyNetwork(circuit);
    const spec = ruleSpec({ name: 'brsf' });
    const rule = createRule(spec, circuit.seed) as LocalRule;
    const { images, labels } = seededBatch(5, 3, 6);
    try {
      const ref = referenceNetwork(net);
      const refRule = referenceRule(spec, circuit, circuit.seed, ref);
      const first = runEngineBatch(net, rule, images, labels, { batchIndex: 0 });
      const second = runEngineBatch(net, rule, images, labels, { batchIndex: 1 });
      expectSameGradients(first, runReferenceBatch(ref, refRule, images, labels, { batchIndex: 0 }), 1e-5, 'batch 0');
      expectSameGradients(second, runReferenceBatch(ref, refRule, images, labels, { batchIndex: 1 }), 1e-5, 'batch 1');
      // same state, different batch index: the hidden updates differ, the output layer's does not
      expect(maxRelativeError(first.weight[0], second.weight[0])).toBeGreaterThan(1e-3);
      expect(maxRelativeError(first.weight[2], second.weight[2])).toBe(0);
    } finally {
      rule.dispose();
      net.dispose();
    }
  });
});
