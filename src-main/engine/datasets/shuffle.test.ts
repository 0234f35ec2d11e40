import { describe, expect, it } from 'vitest';
import { permutation, subsetIndices } from './shuffle';

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

describe('subsetIndices', () => {
  it('selects everything without a limit, else a fixed random subset spread over the set', () => {
    expect(Array.from(subsetIndices(5, 9))).toEqual([0, 1, 2, 3, 4]);
    const a = subsetIndices(10_000, 1000);
    expect(a).toHaveLength(1000);
    expect(new Set(a).size).toBe(1000);
    expect(Array.from(a)).toEqual(Array.from(subsetIndices(10_000, 1000)));
    // a set stored class by class (1000 per class) is sampled across all its classes
    const classes = new Set(Array.from(a, (i) => Math.floor(i / 1000)));
    expect(classes.size).toBe(10);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
  });
});
