import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { HostKernel } from './backend-arrays';
import { f32, hasKernel, registerHostKernel } from './backend-arrays';

/**
 * One Adam step of a parameter tensor, fused (one pass instead of ~10 elementwise ops over
 * the largest tensors of the network), float32-rounded after every operation so that it
 * equals `adamReference` bit for bit:
 *
 *   m = m b1 + g (1 - b1);  v = v b2 + g^2 (1 - b2);  w -= lr (m / c1) / (sqrt(v / c2) + eps)
 *
 * with c1 = 1 - b1^k and c2 = 1 - b2^k (bias corrections of step k).
 */
export const ADAM = 'ApicalAdam';

export interface AdamAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  c1: number;
  c2: number;
}

export interface AdamResult {
  readonly w: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
}

/** The scalar loop over elements [from, to) (cpu backend, and the SIMD kernel's tail). */
export function adamLoop([w, g, m, v]: Float32Array[], [wOut, mOut, vOut]: Float32Array[], p: AdamAttrs, from: number, to: number): void {
  const b1 = f32(p.beta1);
  const b2 = f32(p.beta2);
  const k1 = f32(1 - p.beta1);
  const k2 = f32(1 - p.beta2);
  const c1 = f32(p.c1);
  const c2 = f32(p.c2);
  const eps = f32(p.eps);
  const lr = f32(p.lr);
  for (let i = from; i < to; i++) {
    const gi = g[i];
    const mi = f32(f32(m[i] * b1) + f32(gi * k1));
    const vi = f32(f32(v[i] * b2) + f32(f32(gi * gi) * k2));
    const step = f32(f32(f32(mi / c1) / f32(f32(Math.sqrt(f32(vi / c2))) + eps)) * lr);
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = f32(w[i] - step);
  }
}

const kernel: HostKernel<AdamAttrs> = {
  name: ADAM,
  outputShapes: (inputs) => [0, 1, 2].map(() => [...inputs[0].shape]),
  loop: (ins, outs, p) => adamLoop(ins, outs, p, 0, ins[0].length),
};

registerHostKernel(kernel);

/** The plain-op reference. */
export function adamReference(w: Tensor, g: Tensor, m: Tensor, v: Tensor, p: AdamAttrs): AdamResult {
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, p.beta1), tf.mul(g, 1 - p.beta1));
    const v2 = tf.add(tf.mul(v, p.beta2), tf.mul(tf.square(g), 1 - p.beta2));
    const step = tf.mul(tf.div(tf.div(m2, p.c1), tf.add(tf.sqrt(tf.div(v2, p.c2)), p.eps)), p.lr);
    return { w: tf.sub(w, step), m: m2, v: v2 };
  });
}

/** One Adam step: fused where the backend has the kernel, else the reference. */
export function adamStep(w: Tensor, g: Tensor, m: Tensor, v: Tensor, p: AdamAttrs): AdamResult {
  if (!hasKernel(ADAM)) return adamReference(w, g, m, v, p);
  const out = tf.engine().runKernel(ADAM, { w, g, m, v }, p) as unknown as Tensor[];
  return { w: out[0], m: out[1], v: out[2] };
}
