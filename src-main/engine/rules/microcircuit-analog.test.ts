import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../tensor/tf';
import { tf } from '../tensor/tf';
import type { Circuit } from '../../../src-shared/circuit';
import type { Network } from '../network';
import { Optimizer } from '../training/optimizer';
import { disposeSimulation, simulate } from '../training/simulate';
import { createRule } from './registry';
import type { LayerGradients, LocalRule } from './rule';
import { useBackend } from '../testing/backends';
import { batchTensors, seededBatch, tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { ruleSpec } from '../testing/rule-harness';
import { assertClose } from '../testing/compare';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Trains a fresh network of `circuit` for `batches` batches with a rule and Adam; returns its parameters. */
function trainWith(circuit: Circuit, name: 'microcircuit-analog' | 'frsf', batches: number): Float32Array[] {
  const net: Network = tinyNetwork(circuit);
  const rule = createRule(ruleSpec({ name }), circuit.seed) as LocalRule;
  const optimizer = new Optimizer(circuit.optimizer);
  try {
    for (let b = 0; b < batches; b++) {
      const { images, labels } = seededBatch(200 + b, 3, 6);
      const batch = batchTensors(images, labels, net.shape.inputShape);
      const result = simulate(net, batch.images, { labels: batch.labels, rule, batchIndex: b });
      optimizer.apply(net, result.grads as LayerGradients);
      disposeSimulation(result);
      tf.dispose([batch.images, batch.labels]);
    }
    return net.layers.flatMap((l) => [(l.weight as Tensor).dataSync() as Float32Array, (l.bias as Tensor).dataSync() as Float32Array]);
  } finally {
    optimizer.dispose();
    rule.dispose();
    net.dispose();
  }
}

describe('microcircuit-analog equals frsf (docs/method.md, "Checks that must hold")', () => {
  it('same weights and biases after 6 batches of Adam (lr 0.01), within 1e-5 relative', () => {
    const circuit = tinyCircuit({ optimizer: { kind: 'adam', lr: 0.01 } });
    const analog = trainWith(circuit, 'microcircuit-analog', 6);
    const frsf = trainWith(circuit, 'frsf', 6);
    const initial = tinyNetwork(circuit);
    const start = initial.layers.flatMap((l) => [(l.weight as Tensor).dataSync(), (l.bias as Tensor).dataSync()]);
    initial.dispose();
    analog.forEach((p, i) => {
      assertClose(p, frsf[i], 1e-5, `parameter ${i}`);
      // the weights did move, so the agreement is not that of two untouched networks
      expect(Array.from(p).some((x, j) => Math.abs(x - start[i][j]) > 1e-3)).toBe(true);
    });
  });

  it('same weights after 6 batches of SGD with momentum', () => {
    const circuit = tinyCircuit({ optimizer: { kind: 'sgd', lr: 0.5, momentum: 0.9 } });
    const analog = trainWith(circuit, 'microcircuit-analog', 6);
    const frsf = trainWith(circuit, 'frsf', 6);
    analog.forEach((p, i) => assertClose(p, frsf[i], 1e-5, `parameter ${i}`));
  });
});
