/**
 * The safetensors file format (https://github.com/huggingface/safetensors), written and
 * read exactly: an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON header
 * (padded with spaces so the data starts on an 8-byte boundary), then the tensors'
 * little-endian bytes laid out contiguously, with no gaps, in header order.
 *
 * Only the dtypes the engine stores are supported: F32, F64, I32 and U8.
 */

/** The element types this module reads and writes. */
export type SafetensorsDtype = 'F32' | 'I32' | 'U8' | 'F64';

/** One tensor: its dtype, its shape (row-major), and its values in a matching typed array. */
export type NamedTensor = {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Float64Array;
};

/** What a safetensors file holds: tensors by name, and free-form string metadata. */
export type DecodedSafetensors = {
  tensors: Record<string, NamedTensor>;
  metadata: Record<string, string>;
};

/** A malformed checkpoint, an invalid tensor, or a failed checkpoint read/write. */
export class CheckpointError extends Error {
  /** the file concerned, when there is one (it is also at the start of the message) */
  readonly file: string | undefined;
  /** the system error code (e.g. 'ENOSPC') when an I/O call failed */
  readonly code: string | undefined;

  constructor(message: string, options: { file?: string; code?: string; cause?: unknown } = {}) {
    super(options.file !== undefined ? `${options.file}: ${message}` : message,
      options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CheckpointError';
    this.file = options.file;
    this.code = options.code;
  }
}

/** Largest header this module accepts (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The reserved header key that holds the metadata. */
const METADATA_KEY = '__metadata__';

type TypedArrayCtor = { new (length: number): NamedTensor['data']; readonly BYTES_PER_ELEMENT: number };

const DTYPES: Record<SafetensorsDtype, TypedArrayCtor> = {
  F32: Float32Array,
  I32: Int32Array,
  U8: Uint8Array,
  F64: Float64Array,
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

/** Bytes per element of a dtype. */
export function dtypeSize(dtype: SafetensorsDtype): number {
  return DTYPES[dtype].BYTES_PER_ELEMENT;
}

/** Number of elements of a shape (1 for a scalar `[]`); throws on a bad dimension. */
export function shapeSize(shape: readonly unknown[], what = 'shape'): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new CheckpointError(`${what}: dimension ${JSON.stringify(d)} is not a non-negative integer`);
    }
    n *= d;
    if (!Number.isSafeInteger(n)) throw new CheckpointError(`${what}: element count overflows`);
  }
  return n;
}

/** Copy a typed array's values into `out` at `offset` as little-endian bytes. */
function writeLittleEndian(out: Uint8Array, offset: number, t: NamedTensor): void {
  const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (LITTLE_ENDIAN_HOST || t.dtype === 'U8') {
    out.set(src, offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, t.data.byteLength);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (t.dtype === 'F32') view.setFloat32(i * 4, v, true);
    else if (t.dtype === 'F64') view.setFloat64(i * 8, v, true);
    else view.setInt32(i * 4, v, true);
  }
}

/** Read little-endian bytes into a fresh, properly aligned typed array (never aliases `bytes`). */
function readLittleEndian(bytes: Uint8Array, begin: number, end: number, dtype: SafetensorsDtype): NamedTensor['data'] {
  const Ctor = DTYPES[dtype];
  const out = new Ctor((end - begin) / Ctor.BYTES_PER_ELEMENT);
  if (LITTLE_ENDIAN_HOST || dtype === 'U8') {
    new Uint8Array(out.buffer).set(bytes.subarray(begin, end));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, end - begin);
  for (let i = 0; i < out.length; i++) {
    out[i] = dtype === 'F32' ? view.getFloat32(i * 4, true)
      : dtype === 'F64' ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
  }
  return out;
}

function checkTensor(name: string, t: NamedTensor): number {
  if (name.length === 0) throw new CheckpointError('tensor name must not be empty');
  if (name === METADATA_KEY) throw new CheckpointError(`tensor name ${METADATA_KEY} is reserved`);
  if (!isDtype(t.dtype)) throw new CheckpointError(`tensor ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(t.dtype)}`);
  if (!Array.isArray(t.shape)) throw new CheckpointError(`tensor ${JSON.stringify(name)}: shape must be an array`);
  if (!(t.data instanceof DTYPES[t.dtype])) {
    throw new CheckpointError(`tensor ${JSON.stringify(name)}: dtype ${t.dtype} needs a ${DTYPES[t.dtype].name}`);
  }
  const n = shapeSize(t.shape, `tensor ${JSON.stringify(name)}`);
  if (t.data.length !== n) {
    throw new CheckpointError(`tensor ${JSON.stringify(name)}: data has ${t.data.length} elements, shape [${t.shape.join(', ')}] needs ${n}`);
  }
  return t.data.byteLength;
}

