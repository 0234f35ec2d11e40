/**
 * Numeric comparisons for the engine's tests. "Relative" errors are relative to the
 * largest magnitude of the expected values, so that entries near zero are judged on the
 * tensor's scale rather than their own.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  if (diff === 0) return 0;
  return diff / Math.max(scale, 1e-30);
}

/** Throws with the worst entry named when `actual` is not within `rel` (relative, see above) of `expected`. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, label = 'values'): void {
  const err = maxRelativeError(actual, expected);
  if (!(err <= rel)) {
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      if (Math.abs(actual[i] - expected[i]) > Math.abs(actual[worst] - expected[worst])) worst = i;
    }
    throw new Error(`${label}: relative error ${err.toExponential(3)} > ${rel} (worst at [${worst}]: ${actual[worst]} vs ${expected[worst]})`);
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Sum of absolute values (to assert a signal is not trivially zero). */
export function l1(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}
