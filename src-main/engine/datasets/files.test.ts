import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset';
import { ContentHash, gunzipIfNeeded, isGzip, readFileChecked, sha256Hex } from './files';

describe('file helpers', () => {
  it('detects gzip by magic and passes other bytes through', () => {
    const raw = new Uint8Array([1, 2, 3]);
    expect(isGzip(zlib.gzipSync(raw))).toBe(true);
    expect(gunzipIfNeeded(raw, 'r')).toBe(raw);
    expect([...gunzipIfNeeded(zlib.gzipSync(raw), 'g')]).toEqual([1, 2, 3]);
    expect(() => gunzipIfNeeded(new Uint8Array([0x1f, 0x8b, 0]), 'bad.gz')).toThrow(/^bad\.gz: corrupt gzip/);
  });

  it('names missing files and folders read as files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    expect(() => readFileChecked(path.join(dir, 'x'))).toThrow(DatasetError);
    expect(() => readFileChecked(path.join(dir, 'x'))).toThrow(`${path.join(dir, 'x')}: file not found`);
    expect(() => readFileChecked(dir)).toThrow(`${dir}: is a folder`);
  });

  it('hashes blocks in order', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new ContentHash().update('a').update('bc').hex()).toBe(sha256Hex('abc'));
  });
});
