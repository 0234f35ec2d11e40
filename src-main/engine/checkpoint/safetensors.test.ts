import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from './safetensors';
import type { NamedTensor } from './safetensors';

const enc = new TextEncoder();

/** Assemble a file from a raw header string and data bytes; `n` overrides the length field. */
function rawFile(header: string | Uint8Array, data: Uint8Array | number[] = [], n?: bigint): Uint8Array {
  const h = typeof header === 'string' ? enc.encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function header(obj: Record<string, unknown>): string {
  return JSON.stringify(obj);
}

function expectBad(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips every dtype, metadata and odd shapes', () => {
    const tensors: Record<string, NamedTensor> = {
      'w.f32': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2.25, 3e-38, NaN, Infinity, -0]) },
      'b.u8': { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      'i.i32': { dtype: 'I32', shape: [2, 2], data: new Int32Array([-2147483648, 2147483647, 0, -1]) },
      'd.f64': { dtype: 'F64', shape: [3], data: new Float64Array([Math.PI, -1e308, 5e-324]) },
      scalar: { dtype: 'F32', shape: [], data: new Float32Array([42]) },
      empty: { dtype: 'F64', shape: [0, 4], data: new Float64Array(0) },
      'ünïcode ✓': { dtype: 'U8', shape: [1], data: new Uint8Array([7]) },
    };
    const metadata = { format: 'apical', epoch: '3', note: 'quotes " and \\ and ünïcode' };
    const bytes = encodeSafetensors(tensors, metadata);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual(metadata);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      const got = back.tensors[name];
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
      expect(got.data.byteOffset).toBe(0);
    }
    expect(Object.is(back.tensors['w.f32'].data[5], -0)).toBe(true);
  });

  it('reads typed arrays that are views into a larger buffer, and never aliases the input', () => {
    const big = new Float32Array([9, 9, 1, 2, 3, 9]);
    const bytes = encodeSafetensors({ u: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) }, v: { dtype: 'F32', shape: [3], data: big.subarray(2, 5) } });
    // decode from an unaligned view of the file
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const back = decodeSafetensors(shifted.subarray(1));
    expect(Array.from(back.tensors.v.data)).toEqual([1, 2, 3]);
    expect(back.tensors.v.data.buffer).not.toBe(shifted.buffer);
    shifted.fill(0);
    expect(Array.from(back.tensors.v.data)).toEqual([1, 2, 3]);
  });

  it('omits __metadata__ when no metadata is given and pads the header with spaces', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'U8', shape: [1], data: new Uint8Array([5]) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}');
    expect(/^[^ ]*\}( *)$/.test(text)).toBe(true);
    expect(decodeSafetensors(bytes).metadata).toEqual({});
  });

  it('rejects invalid input to the encoder', () => {
    const f = (data: NamedTensor['data'], shape: number[], dtype: NamedTensor['dtype'] = 'F32') => ({ dtype, shape, data });
    expect(() => encodeSafetensors({ '': f(new Float32Array(1), [1]) })).toThrow(CheckpointError);
    expect(() => encodeSafetensors({ __metadata__: f(new Float32Array(1), [1]) })).toThrow(/reserved/);
    expect(() => encodeSafetensors({ a: f(new Float32Array(5), [2, 3]) })).toThrow(/5 elements.*needs 6/);
    expect(() => encodeSafetensors({ a: f(new Float64Array(2), [2], 'F32') })).toThrow(/Float32Array/);
    expect(() => encodeSafetensors({ a: f(new Float32Array(2), [-2]) })).toThrow(/non-negative integer/);
    expect(() => encodeSafetensors({ a: f(new Float32Array(2), [2.5]) })).toThrow(CheckpointError);
    expect(() => encodeSafetensors({ a: { ...f(new Float32Array(1), [1]), dtype: 'F16' as 'F32' } })).toThrow(/unknown dtype/);
    expect(() => encodeSafetensors({}, { epoch: 3 as unknown as string })).toThrow(/must be a string/);
  });

  it('accepts tensors laid out in an order other than the header order', () => {
    const data = new Uint8Array(12);
    const dv = new DataView(data.buffer);
    dv.setFloat32(0, 7.5, true);
    dv.setFloat64(4, -3.25, true);
    const h = header({ z: { dtype: 'F64', shape: [1], data_offsets: [4, 12] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, __metadata__: { k: 'v' } });
    const back = decodeSafetensors(rawFile(h, data));
    expect(back.tensors.a.data[0]).toBe(7.5);
    expect(back.tensors.z.data[0]).toBe(-3.25);
    expect(back.metadata).toEqual({ k: 'v' });
  });

  describe('rejects malformed files with CheckpointError', () => {
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const eight = new Uint8Array(8);

    it('too short for a header', () => expectBad(new Uint8Array(5), /too short/));
    it('header length beyond the file', () => expectBad(rawFile(header(ok), eight, 1000n), /past the end/));
    it('header length near 2^64', () => expectBad(rawFile(header(ok), eight, 0xffffffffffffff00n), /past the end/));
    it('bad JSON', () => expectBad(rawFile('{"a": {"dtype": ', eight), /not valid JSON/));
    it('empty header', () => expectBad(rawFile('', eight), /not a JSON object/));
    it('header is a JSON array', () => expectBad(rawFile('[1, 2]', eight), /not a JSON object/));
    it('header is not UTF-8', () => expectBad(rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), []), /UTF-8/));
    it('unknown dtype', () => expectBad(rawFile(header({ a: { ...ok.a, dtype: 'Q7' } }), eight), /unknown or unsupported dtype "Q7"/));
    it('unsupported dtype', () => expectBad(rawFile(header({ a: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }), eight), /dtype "F16"/));
    it('bad shape', () => expectBad(rawFile(header({ a: { ...ok.a, shape: [-2] } }), eight), /non-negative integer/));
    it('shape not an array', () => expectBad(rawFile(header({ a: { ...ok.a, shape: 2 } }), eight), /shape is not an array/));
    it('entry not an object', () => expectBad(rawFile(header({ a: 3 }), eight), /not an object/));
    it('unexpected field', () => expectBad(rawFile(header({ a: { ...ok.a, extra: 1 } }), eight), /unexpected field/));
    it('offsets not two integers', () => expectBad(rawFile(header({ a: { ...ok.a, data_offsets: [0, 8.5] } }), eight), /two non-negative integers/));
    it('offsets missing', () => expectBad(rawFile(header({ a: { dtype: 'F32', shape: [2] } }), eight), /two non-negative integers/));
    it('offsets past the data', () => expectBad(rawFile(header({ a: { ...ok.a, data_offsets: [4, 12] } }), eight), /out of range/));
    it('offsets reversed', () => expectBad(rawFile(header({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }), eight), /out of range/));
    it('offsets not matching shape x itemsize', () => expectBad(rawFile(header({ a: { ...ok.a, shape: [3] } }), eight), /span 8 bytes.*needs 12/));
    it('overlapping tensors', () => expectBad(rawFile(header({
      a: ok.a, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    }), new Uint8Array(12)), /overlap/));
    it('gap between tensors', () => expectBad(rawFile(header({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    }), new Uint8Array(12)), /gap of 4 bytes/));
    it('data not starting at offset 0', () => expectBad(rawFile(header({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), eight), /gap/));
    it('trailing bytes', () => expectBad(rawFile(header(ok), new Uint8Array(12)), /4 trailing bytes/));
    it('truncated file', () => {
      const good = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
      expectBad(good.subarray(0, good.length - 3), /out of range/);
    });
    it('non-string metadata', () => expectBad(rawFile(header({ ...ok, __metadata__: { epoch: 3 } }), eight), /not a string/));
    it('metadata not an object', () => expectBad(rawFile(header({ ...ok, __metadata__: ['x'] }), eight), /__metadata__ is not an object/));
  });
});
