import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset';
import { looksLikeTar, readTar, readTarMaybeGzip, writeTar } from './tar';

const longName = `top/${'d'.repeat(60)}/${'f'.repeat(80)}.bin`;

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tar', () => {
  it('round-trips folders, files and long names', () => {
    const bytes = writeTar([
      { name: 'top/' },
      { name: 'top/a.txt', data: new TextEncoder().encode('hello'), mtime: 1234 },
      { name: longName, data: new Uint8Array(700).fill(7) },
    ]);
    expect(looksLikeTar(bytes)).toBe(true);
    const entries = readTarMaybeGzip(zlib.gzipSync(bytes), 'x.tar.gz');
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['top', 'dir'],
      ['top/a.txt', 'file'],
      [longName, 'file'],
    ]);
    expect(new TextDecoder().decode(entries[1].data)).toBe('hello');
    expect(entries[1].mtime).toBe(1234);
    expect(entries[2].data.length).toBe(700);
    expect(entries[2].data.every((v) => v === 7)).toBe(true);
  });

  it('reads archives written by the system tar (GNU or POSIX long names)', { skip: !hasTar() }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    const src = path.join(dir, 'src');
    fs.mkdirSync(path.join(src, path.dirname(longName)), { recursive: true });
    fs.writeFileSync(path.join(src, longName), 'long');
    fs.writeFileSync(path.join(src, 'top', 'short.txt'), 'short');
    for (const format of ['gnu', 'posix']) {
      const archive = path.join(dir, `${format}.tar`);
      execFileSync('tar', ['-cf', archive, `--format=${format}`, '-C', src, 'top']);
      const files = readTar(fs.readFileSync(archive), archive).filter((e) => e.type === 'file');
      expect(files.map((e) => e.name).sort()).toEqual([longName, 'top/short.txt'].sort());
      expect(new TextDecoder().decode(files.find((e) => e.name === longName)?.data)).toBe('long');
    }
  });

  it('names the archive on a corrupt header or truncated data', () => {
    const bytes = writeTar([{ name: 'a.bin', data: new Uint8Array(2000) }]);
    const corrupt = bytes.slice();
    corrupt[10] ^= 0xff;
    expect(() => readTar(corrupt, 'bad.tar')).toThrow(DatasetError);
    expect(() => readTar(corrupt, 'bad.tar')).toThrow(/bad\.tar: corrupt tar header at byte 0/);
    expect(() => readTar(bytes.subarray(0, 1024), 'short.tar')).toThrow(/short\.tar: truncated archive/);
    expect(() => readTarMaybeGzip(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'x.tgz')).toThrow(/x\.tgz: corrupt gzip/);
  });
});
