/**
 * Plain-number matrices for the reference implementation: an array of rows, each a
 * number[] (float64). Batch-first like the engine: a layer's state is B x n, a dense
 * weight is [in, out]. Deliberately naive and slow; clarity is the point.
 */
export type Matrix = number[][];

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** Rows of `cols` values from a flat row-major array (e.g. a tensor's dataSync()). */
export function fromFlat(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) throw new Error(`fromFlat: ${data.length} values do not make ${rows} x ${cols}`);
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => data[r * cols + c]));
}

/** Row-major flat copy. */
export function flatten(m: Matrix): number[] {
  return m.flat();
}

export function shapeOf(m: Matrix): [number, number] {
  return [m.length, m.length ? m[0].length : 0];
}

/** C = A B */
export function matMul(a: Matrix, b: Matrix): Matrix {
  const [n, k] = shapeOf(a);
  const [k2, m] = shapeOf(b);
  if (k !== k2) throw new Error(`matMul: ${n}x${k} times ${k2}x${m}`);
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i][p];
      if (aip === 0) continue;
      const row = b[p];
      const o = out[i];
      for (let j = 0; j < m; j++) o[j] += aip * row[j];
    }
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  const [n, m] = shapeOf(a);
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => a[i][j]));
}

/** Elementwise f(a). */
export function map(a: Matrix, f: (x: number, i: number, j: number) => number): Matrix {
  return a.map((row, i) => row.map((x, j) => f(x, i, j)));
}

/** Elementwise f(a, b) of two matrices of the same shape. */
export function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  const [n, m] = shapeOf(a);
  const [n2, m2] = shapeOf(b);
  if (n !== n2 || m !== m2) throw new Error(`zip: ${n}x${m} with ${n2}x${m2}`);
  return a.map((row, i) => row.map((x, j) => f(x, b[i][j])));
}

export const add = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x + y);
export const sub = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x - y);
export const mul = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x * y);
export const scale = (a: Matrix, k: number): Matrix => map(a, (x) => x * k);

/** A + bias broadcast over rows. */
export function addRow(a: Matrix, bias: readonly number[]): Matrix {
  return a.map((row) => row.map((x, j) => x + bias[j]));
}

/** Sum over rows: a vector of one value per column. */
export function sumRows(a: Matrix): number[] {
  const out = new Array<number>(a[0]?.length ?? 0).fill(0);
  for (const row of a) row.forEach((x, j) => (out[j] += x));
  return out;
}

/** Sum of every entry. */
export function total(a: Matrix): number {
  let s = 0;
  for (const row of a) for (const x of row) s += x;
  return s;
}

/** Largest entry (-Infinity for an empty matrix). */
export function maxEntry(a: Matrix): number {
  let m = -Infinity;
  for (const row of a) for (const x of row) if (x > m) m = x;
  return m;
}

export const relu = (x: number): number => (x > 0 ? x : 0);
