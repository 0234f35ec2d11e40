import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { RuleSpec } from '../../../src-shared/circuit';
import type { Network } from '../network';
import { createRule } from '../rules/registry';
import type { LocalRule } from '../rules/rule';
import { describeEachBackend } from '../testing/backends';
import { referenceNetworkAsync, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { expectSameGradients, referenceRule, ruleSpec, runEngineBatchAsync, runReferenceBatch } from '../testing/rule-harness';

/**
 * One suite over every available backend (cpu, wasm, and webgpu where an adapter exists):
 * each backend against the backend-independent plain-JS reference, so they agree with one
 * another within twice the tolerance. Float32 kernels differ in summation order; 1e-4
 * relative (to the largest entry of each gradient) holds while no spike decision sits that
 * close to a threshold, which the fixed seeds here ensure.
 */
const TOLERANCE = 1e-4;

const RULES: { label: string; spec: RuleSpec }[] = [
  { label: 'microcircuit (auto theta_e)', spec: ruleSpec({ name: 'microcircuit' }) },
  { label: 'microcircuit (fixed theta_e 0.05)', spec: ruleSpec({ name: 'microcircuit', thetaE: { mode: 'fixed', value: 0.05 } }) },
  { label: 'microcircuit-analog', spec: ruleSpec({ name: 'microcircuit-analog' }) },
  { label: 'frsf', spec: ruleSpec({ name: 'frsf' }) },
  { label: 'usf', spec: ruleSpec({ name: 'usf' }) },
  { label: 'brsf', spec: ruleSpec({ name: 'brsf' }) },
  { label: 'fa', spec: ruleSpec({ name: 'fa' }) },
  { label: 'dfa', spec: ruleSpec({ name: 'dfa' }) },
  { label: 'bp-spatial', spec: ruleSpec({ name: 'bp-spatial' }) },
];

describeEachBackend('engine on every backend vs the plain-JS reference', (backend) => {
  const circuit = tinyCircuit();
  const { images, labels } = seededBatch(5, 3, 6);
  let net: Network;
  beforeAll(() => {
    net = tinyNetwork(circuit);
  });
  afterAll(() => net.dispose());

  it('runs on the backend under test', () => {
    expect(tf.getBackend()).toBe(backend);
  });

  it('inference: same spike counts, loss and predictions', async () => {
    const engine = await runEngineBatchAsync(net, null, images, labels);
    const reference = runReferenceBatch(await referenceNetworkAsync(net), null, images, labels);
    expect(Array.from(engine.counts)).toEqual(reference.counts.flat());
    expect(engine.prediction).toEqual(reference.prediction);
    expect(engine.loss).toBeCloseTo(reference.loss as number, 4);
  });

  it.each(RULES)('$label: same training gradients within 1e-4 and same predictions', async ({ spec }) => {
    const rule = createRule(spec, circuit.seed) as LocalRule;
    try {
      const ref = await referenceNetworkAsync(net);
      const refRule = referenceRule(spec, circuit, circuit.seed, ref);
      const engine = await runEngineBatchAsync(net, rule, images, labels, { batchIndex: 1 });
      const reference = runReferenceBatch(ref, refRule, images, labels, { batchIndex: 1 });
      expect(engine.prediction).toEqual(reference.prediction);
      expectSameGradients(engine, reference, TOLERANCE, backend);
    } finally {
      rule.dispose();
    }
  });

});
