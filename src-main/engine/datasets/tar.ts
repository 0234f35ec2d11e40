/**
 * A small in-memory tar reader: 512-byte ustar headers, the POSIX name prefix field, GNU
 * long names (`././@LongLink`, type 'L') and pax `path` records. Entry data are views on
 * the archive buffer, not copies.
 */
import { DatasetError } from './dataset';
import { gunzipIfNeeded } from './files';

/** One archive member. */
export interface TarEntry {
  /** path inside the archive, '/'-separated, without a leading './' or trailing '/' */
  readonly name: string;
  readonly type: 'file' | 'dir' | 'other';
  /** the member's bytes (empty for folders) */
  readonly data: Uint8Array;
  /** modification time, seconds since 1970 */
  readonly mtime: number;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function cString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(start, end));
}

/** Numeric header field: octal text, or GNU base-256 when the high bit is set. */
function numeric(bytes: Uint8Array, start: number, length: number): number {
  if (bytes[start] & 0x80) {
    let v = bytes[start] & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + bytes[start + i];
    return v;
  }
  const text = cString(bytes, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === numeric(header, 148, 8);
}

function isZeroBlock(header: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (header[i] !== 0) return false;
  return true;
}

/** Parses pax extended-header records ("<len> key=value\n") and returns the 'path' value, if any. */
function paxPath(data: Uint8Array): string | undefined {
  const text = decoder.decode(data);
  let pos = 0;
  let found: string | undefined;
  while (pos < text.length) {
    const space = text.indexOf(' ', pos);
    if (space < 0) break;
    const len = parseInt(text.slice(pos, space), 10);
    if (!(len > 0)) break;
    const record = text.slice(space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') found = record.slice(eq + 1);
    pos += len;
  }
  return found;
}

function cleanName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/**
 * Lists the members of an uncompressed tar archive held in memory. `file` names the
 * archive in errors (corrupt header, truncated data).
 */
export function readTar(bytes: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) break;
    if (!checksumOk(header)) throw new DatasetError(file, `corrupt tar header at byte ${offset}`);
    const size = numeric(header, 124, 12);
    const typeflag = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new DatasetError(file, `truncated archive: member at byte ${offset} needs ${size} bytes, ${bytes.length - dataStart} left`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (typeflag === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (typeflag === 'g' || typeflag === 'K') continue;

    let name = cString(header, 0, 100);
    const posix = cString(header, 257, 6) === 'ustar';
    const magicVersion = header[262] === 0; // 'ustar\0' is POSIX; GNU writes 'ustar  \0'
    if (posix && magicVersion) {
      const prefix = cString(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (longName !== undefined) name = longName;
    longName = undefined;

    const type = typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : 'other';
    entries.push({ name: cleanName(name), type, data: type === 'file' ? data : data.subarray(0, 0), mtime: numeric(header, 136, 12) });
  }
  return entries;
}

/** Reads a .tar or .tar.gz from bytes (gzip detected by its magic bytes). */
export function readTarMaybeGzip(bytes: Uint8Array, file: string): TarEntry[] {
  return readTar(gunzipIfNeeded(bytes, file), file);
}

/** True when the bytes look like a tar archive (ustar magic or a valid first header checksum). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  const header = bytes.subarray(0, BLOCK);
  return cString(header, 257, 5) === 'ustar' || (!isZeroBlock(header) && checksumOk(header));
}

function writeHeader(block: Uint8Array, name: string, size: number, typeflag: string, mtime: number): void {
  const enc = new TextEncoder();
  const put = (text: string, start: number, length: number): void => {
    block.set(enc.encode(text).subarray(0, length), start);
  };
  const octal = (v: number, length: number): string => v.toString(8).padStart(length - 1, '0');
  put(name, 0, 100);
  put(octal(typeflag === '5' ? 0o755 : 0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime), 12), 136, 12);
  put(typeflag, 156, 1);
  put('ustar  ', 257, 8); // GNU magic + version, as GNU tar writes with long names
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
}

/**
 * Builds an uncompressed tar archive (GNU flavour; names over 100 bytes get a
 * `././@LongLink` record). Names ending in '/' become folders.
 */
export function writeTar(members: readonly { name: string; data?: Uint8Array; mtime?: number }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const m of members) {
    const isDir = m.name.endsWith('/');
    const data = isDir ? new Uint8Array(0) : (m.data ?? new Uint8Array(0));
    const mtime = m.mtime ?? 0;
    const nameBytes = enc.encode(m.name);
    if (nameBytes.length > 100) {
      const h = new Uint8Array(BLOCK);
      writeHeader(h, '././@LongLink', nameBytes.length + 1, 'L', 0);
      const body = new Uint8Array(Math.ceil((nameBytes.length + 1) / BLOCK) * BLOCK);
      body.set(nameBytes);
      blocks.push(h, body);
    }
    const h = new Uint8Array(BLOCK);
    writeHeader(h, m.name, data.length, isDir ? '5' : '0', mtime);
    const body = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
    body.set(data);
    blocks.push(h, body);
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}
