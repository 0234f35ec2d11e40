import type { OptimizerSpec } from '../../../../src-shared/circuit';

/**
 * Reference optimiser over flat parameter arrays, one step per mini-batch (k = 1, 2, ...),
 * with the learning rate of the schedule at the run's progress p in [0, 1]:
 * lr_k = lr (constant) or lr * (1 + cos(pi * min(p, 1))) / 2 (cosine), times min(1, k / W)
 * with a warm-up of W steps.
 *
 *   sgd:   m = mu m + g (m = g the first time; plain w -= lr g when mu = 0);   w -= lr m
 *   adam:  m = b1 m + (1 - b1) g;  s = b2 s + (1 - b2) g^2  (m = s = 0 before the first step)
 *          w -= lr * (m / (1 - b1^k)) / (sqrt(s / (1 - b2^k)) + eps)
 */
export class RefOptimizer {
  private readonly moments = new Map<string, { m: number[]; s: number[] }>();
  private k = 0;
  private lr: number;

  constructor(private readonly spec: OptimizerSpec) {
    this.lr = spec.lr;
  }

  /** Starts the next step at run progress p; call once per batch before `update`. */
  nextStep(progress = 0): void {
    this.k++;
    const scheduled = this.spec.schedule === 'cosine' ? (this.spec.lr * (1 + Math.cos(Math.PI * Math.min(progress, 1)))) / 2 : this.spec.lr;
    this.lr = this.spec.warmupSteps > 0 ? scheduled * Math.min(1, this.k / this.spec.warmupSteps) : scheduled;
  }

  /** The updated parameter `name` given its gradient. */
  update(name: string, w: readonly number[], g: readonly number[]): number[] {
    const spec = this.spec;
    const lr = this.lr;
    if (spec.kind === 'sgd') {
      if (spec.momentum === 0) return w.map((x, i) => x - lr * g[i]);
      const prev = this.moments.get(name);
      const m = prev ? prev.m.map((x, i) => spec.momentum * x + g[i]) : [...g];
      this.moments.set(name, { m, s: [] });
      return w.map((x, i) => x - lr * m[i]);
    }
    const prev = this.moments.get(name) ?? { m: g.map(() => 0), s: g.map(() => 0) };
    const m = prev.m.map((x, i) => spec.beta1 * x + (1 - spec.beta1) * g[i]);
    const s = prev.s.map((x, i) => spec.beta2 * x + (1 - spec.beta2) * g[i] * g[i]);
    this.moments.set(name, { m, s });
    const c1 = 1 - spec.beta1 ** this.k;
    const c2 = 1 - spec.beta2 ** this.k;
    return w.map((x, i) => x - (lr * (m[i] / c1)) / (Math.sqrt(s[i] / c2) + spec.eps));
  }
}
