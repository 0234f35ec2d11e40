import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { OptimizerSpec } from '../../../src-shared/circuit';
import { optimizerSchema } from '../../../src-shared/circuit';
import { Rng } from '../random';
import { Optimizer } from './optimizer';
import { useBackend } from '../testing/backends';
import { tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { assertClose } from '../testing/compare';
import { RefOptimizer } from '../reference/training/optimizer';

beforeAll(async () => {
  await useBackend('cpu');
});

const SPECS: OptimizerSpec[] = [
  optimizerSchema.parse({ kind: 'adam' }),
  optimizerSchema.parse({ kind: 'adam', lr: 0.05, beta1: 0.5, beta2: 0.9, eps: 1e-3 }),
  optimizerSchema.parse({ kind: 'sgd' }),
  optimizerSchema.parse({ kind: 'sgd', lr: 0.1, momentum: 0.9 }),
  optimizerSchema.parse({ kind: 'adam', lr: 0.02, schedule: 'cosine' }),
  optimizerSchema.parse({ kind: 'sgd', lr: 0.1, momentum: 0.5, schedule: 'cosine' }),
  optimizerSchema.parse({ kind: 'adam', lr: 0.02, schedule: 'cosine', warmupSteps: 3 }),
];

describe('optimiser vs reference', () => {
  it('the cosine schedule halves lr at mid-run and reaches 0 at the end (golden)', () => {
    const ref = new RefOptimizer(optimizerSchema.parse({ kind: 'sgd', lr: 0.2, schedule: 'cosine' }));
    ref.nextStep(0.5);
    expect(ref.update('w', [1], [1])[0]).toBeCloseTo(0.9, 12);
    ref.nextStep(1);
    expect(ref.update('w', [1], [1])[0]).toBeCloseTo(1, 12);
  });

  it('a warm-up of 4 steps ramps lr by quarters, then the schedule takes over (golden)', () => {
    const ref = new RefOptimizer(optimizerSchema.parse({ kind: 'sgd', lr: 0.4, warmupSteps: 4 }));
    const moves = [1, 2, 3, 4, 5].map(() => {
      ref.nextStep(0);
      return 1 - ref.update('w', [1], [1])[0];
    });
    moves.forEach((m, k) => expect(m).toBeCloseTo(0.1 * Math.min(k + 1, 4), 12));
  });

  it('Adam\'s first step moves each weight by about lr against the sign of its gradient (golden)', () => {
    const ref = new RefOptimizer(optimizerSchema.parse({ kind: 'adam', lr: 0.01 }));
    ref.nextStep();
    const w = ref.update('w', [1, 1, 1], [0.3, -2, 0]);
    expect(w[0]).toBeCloseTo(0.99, 6);
    expect(w[1]).toBeCloseTo(1.01, 6);
    expect(w[2]).toBe(1);
  });

  it.each(SPECS)('$kind (lr $lr, $schedule, warm-up $warmupSteps): same parameters after 4 steps on a network', (spec) => {
    const net = tinyNetwork(tinyCircuit());
    const opt = new Optimizer(spec);
    const ref = new RefOptimizer(spec);
    const rng = new Rng(1);
    const params = () => net.layers.flatMap((l) => [l.weight as Tensor, l.bias as Tensor]);
    let expected = params().map((p) => Array.from(p.dataSync()));
    try {
      for (let k = 0; k < 4; k++) {
        const g = params().map((p) => Array.from({ length: p.size }, () => rng.nextFloat() - 0.5));
        const grads = {
          weight: net.layers.map((l, i) => tf.tensor(g[2 * i], (l.weight as Tensor).shape)),
          bias: net.layers.map((l, i) => tf.tensor(g[2 * i + 1], (l.bias as Tensor).shape)),
        };
        const progress = k / 4;
        opt.apply(net, grads, progress);
        tf.dispose([...grads.weight, ...grads.bias]);
        ref.nextStep(progress);
        expected = expected.map((w, i) => ref.update(String(i), w, g[i]));
      }
      expect(opt.iterations).toBe(4);
      params().forEach((p, i) => assertClose(p.dataSync(), expected[i], 1e-6, `parameter ${i}`));
    } finally {
      opt.dispose();
      net.dispose();
    }
  });
});
