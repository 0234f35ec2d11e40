/**
 * Small file helpers shared by the dataset loaders: reading with clear errors, gzip
 * detection by magic bytes, and sha256 over a fixed sequence of byte blocks.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { DatasetError } from './dataset';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a whole file; a missing or unreadable file becomes a DatasetError naming it. */
export function readFileChecked(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(file, 'file not found');
    if (code === 'EISDIR') throw new DatasetError(file, 'is a folder, expected a file');
    throw new DatasetError(file, `cannot read: ${(err as Error).message}`);
  }
}

/** Returns the bytes gunzipped when they carry the gzip magic, else unchanged. */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return zlib.gunzipSync(bytes);
  } catch (err) {
    throw new DatasetError(file, `corrupt gzip data: ${(err as Error).message}`);
  }
}

/** Incremental sha256 over byte blocks (and short strings), returning lowercase hex. */
export class ContentHash {
  private readonly h = createHash('sha256');

  /** Adds one block of bytes. */
  update(bytes: Uint8Array | string): this {
    this.h.update(bytes);
    return this;
  }

  /** Finishes the hash. */
  hex(): string {
    return this.h.digest('hex');
  }
}

/** sha256 hex of one byte block. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return new ContentHash().update(bytes).hex();
}

/** Existence check that never throws. */
export function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}
