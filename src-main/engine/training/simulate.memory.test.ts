import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { CircuitInput, RuleSpec } from '../../../src-shared/circuit';
import { createRule } from '../rules/registry';
import type { LayerGradients } from '../rules/rule';
import { Optimizer } from './optimizer';
import { disposeGradients, disposeSimulation, simulate } from './simulate';
import { useBackend } from '../testing/backends';
import { batchTensors, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { ruleSpec } from '../testing/rule-harness';

const CASES: { label: string; rule: RuleSpec; circuit?: Partial<CircuitInput> }[] = [
  { label: 'microcircuit (auto theta_e)', rule: ruleSpec({ name: 'microcircuit' }) },
  { label: 'microcircuit (fixed theta_e, tau_a 2, g_a 0.1)', rule: ruleSpec({ name: 'microcircuit', tauA: 2, gA: 0.1, thetaE: { mode: 'fixed', value: 0.05 } }) },
  { label: 'microcircuit-analog', rule: ruleSpec({ name: 'microcircuit-analog' }) },
  { label: 'frsf', rule: ruleSpec({ name: 'frsf' }) },
  { label: 'usf', rule: ruleSpec({ name: 'usf' }) },
  { label: 'brsf', rule: ruleSpec({ name: 'brsf' }) },
  { label: 'fa', rule: ruleSpec({ name: 'fa' }) },
  { label: 'dfa', rule: ruleSpec({ name: 'dfa' }) },
  { label: 'bp-spatial (poisson input, refractory)', rule: ruleSpec({ name: 'bp-spatial' }), circuit: { input: { encoder: { kind: 'poisson', maxRate: 1 } }, neuron: { refractory: 1 } } },
  { label: 'bptt', rule: ruleSpec({ name: 'bptt' }) },
  { label: 'bptt (reset in the graph, sgd momentum)', rule: ruleSpec({ name: 'bptt', detachReset: false }), circuit: { optimizer: { kind: 'sgd', momentum: 0.9 } } },
];

beforeAll(async () => {
  await useBackend('cpu');
});

/** Trains `batches` batches; returns tf.memory().numTensors after each. */
function trainCounts(spec: RuleSpec, overrides: Partial<CircuitInput>, batches: number): number[] {
  const circuit = tinyCircuit({ ...overrides, rule: spec });
  const net = tinyNetwork(circuit);
  const rule = createRule(spec, circuit.seed);
  const optimizer = new Optimizer(circuit.optimizer);
  const counts: number[] = [];
  try {
    for (let b = 0; b < batches; b++) {
      const { images, labels } = seededBatch(300 + b, 3, 6);
      const batch = batchTensors(images, labels, net.shape.inputShape);
      const result = simulate(net, batch.images, { labels: batch.labels, rule: rule.kind === 'local' ? rule : null, batchIndex: b, encoderSeed: b });
      let grads = result.grads as LayerGradients;
      if (rule.kind === 'autodiff') {
        const out = rule.gradients(net, batch.images, batch.labels, b);
        out.loss.dispose();
        grads = out.grads;
      }
      optimizer.apply(net, grads);
      if (rule.kind === 'autodiff') disposeGradients(grads);
      disposeSimulation(result);
      tf.dispose([batch.images, batch.labels]);
      counts.push(tf.memory().numTensors);
    }
  } finally {
    optimizer.dispose();
    rule.dispose();
    net.dispose();
  }
  return counts;
}

describe('the runner keeps tf.memory().numTensors flat', () => {
  it.each(CASES)('training with $label: flat after the first two batches, nothing left after dispose', ({ rule, circuit }) => {
    const before = tf.memory().numTensors;
    const counts = trainCounts(rule, circuit ?? {}, 5);
    // the first batches create the optimiser's moments and the rule's running statistics
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inference: flat over many batches', () => {
    const net = tinyNetwork(tinyCircuit());
    const before = tf.memory().numTensors;
    for (let b = 0; b < 8; b++) {
      const { images, labels } = seededBatch(400 + b, 3, 6);
      const batch = batchTensors(images, labels, net.shape.inputShape);
      const result = simulate(net, batch.images, b % 2 ? { labels: batch.labels } : {});
      disposeSimulation(result);
      tf.dispose([batch.images, batch.labels]);
      expect(tf.memory().numTensors).toBe(before);
    }
    net.dispose();
  });
});