/**
 * Encode tensors (in the record's iteration order) and optional string metadata as a
 * safetensors file. Throws CheckpointError on an empty or reserved name, a dtype/array
 * mismatch, a data length that is not the shape's element count, or non-string metadata.
 */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = Object.entries(tensors);
  const parts: string[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const size = checkTensor(name, t);
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] })}`);
    offset += size;
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new CheckpointError('metadata must be an object of strings');
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new CheckpointError(`metadata ${JSON.stringify(k)}: value must be a string, got ${typeof v}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (headerLength > MAX_HEADER_BYTES) throw new CheckpointError(`header of ${headerLength} bytes exceeds ${MAX_HEADER_BYTES}`);
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [, t] of entries) {
    writeLittleEndian(out, at, t);
    at += t.data.byteLength;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) throw new CheckpointError(`file is ${bytes.length} bytes, too short for a safetensors header`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    throw new CheckpointError(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  }
  if (n > BigInt(MAX_HEADER_BYTES)) throw new CheckpointError(`header length ${n} exceeds ${MAX_HEADER_BYTES}`);
  const dataStart = 8 + Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new CheckpointError('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new CheckpointError('header is not a JSON object');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(header)) throw new CheckpointError('header is not a JSON object');
  return { header, dataStart };
}

function parseMetadata(value: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (value === undefined || value === null) return metadata;
  if (!isPlainObject(value)) throw new CheckpointError(`${METADATA_KEY} is not an object`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new CheckpointError(`${METADATA_KEY} ${JSON.stringify(k)}: value is not a string`);
    metadata[k] = v;
  }
  return metadata;
}

type Entry = { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number };

function parseEntry(name: string, info: unknown, dataLength: number): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (name.length === 0) throw new CheckpointError('tensor with an empty name');
  if (!isPlainObject(info)) throw new CheckpointError(`${what}: entry is not an object`);
  for (const key of Object.keys(info)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') throw new CheckpointError(`${what}: unexpected field ${JSON.stringify(key)}`);
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (!isDtype(dtype)) throw new CheckpointError(`${what}: unknown or unsupported dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape)) throw new CheckpointError(`${what}: shape is not an array`);
  const count = shapeSize(shape, what);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new CheckpointError(`${what}: data_offsets must be two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new CheckpointError(`${what}: data_offsets [${begin}, ${end}] out of range (data is ${dataLength} bytes)`);
  }
  const expected = count * dtypeSize(dtype);
  if (end - begin !== expected) {
    throw new CheckpointError(`${what}: data_offsets span ${end - begin} bytes, ${dtype} [${shape.join(', ')}] needs ${expected}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Decode a safetensors file. Tensors come back in data order, each copied into a fresh,
 * aligned typed array. Throws CheckpointError for: a header length past the end of the
 * file, a header that is not UTF-8 JSON, an unknown dtype, a bad shape, data_offsets out
 * of range, overlapping, leaving gaps or not matching shape × item size, and trailing bytes.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const { header, dataStart } = parseHeader(bytes);
  const dataLength = bytes.length - dataStart;
  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name !== METADATA_KEY) entries.push(parseEntry(name, info, dataLength));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const e of entries) {
    if (e.begin < expectedBegin) throw new CheckpointError(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor`);
    if (e.begin > expectedBegin) throw new CheckpointError(`tensor ${JSON.stringify(e.name)}: gap of ${e.begin - expectedBegin} bytes before its data`);
    expectedBegin = e.end;
  }
  if (expectedBegin !== dataLength) {
    throw new CheckpointError(`${dataLength - expectedBegin} trailing bytes after the last tensor`);
  }
  const tensors: Record<string, NamedTensor> = {};
  for (const e of entries) {
    tensors[e.name] = {
      dtype: e.dtype,
      shape: [...e.shape],
      data: readLittleEndian(bytes, dataStart + e.begin, dataStart + e.end, e.dtype),
    };
  }
  return { tensors, metadata };
}
