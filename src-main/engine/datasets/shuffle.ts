/**
 * Deterministic sample orders: the same (seed, epoch) gives the same permutation on every
 * machine, and every epoch gets its own order.
 */
import { mixSeed, Rng } from '../random';

/**
 * A permutation of 0..n-1 (Fisher-Yates) drawn from a PRNG seeded by mixSeed(seed, epoch).
 * Same seed and epoch give the same order; different epochs give different orders.
 */
export function permutation(n: number, seed: number, epoch = 0): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`permutation: n must be a non-negative integer, got ${n}`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const rng = new Rng(mixSeed(seed, epoch));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * The samples a limit selects: all of them when n >= total, else a random subset of n drawn
 * with a fixed seed (the same subset for every run and seed, so limited runs stay
 * comparable), in ascending order. A data set stored class by class (image folders) is
 * thus sampled across its classes, not cut after the first ones.
 */
export function subsetIndices(total: number, n: number): Uint32Array {
  if (n >= total) return Uint32Array.from({ length: total }, (_, i) => i);
  return permutation(total, 0x5eed, 0).subarray(0, n).sort();
}
