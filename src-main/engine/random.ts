/**
 * Seeded randomness on the host: one small PRNG (splitmix32) used for data shuffling,
 * weight initialisation and feedback matrices, so that a seed gives the same network on
 * every backend and every machine.
 */

/** Hashes several integers into one 32-bit seed (splitmix-style avalanche). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h >>> 0;
}

/** splitmix32: a fast 32-bit generator with good statistical quality for our uses. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform integer in [0, 2^32) */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** uniform float in [0, 1) */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** uniform integer in [0, n) */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** standard normal (Box-Muller) */
  normal(): number {
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Float32Array of n draws from U(-limit, limit). */
  uniformArray(n: number, limit: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (2 * this.nextFloat() - 1) * limit;
    return out;
  }
}
