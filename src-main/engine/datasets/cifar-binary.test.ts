import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, loadCifarBinary } from './cifar-binary';
import { DatasetError } from './dataset';

const RECORD = 3073;

/** A record whose pixel (y, x) in channel c holds (label * 50 + c * 7 + y + x) & 255. */
function record(label: number): Buffer {
  const b = Buffer.alloc(RECORD);
  b[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) b[1 + c * 1024 + y * 32 + x] = pixel(label, c, y, x);
  }
  return b;
}

function pixel(label: number, c: number, y: number, x: number): number {
  return (label * 50 + c * 7 + y + x) & 255;
}

/** Writes batches: data_batch_k holds labels [k-1, k], test_batch holds [9]. */
function writeBatches(dir: string): void {
  for (let k = 1; k <= 5; k++) fs.writeFileSync(path.join(dir, `data_batch_${k}.bin`), Buffer.concat([record(k - 1), record(k)]));
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), record(9));
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
}

function catchError(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('loadCifarBinary', () => {
  it('converts planar RGB to HWC exactly and keeps labels in file order', () => {
    const dir = tmp();
    writeBatches(dir);
    const ds = loadCifarBinary(dir);
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.train.count).toBe(10);
    expect(ds.test.count).toBe(1);
    expect([...ds.train.labels]).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    for (let s = 0; s < ds.train.count; s++) {
      const label = ds.train.labels[s];
      for (const [y, x] of [[0, 0], [0, 31], [5, 17], [31, 0], [31, 31]]) {
        for (let c = 0; c < 3; c++) {
          expect(ds.train.images[s * 3072 + (y * 32 + x) * 3 + c]).toBe(pixel(label, c, y, x));
        }
      }
    }
    expect(ds.test.images[(2 * 32 + 3) * 3 + 1]).toBe(pixel(9, 1, 2, 3));
    expect(ds.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds the cifar-10-batches-bin sub-folder and reads batches.meta.txt', () => {
    const root = tmp();
    const dir = path.join(root, 'cifar-10-batches-bin');
    fs.mkdirSync(dir);
    writeBatches(dir);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    fs.writeFileSync(path.join(dir, 'batches.meta.txt'), names.join('\n') + '\n\n');
    const ds = loadCifarBinary(root);
    expect(ds.classes).toEqual(names);
    expect(ds.source).toBe(dir);
  });

  it('names the file whose size is not a multiple of 3073', () => {
    const dir = tmp();
    writeBatches(dir);
    const file = path.join(dir, 'data_batch_3.bin');
    fs.writeFileSync(file, Buffer.concat([record(1), Buffer.alloc(10)]));
    const err = catchError(() => loadCifarBinary(dir));
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/multiple of the 3073/);
  });

  it('names the file with a label above 9', () => {
    const dir = tmp();
    writeBatches(dir);
    const file = path.join(dir, 'test_batch.bin');
    fs.writeFileSync(file, record(10));
    const err = catchError(() => loadCifarBinary(dir));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/label 10/);
  });

  it('names a missing batch file', () => {
    const dir = tmp();
    writeBatches(dir);
    const file = path.join(dir, 'data_batch_4.bin');
    fs.rmSync(file);
    const err = catchError(() => loadCifarBinary(dir));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/not found/);
  });
});
