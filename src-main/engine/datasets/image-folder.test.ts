import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { DatasetError } from './dataset';
import { jpegComponents, pngSync } from './image-decode';
import { loadImageArchive, loadImageFolder } from './image-folder';
import { writeTar } from './tar';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
}

/** Gray PNG (colour type 0) whose pixel (y, x) is (seed * 40 + y * 4 + x) & 255. */
function grayPng(seed: number, w = 4, h = 4): Buffer {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = grayValue(seed, y, x);
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return pngSync.write({ width: w, height: h, data }, { colorType: 0 });
}

function grayValue(seed: number, y: number, x: number): number {
  return (seed * 40 + y * 4 + x) & 255;
}

/** RGBA PNG with a half-transparent pixel: alpha must be dropped, colour kept. */
function rgbaPng(r: number, g: number, b: number): Buffer {
  const data = new Uint8Array(4 * 4 * 4);
  for (let p = 0; p < 16; p++) data.set([r, g, b, p === 0 ? 10 : 255], p * 4);
  return pngSync.write({ width: 4, height: 4, data }, { colorType: 6 });
}

function flatJpeg(r: number, g: number, b: number): Buffer {
  const data = new Uint8Array(4 * 4 * 4);
  for (let p = 0; p < 16; p++) data.set([r, g, b, 255], p * 4);
  return jpeg.encode({ width: 4, height: 4, data }, 95).data;
}

function write(root: string, files: Record<string, Uint8Array>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), bytes);
  }
}

function tarGz(files: Record<string, Uint8Array>): Buffer {
  return zlib.gzipSync(writeTar(Object.entries(files).map(([name, data]) => ({ name, data }))));
}

async function expectError(p: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  expect((err as DatasetError).file).toBe(file);
  expect((err as DatasetError).message).toMatch(pattern);
}

const mixed = (): Record<string, Uint8Array> => ({
  'train/red/a.png': rgbaPng(200, 10, 20),
  'train/red/b.jpg': flatJpeg(220, 30, 40),
  'train/blue/x.jpeg': flatJpeg(10, 20, 230),
  'test/blue/y.png': rgbaPng(0, 0, 255),
  'test/red/z.JPG': flatJpeg(250, 0, 0),
});

function pixel(ds: Dataset, split: 'train' | 'test', i: number, p: number): number[] {
  const s = ds.shape[2];
  const o = (i * ds.shape[0] * ds.shape[1] + p) * s;
  return [...ds[split].images.subarray(o, o + s)];
}

