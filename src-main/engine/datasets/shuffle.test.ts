import { describe, expect, it } from 'vitest';
import { permutation } from './shuffle';

describe('permutation', () => {
  it('is a permutation of 0..n-1', () => {
    const p = permutation(1000, 1, 0);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
  });

  it('is deterministic for the same seed and epoch', () => {
    expect([...permutation(500, 42, 3)]).toEqual([...permutation(500, 42, 3)]);
  });

  it('differs between epochs and between seeds', () => {
    const a = [...permutation(500, 42, 0)];
    expect([...permutation(500, 42, 1)]).not.toEqual(a);
    expect([...permutation(500, 43, 0)]).not.toEqual(a);
  });

  it('actually shuffles and handles edge sizes', () => {
    const p = permutation(1000, 7, 0);
    let fixed = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === i) fixed++;
    expect(fixed).toBeLessThan(10);
    expect([...permutation(0, 1)]).toEqual([]);
    expect([...permutation(1, 1)]).toEqual([0]);
    expect(() => permutation(-1, 1)).toThrow(RangeError);
  });
});
