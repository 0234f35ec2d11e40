import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { cacheFilePath, defaultCacheDir, readDatasetCache, writeDatasetCache } from './dataset-cache';

function sample(): Dataset {
  return {
    name: 'tiny set',
    shape: [2, 2, 3],
    classes: ['a', 'b'],
    train: { count: 2, images: Uint8Array.from({ length: 24 }, (_, i) => i), labels: Uint8Array.from([0, 1]) },
    test: { count: 1, images: Uint8Array.from({ length: 12 }, (_, i) => 200 + i), labels: Uint8Array.from([1]) },
    source: '/somewhere',
    hash: 'ab'.repeat(32),
  };
}

describe('dataset cache', () => {
  it('round-trips a data set', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    const file = cacheFilePath(path.join(dir, 'nested'), 'tiny set', 'k'.repeat(64));
    expect(path.basename(file)).toMatch(/^tiny_set-k{32}\.apds$/);
    expect(writeDatasetCache(file, 'key1', sample())).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    const back = readDatasetCache(file, 'key1');
    expect(back).not.toBeNull();
    const ds = back as Dataset;
    expect(ds.shape).toEqual([2, 2, 3]);
    expect(ds.classes).toEqual(['a', 'b']);
    expect([...ds.train.images]).toEqual([...sample().train.images]);
    expect([...ds.test.images]).toEqual([...sample().test.images]);
    expect([...ds.test.labels]).toEqual([1]);
    expect(ds.hash).toBe(sample().hash);
    expect(readDatasetCache(file, 'other key')).toBeNull();
  });

  it('treats missing, truncated or bit-flipped files as absent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    const file = path.join(dir, 'x.apds');
    expect(readDatasetCache(file, 'k')).toBeNull();
    writeDatasetCache(file, 'k', sample());
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, good.subarray(0, good.length - 3));
    expect(readDatasetCache(file, 'k')).toBeNull();
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] ^= 1;
    fs.writeFileSync(file, flipped);
    expect(readDatasetCache(file, 'k')).toBeNull();
    fs.writeFileSync(file, 'garbage');
    expect(readDatasetCache(file, 'k')).toBeNull();
  });

  it('returns false instead of throwing when the folder cannot be created', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    expect(writeDatasetCache(path.join(blocker, 'sub', 'x.apds'), 'k', sample())).toBe(false);
  });

  it('honours an explicit dir, then APICAL_CACHE_DIR', () => {
    expect(defaultCacheDir('/x')).toBe('/x');
    const old = process.env.APICAL_CACHE_DIR;
    process.env.APICAL_CACHE_DIR = '/y';
    try {
      expect(defaultCacheDir()).toBe('/y');
    } finally {
      if (old === undefined) delete process.env.APICAL_CACHE_DIR;
      else process.env.APICAL_CACHE_DIR = old;
    }
  });
});