describe('image folders', () => {
  it('uses train/test folders, sorts classes, keeps gray PNGs as one exact channel', async () => {
    const root = tmp();
    write(root, {
      'train/b/1.png': grayPng(1),
      'train/b/2.png': grayPng(2),
      'train/a/1.png': grayPng(3),
      'test/a/9.png': grayPng(4),
      'test/b/9.png': grayPng(5),
      'notes.txt': new Uint8Array(3),
    });
    const ds = await loadImageFolder(root, { cacheDir: tmp() });
    expect(ds.classes).toEqual(['a', 'b']);
    expect(ds.shape).toEqual([4, 4, 1]);
    expect([...ds.train.labels]).toEqual([0, 1, 1]);
    expect([...ds.test.labels]).toEqual([0, 1]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(pixel(ds, 'train', 1, y * 4 + x)).toEqual([grayValue(1, y, x)]);
    expect(pixel(ds, 'test', 1, 5)).toEqual([grayValue(5, 1, 1)]);
    expect(ds.source).toBe(root);
    expect(ds.name).toBe(path.basename(root));
  });

  it('decodes RGB: PNG exact with alpha dropped, JPEG within tolerance', async () => {
    const root = tmp();
    write(root, mixed());
    expect(jpegComponents(flatJpeg(1, 2, 3))).toBe(3);
    const ds = await loadImageFolder(root, { cacheDir: tmp() });
    expect(ds.shape).toEqual([4, 4, 3]);
    expect(ds.classes).toEqual(['blue', 'red']);
    // train order: blue/x.jpeg, red/a.png, red/b.jpg
    expect(pixel(ds, 'train', 1, 0)).toEqual([200, 10, 20]);
    expect(pixel(ds, 'train', 1, 15)).toEqual([200, 10, 20]);
    const near = (got: number[], want: number[]): void => got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(6));
    near(pixel(ds, 'train', 0, 7), [10, 20, 230]);
    near(pixel(ds, 'train', 2, 3), [220, 30, 40]);
    near(pixel(ds, 'test', 1, 0), [250, 0, 0]);
    expect(pixel(ds, 'test', 0, 0)).toEqual([0, 0, 255]);
  });

  it('reads the same layout from .tar.gz and .tar, skipping a single top-level folder', async () => {
    const dir = tmp();
    const files = Object.fromEntries(Object.entries(mixed()).map(([k, v]) => [`wrap/${k}`, v]));
    write(path.join(dir, 'folder'), files);
    fs.writeFileSync(path.join(dir, 'set.tar.gz'), tarGz(files));
    fs.writeFileSync(path.join(dir, 'plain.tar'), writeTar(Object.entries(files).map(([name, data]) => ({ name, data }))));
    const fromFolder = await loadImageFolder(path.join(dir, 'folder'), { cacheDir: tmp() });
    const fromGz = await loadImageArchive(path.join(dir, 'set.tar.gz'), { cacheDir: tmp() });
    const fromTar = await loadImageArchive(path.join(dir, 'plain.tar'), { cacheDir: tmp() });
    expect(fromGz.name).toBe('set');
    for (const ds of [fromGz, fromTar]) {
      expect(ds.classes).toEqual(fromFolder.classes);
      expect([...ds.train.images]).toEqual([...fromFolder.train.images]);
      expect([...ds.test.labels]).toEqual([...fromFolder.test.labels]);
    }
    expect(fromGz.hash).not.toBe(fromTar.hash);
  });

  it('splits by seed, stratified per class, when there are no train/test folders', async () => {
    const root = tmp();
    const files: Record<string, Uint8Array> = {};
    for (const c of ['p', 'q', 'r']) for (let i = 0; i < 20; i++) files[`${c}/${String(i).padStart(2, '0')}.png`] = grayPng(i);
    write(root, files);
    const a = await loadImageFolder(root, { cache: false });
    const again = await loadImageFolder(root, { cache: false, seed: 1 });
    const b = await loadImageFolder(root, { cache: false, seed: 2 });
    expect(a.train.count).toBe(54);
    expect(a.test.count).toBe(6);
    expect([...a.test.labels]).toEqual([0, 0, 1, 1, 2, 2]);
    expect([...again.test.images]).toEqual([...a.test.images]);
    expect([...b.test.images]).not.toEqual([...a.test.images]);
    expect(b.hash).not.toBe(a.hash);
    expect(again.hash).toBe(a.hash);
  });

  it('caches the decoded result, rebuilds a corrupt cache and notices changed files', async () => {
    const root = tmp();
    const cacheDir = tmp();
    write(root, mixed());
    const calls: number[][] = [];
    const onProgress = (d: number, t: number): number => calls.push([d, t]);
    const first = await loadImageFolder(root, { cacheDir, onProgress });
    expect(calls[0]).toEqual([0, 5]);
    expect(calls[calls.length - 1]).toEqual([5, 5]);
    const cacheFiles = fs.readdirSync(cacheDir);
    expect(cacheFiles).toHaveLength(1);
    calls.length = 0;
    const second = await loadImageFolder(root, { cacheDir, onProgress });
    expect(calls).toEqual([[5, 5]]);
    expect([...second.train.images]).toEqual([...first.train.images]);
    expect(second.hash).toBe(first.hash);
    fs.writeFileSync(path.join(cacheDir, cacheFiles[0]), 'corrupt');
    calls.length = 0;
    const third = await loadImageFolder(root, { cacheDir, onProgress });
    expect(calls.length).toBeGreaterThan(1);
    expect([...third.train.images]).toEqual([...first.train.images]);
    write(root, { 'train/red/a.png': rgbaPng(1, 2, 3) });
    const fourth = await loadImageFolder(root, { cacheDir });
    expect(pixel(fourth, 'train', 1, 0)).toEqual([1, 2, 3]);
    expect(fourth.hash).not.toBe(first.hash);
  });

  it('names the first mismatching image and both sizes', async () => {
    const root = tmp();
    write(root, { 'a/1.png': grayPng(1), 'b/1.png': grayPng(1, 5, 4) });
    await expectError(loadImageFolder(root, { cache: false }), path.join(root, 'b/1.png'), /5x4 but .*a\/1\.png is 4x4/);
  });

  it('names an empty class folder, an undecodable image, a missing class list and mismatched test classes', async () => {
    const empty = tmp();
    write(empty, { 'a/1.png': grayPng(1), 'b/readme.txt': new Uint8Array(1) });
    await expectError(loadImageFolder(empty, { cache: false }), path.join(empty, 'b'), /empty class folder/);
    const bad = tmp();
    write(bad, { 'a/1.png': grayPng(1), 'b/1.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0, 1, 2]) });
    await expectError(loadImageFolder(bad, { cache: false }), path.join(bad, 'b/1.jpg'), /cannot decode JPEG/);
    const none = tmp();
    write(none, { 'x.png': grayPng(1) });
    await expectError(loadImageFolder(none, { cache: false }), none, /no class folders/);
    const split = tmp();
    write(split, { 'train/a/1.png': grayPng(1), 'train/b/1.png': grayPng(1), 'test/a/1.png': grayPng(1), 'test/c/1.png': grayPng(1) });
    await expectError(loadImageFolder(split, { cache: false }), path.join(split, 'test'), /missing b; not in train: c/);
  });

  it('names archive members as archive:path', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.tar.gz');
    fs.writeFileSync(file, tarGz({ 'a/1.png': grayPng(1), 'b/1.png': Buffer.from('not an image') }));
    await expectError(loadImageArchive(file, { cache: false }), `${file}:b/1.png`, /not a PNG or JPEG/);
    await expectError(loadImageArchive(path.join(dir, 'missing.tar.gz')), path.join(dir, 'missing.tar.gz'), /not found/);
  });
});
