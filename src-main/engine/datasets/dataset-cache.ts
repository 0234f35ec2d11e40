/**
 * A binary on-disk cache of decoded data sets, so that slow decodes (tens of thousands of
 * JPEGs) happen once. One file per cache key; written atomically (temp file + rename);
 * a file that fails any check (magic, version, sizes, CRC-32, key) is treated as absent.
 *
 * Layout: 'APICALDS' | u32 version | u32 crc32(rest) | u32 header length | header JSON |
 * train images | train labels | test images | test labels   (integers little-endian).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Dataset } from './dataset';
import { sampleSize } from './dataset';

const MAGIC = 'APICALDS';
const VERSION = 1;
const FIXED = 8 + 4 + 4 + 4;

interface CacheHeader {
  key: string;
  name: string;
  shape: [number, number, number];
  classes: string[];
  trainCount: number;
  testCount: number;
  source: string;
  hash: string;
}

/** The cache folder: explicit, else $APICAL_CACHE_DIR, else ~/.cache/apical/datasets. */
export function defaultCacheDir(explicit?: string): string {
  return explicit ?? process.env.APICAL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'apical', 'datasets');
}

/** Path of the cache file for a key. */
export function cacheFilePath(cacheDir: string, name: string, key: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'dataset';
  return path.join(cacheDir, `${safe}-${key.slice(0, 32)}.apds`);
}

/** Reads a cached data set; returns null when the file is missing, corrupt or for another key. */
export function readDatasetCache(file: string, key: string): Dataset | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  try {
    if (buf.length < FIXED || buf.toString('latin1', 0, 8) !== MAGIC) return null;
    if (buf.readUInt32LE(8) !== VERSION) return null;
    if (zlib.crc32(buf.subarray(16)) !== buf.readUInt32LE(12)) return null;
    const headerLength = buf.readUInt32LE(16);
    if (FIXED + headerLength > buf.length) return null;
    const h = JSON.parse(buf.toString('utf8', FIXED, FIXED + headerLength)) as CacheHeader;
    if (h.key !== key || !Array.isArray(h.shape) || h.shape.length !== 3 || !Array.isArray(h.classes)) return null;
    const size = sampleSize({ shape: h.shape });
    let offset = FIXED + headerLength;
    const take = (n: number): Uint8Array => {
      const view = new Uint8Array(buf.buffer, buf.byteOffset + offset, n);
      offset += n;
      return view;
    };
    const expected = offset + (h.trainCount + h.testCount) * (size + 1);
    if (expected !== buf.length) return null;
    const trainImages = take(h.trainCount * size);
    const trainLabels = take(h.trainCount);
    const testImages = take(h.testCount * size);
    const testLabels = take(h.testCount);
    return {
      name: h.name,
      shape: h.shape,
      classes: h.classes,
      train: { count: h.trainCount, images: trainImages, labels: trainLabels },
      test: { count: h.testCount, images: testImages, labels: testLabels },
      source: h.source,
      hash: h.hash,
    };
  } catch {
    return null;
  }
}

/**
 * Writes a data set to the cache atomically. Returns false (and leaves no partial file)
 * when the cache cannot be written, e.g. on a read-only disk: caching is best-effort.
 */
export function writeDatasetCache(file: string, key: string, ds: Dataset): boolean {
  const header: CacheHeader = {
    key,
    name: ds.name,
    shape: [...ds.shape],
    classes: [...ds.classes],
    trainCount: ds.train.count,
    testCount: ds.test.count,
    source: ds.source,
    hash: ds.hash,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthField = Buffer.alloc(4);
  lengthField.writeUInt32LE(headerBytes.length);
  const parts: Uint8Array[] = [lengthField, headerBytes, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels];
  let crc = 0;
  for (const p of parts) crc = zlib.crc32(p, crc);
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(VERSION, 8);
  const crcField = Buffer.alloc(4);
  crcField.writeUInt32LE(crc);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let fd: number | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(tmp, 'w');
    for (const p of [prefix, crcField, ...parts]) {
      let written = 0;
      while (written < p.length) written += fs.writeSync(fd, p, written, p.length - written);
    }
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean up
    }
    return false;
  }
}
