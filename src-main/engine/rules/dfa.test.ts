import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '../network';
import { createRule } from './registry';
import type { LocalRule } from './rule';
import { useBackend } from '../testing/backends';
import { referenceNetwork, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { expectSameGradients, ruleSpec, runEngineBatch, runReferenceBatch } from '../testing/rule-harness';
import { dfaReference } from '../reference/rules/dfa';

describe('dfa vs reference', () => {
  const circuit = tinyCircuit();
  const { images, labels } = seededBatch(5, 3, 6);
  let net: Network;
  let rule: LocalRule;
  beforeAll(async () => {
    await useBackend('cpu');
    net = tinyNetwork(circuit);
    rule = createRule(ruleSpec({ name: 'dfa' }), circuit.seed) as LocalRule;
  });
  afterAll(() => {
    rule.dispose();
    net.dispose();
  });

  it('hidden layers get gate_l * (e_L D_l) as in docs/method.md (e_l = R_l e_L), the output delta_L = gate_L * e_L: gradients within 1e-5', () => {
    const engine = runEngineBatch(net, rule, images, labels);
    const reference = runReferenceBatch(referenceNetwork(net), dfaReference('error'), images, labels);
    expectSameGradients(engine, reference, 1e-5, 'dfa');
  });

  it('the fixed D_l have shape [classes, cells] and the output layer has none', () => {
    expect(net.layers.map((l) => l.direct?.shape ?? null)).toEqual([[3, 5], [3, 4], null]);
  });
});
