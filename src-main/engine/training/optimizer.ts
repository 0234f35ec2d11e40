import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { OptimizerSpec } from '../../../src-shared/circuit';
import type { Network } from '../network';
import type { LayerGradients } from '../rules/rule';
import { adamStep } from '../kernels/adam';

/**
 * Applies one batch's gradients to the network's weights and biases. The same optimiser
 * serves every rule, so their learning curves are comparable.
 *
 * lr follows the schedule: constant, or cosine from lr to 0 over the run; with warm-up W,
 * the k-th step's lr is further scaled by min(1, k / W).
 *
 *   sgd:   m = mu m + g;            w -= lr m
 *   adam:  m = b1 m + (1-b1) g;  s = b2 s + (1-b2) g^2;  w -= lr (m / (1-b1^k)) / (sqrt(s / (1-b2^k)) + eps)
 */
export class Optimizer {
  private moments = new Map<string, Tensor>();
  private steps = 0;
  /** learning rate of the last step */
  lr: number;

  constructor(readonly spec: OptimizerSpec) {
    this.lr = spec.lr;
  }

  get iterations(): number {
    return this.steps;
  }

  /** @param progress fraction of the run done (0..1), for the learning-rate schedule */
  apply(net: Network, grads: LayerGradients, progress = 0): void {
    this.steps++;
    const scheduled = this.spec.schedule === 'cosine' ? this.spec.lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))) : this.spec.lr;
    this.lr = this.spec.warmupSteps > 0 ? scheduled * Math.min(1, this.steps / this.spec.warmupSteps) : scheduled;
    for (const layer of net.layers) {
      for (const key of ['weight', 'bias'] as const) {
        const g = grads[key][layer.index];
        const w = layer[key];
        if (!g || !w) continue;
        const name = `layers.${layer.index}.${key}`;
        layer[key] = tf.keep(this.update(name, w, g));
        w.dispose();
      }
    }
  }

  private update(name: string, w: Tensor, g: Tensor): Tensor {
    const spec = this.spec;
    return tf.tidy(() => {
      if (spec.kind === 'sgd') {
        if (spec.momentum === 0) return tf.sub(w, tf.mul(g, this.lr));
        const m = this.swap(`${name}.m`, (old) => (old ? tf.add(tf.mul(old, spec.momentum), g) : tf.clone(g)));
        return tf.sub(w, tf.mul(m, this.lr));
      }
      const step = adamStep(w, g, this.moments.get(`${name}.m`) ?? tf.zerosLike(g), this.moments.get(`${name}.v`) ?? tf.zerosLike(g), {
        beta1: spec.beta1, beta2: spec.beta2, eps: spec.eps, lr: this.lr, c1: 1 - spec.beta1 ** this.steps, c2: 1 - spec.beta2 ** this.steps,
      });
      this.swap(`${name}.m`, () => step.m);
      this.swap(`${name}.v`, () => step.v);
      return step.w;
    });
  }

  private swap(key: string, next: (old: Tensor | undefined) => Tensor): Tensor {
    const old = this.moments.get(key);
    const value = tf.keep(next(old));
    old?.dispose();
    this.moments.set(key, value);
    return value;
  }

  /** Moments and step count, for checkpoints. */
  state(): { steps: number; tensors: Record<string, Tensor> } {
    return { steps: this.steps, tensors: Object.fromEntries([...this.moments].map(([k, v]) => [`optimizer.${k}`, v])) };
  }

  /** Restores what `state` returned (tensors are kept, not copied). */
  load(steps: number, tensors: Record<string, Tensor>): void {
    this.dispose();
    this.steps = steps;
    for (const [k, v] of Object.entries(tensors)) {
      if (k.startsWith('optimizer.')) this.moments.set(k.slice('optimizer.'.length), tf.keep(v));
    }
  }

  dispose(): void {
    for (const t of this.moments.values()) t.dispose();
    this.moments.clear();
  }
}
