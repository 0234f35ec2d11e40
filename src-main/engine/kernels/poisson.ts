import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { HostKernel } from './backend-arrays';
import { f32, registerHostKernel } from './backend-arrays';

/**
 * Poisson (Bernoulli-per-step) input spikes drawn where the data lives: a counter-based
 * hash of (seed, step, element) gives each element a 24-bit uniform number, so every
 * backend — the host loop here and the WGSL kernel — draws exactly the same spikes and
 * no random numbers cross from host to device.
 *
 *   h = pcg(i xor pcg(seed + t * 0x9e3779b9)),  u = (h >> 8) / 2^24,  spike = u < maxRate * x
 */
export const POISSON_SPIKES = 'ApicalPoissonSpikes';

export interface PoissonAttrs extends NamedAttrMap {
  seed: number;
  step: number;
  maxRate: number;
}

/** PCG-RXS-M-XS 32-bit hash (O'Neill), as used on GPUs for per-thread randomness. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The uniform number element i gets at step t. */
export function poissonUniform(seed: number, step: number, i: number): number {
  const key = pcgHash((seed + Math.imul(step, 0x9e3779b9)) >>> 0);
  return (pcgHash((i ^ key) >>> 0) >>> 8) / 16777216;
}

const kernel: HostKernel<PoissonAttrs> = {
  name: POISSON_SPIKES,
  outputShapes: (inputs) => [[...inputs[0].shape]],
  loop([x], [out], p) {
    const rate = f32(p.maxRate);
    const key = pcgHash((p.seed + Math.imul(p.step, 0x9e3779b9)) >>> 0);
    for (let i = 0; i < x.length; i++) {
      const u = (pcgHash((i ^ key) >>> 0) >>> 8) / 16777216;
      out[i] = u < f32(x[i] * rate) ? 1 : 0;
    }
  },
};

registerHostKernel(kernel);

export const POISSON_WGSL = `
  fn pcgHash(v : u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
  }`;

/** Bernoulli spikes with probability maxRate * x per element, for step `step` of a batch seeded by `seed`. */
export function poissonSpikes(x: Tensor, seed: number, step: number, maxRate: number): Tensor {
  const attrs: PoissonAttrs = { seed: seed >>> 0, step, maxRate };
  return tf.engine().runKernel(POISSON_SPIKES, { x }, attrs) as Tensor;
}
