import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { CircuitInput } from '../../../src-shared/circuit';
import { bpttGradients } from './bptt';
import { createRule } from './registry';
import { useBackend } from '../testing/backends';
import { batchTensors, poissonUniforms, readGradients, referenceNetwork, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { ruleSpec } from '../testing/rule-harness';
import { assertClose } from '../testing/compare';
import { bpttReference } from '../reference/rules/bptt';

const CONFIGS: { label: string; circuit: Partial<CircuitInput>; detach: boolean }[] = [
  { label: 'boxcar, zero reset, detached reset', circuit: {}, detach: true },
  { label: 'boxcar, zero reset, reset in the graph', circuit: {}, detach: false },
  { label: 'fast-sigmoid, subtract, detached, poisson', circuit: { neuron: { surrogate: 'fast-sigmoid', reset: 'subtract' }, input: { encoder: { kind: 'poisson', maxRate: 1 } } }, detach: true },
  { label: 'fast-sigmoid, subtract, reset in the graph, T = 8', circuit: { neuron: { surrogate: 'fast-sigmoid', reset: 'subtract' }, steps: 8 }, detach: false },
];

beforeAll(async () => {
  await useBackend('cpu');
});

/** bptt (tfjs autodiff) and the plain-JS reverse mode agree on one batch of the tiny network. */
function compareBptt(overrides: Partial<CircuitInput>, detach: boolean): void {
  const circuit = tinyCircuit(overrides);
  const net = tinyNetwork(circuit);
  const { images, labels } = seededBatch(5, 3, 6);
  const batch = batchTensors(images, labels, net.shape.inputShape);
  try {
    const { grads, loss } = bpttGradients(net, batch.images, batch.labels, 3, detach);
    const engine = readGradients(grads);
    const engineLoss = loss.dataSync()[0];
    tf.dispose([...grads.weight, ...grads.bias].filter((g) => g !== null));
    loss.dispose();
    const ref = referenceNetwork(net);
    const uniforms = ref.encoder.kind === 'poisson' ? poissonUniforms(3, 3, 6) : undefined;
    const reference = bpttReference(ref, images, labels, { detachReset: detach, uniforms });
    expect(engineLoss).toBeCloseTo(reference.loss, 4);
    reference.grads.weight.forEach((w, l) => {
      expect(w.flat().some((x) => x !== 0)).toBe(true);
      assertClose(engine.weight[l], w.flat(), 1e-5, `layer ${l} weight`);
      assertClose(engine.bias[l], reference.grads.bias[l], 1e-5, `layer ${l} bias`);
    });
  } finally {
    tf.dispose([batch.images, batch.labels]);
    net.dispose();
  }
}

describe('bptt vs hand-written reverse mode through the unrolled LIF network', () => {
  it.each(CONFIGS)('$label: same loss and gradients within 1e-5', ({ circuit, detach }) => compareBptt(circuit, detach));

  // BUG (neurons/lif.ts, lifStep, refractory branch: `const free = tf.cast(tf.lessEqual(r, 0),
  // 'float32')`): the countdown r is computed from state.s, which is on the autodiff tape
  // (the stop-gradient on the reset is a customGrad node, still on the path), and LessEqual
  // has no registered gradient, so bpttGradients throws "Cannot compute gradient: gradient
  // function not found for LessEqual" whenever refractory > 0, detached reset or not. This
  // also breaks the trainer's alignment probe (alignmentEvery > 0) of every rule when
  // refractory > 0. Fix: a
  // comparison with a zero gradient, e.g. `const free = tf.step(tf.sub(0.5, r))` (Step's
  // gradient is registered and is 0). With a zero gradient registered for LessEqual the
  // engine matches this reference to 1e-5 for both settings (checked by hand).
  it.each([true, false])('fast-sigmoid, refractory 2, detached reset %s: gradients', (detach) => {
    compareBptt({ neuron: { surrogate: 'fast-sigmoid', refractory: 2 } }, detach);
  });

  it('the registered rule uses the spec\'s detachReset', () => {
    const circuit = tinyCircuit();
    const net = tinyNetwork(circuit);
    const { images, labels } = seededBatch(5, 3, 6);
    const batch = batchTensors(images, labels, net.shape.inputShape);
    const ref = referenceNetwork(net);
    try {
      for (const detachReset of [true, false]) {
        const rule = createRule(ruleSpec({ name: 'bptt', detachReset }), circuit.seed);
        if (rule.kind !== 'autodiff') throw new Error('bptt is an autodiff rule');
        const { grads, loss } = rule.gradients(net, batch.images, batch.labels, 0);
        const engine = readGradients(grads);
        tf.dispose([...grads.weight, ...grads.bias].filter((g) => g !== null));
        loss.dispose();
        const reference = bpttReference(ref, images, labels, { detachReset });
        reference.grads.weight.forEach((w, l) => assertClose(engine.weight[l], w.flat(), 1e-5, `detach ${detachReset} layer ${l}`));
        rule.dispose();
      }
    } finally {
      tf.dispose([batch.images, batch.labels]);
      net.dispose();
    }
  });
});
