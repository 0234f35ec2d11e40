import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCheckpointTempFile, readCheckpoint, tempPathFor, writeCheckpoint } from './checkpoint-file';
import { CheckpointError } from './safetensors';
import type { NamedTensor } from './safetensors';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apical-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function f32(shape: number[], fill: (i: number) => number): NamedTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'F32', shape, data: Float32Array.from({ length: n }, (_, i) => fill(i)) };
}

describe('writeCheckpoint', () => {
  it('writes a safetensors file that parses by hand, value by value', async () => {
    const w = f32([3, 4], (i) => i * 0.25 - 1.1);
    const b = f32([5], (i) => Math.sin(i) * 1e-3);
    const metadata = { model: 'apical-test', step: '17' };
    const path = join(dir, 'model.safetensors');
    await writeCheckpoint(path, { 'layer0.weight': w, 'layer0.bias': b }, metadata);

    const file = await readFile(path);
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const n = view.getBigUint64(0, true);
    expect(n).toBeLessThan(BigInt(file.length));
    const dataStart = 8 + Number(n);
    expect(dataStart % 8).toBe(0);
    const headerText = file.subarray(8, dataStart).toString('utf8');
    expect(headerText.startsWith('{')).toBe(true);
    expect(/^ *$/.test(headerText.slice(headerText.lastIndexOf('}') + 1))).toBe(true);
    const header = JSON.parse(headerText) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual(['layer0.weight', 'layer0.bias', '__metadata__']);
    expect(header.__metadata__).toEqual(metadata);
    expect(header['layer0.weight']).toEqual({ dtype: 'F32', shape: [3, 4], data_offsets: [0, 48] });
    expect(header['layer0.bias']).toEqual({ dtype: 'F32', shape: [5], data_offsets: [48, 68] });
    expect(file.length).toBe(dataStart + 68);
    for (const [name, t] of [['layer0.weight', w], ['layer0.bias', b]] as const) {
      const [begin] = header[name].data_offsets;
      for (let i = 0; i < t.data.length; i++) {
        expect(view.getFloat32(dataStart + begin + i * 4, true)).toBe(t.data[i]);
      }
    }
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('round-trips all dtypes through readCheckpoint', async () => {
    const tensors: Record<string, NamedTensor> = {
      f: f32([2, 2], (i) => i / 3),
      d: { dtype: 'F64', shape: [2], data: new Float64Array([1 / 3, -2e300]) },
      i: { dtype: 'I32', shape: [3], data: new Int32Array([-5, 0, 2 ** 31 - 1]) },
      u: { dtype: 'U8', shape: [2, 1], data: new Uint8Array([3, 250]) },
    };
    const path = join(dir, 'all.safetensors');
    await writeCheckpoint(path, tensors, { a: 'b' });
    const back = await readCheckpoint(path);
    expect(back.metadata).toEqual({ a: 'b' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.tensors[name].dtype).toBe(t.dtype);
      expect(back.tensors[name].shape).toEqual(t.shape);
      expect(Array.from(back.tensors[name].data)).toEqual(Array.from(t.data));
    }
  });

  it('replaces an existing checkpoint', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await writeCheckpoint(path, { x: f32([1], () => 1) }, { v: '1' });
    await writeCheckpoint(path, { x: f32([2], () => 2) }, { v: '2' });
    const back = await readCheckpoint(path);
    expect(back.metadata.v).toBe('2');
    expect(Array.from(back.tensors.x.data)).toEqual([2, 2]);
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
  });

  it('keeps the old checkpoint when a crash leaves a half-written temp file', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await writeCheckpoint(path, { x: f32([4], (i) => i) }, { step: '1' });
    // a crash mid-write: a temp file with a torn prefix of a newer checkpoint, never renamed
    const torn = await readFile(path);
    const temp = tempPathFor(path);
    expect(isCheckpointTempFile(path, temp.slice(dir.length + 1))).toBe(true);
    await writeFile(temp, torn.subarray(0, torn.length - 5));
    const back = await readCheckpoint(path);
    expect(back.metadata).toEqual({ step: '1' });
    expect(Array.from(back.tensors.x.data)).toEqual([0, 1, 2, 3]);
    // a later write still succeeds and ignores the leftover
    await writeCheckpoint(path, { x: f32([1], () => 9) }, { step: '2' });
    expect((await readCheckpoint(path)).metadata).toEqual({ step: '2' });
    expect((await readdir(dir)).sort()).toEqual(['ckpt.safetensors', temp.slice(dir.length + 1)].sort());
  });

  it('removes the temp file and names the path when the rename fails', async () => {
    const path = join(dir, 'occupied');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    const err = await writeCheckpoint(path, { x: f32([1], () => 1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).message).toContain(path);
    expect((err as CheckpointError).file).toBe(path);
    expect(await readdir(dir)).toEqual(['occupied']);
  });

  it('names the path when the directory does not exist', async () => {
    const path = join(dir, 'missing', 'ckpt.safetensors');
    const err = await writeCheckpoint(path, { x: f32([1], () => 1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('ENOENT');
    expect((err as Error).message.startsWith(`${path}: cannot write checkpoint`)).toBe(true);
  });

  it('names the path for invalid tensors and writes nothing', async () => {
    const path = join(dir, 'bad.safetensors');
    const bad = { x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } as NamedTensor };
    await expect(writeCheckpoint(path, bad)).rejects.toThrow(`${path}: cannot encode checkpoint: tensor "x"`);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('readCheckpoint', () => {
  it('names the file for a missing file', async () => {
    const path = join(dir, 'nope.safetensors');
    const err = await readCheckpoint(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('ENOENT');
    expect((err as Error).message.startsWith(`${path}: `)).toBe(true);
  });

  it('names the file for a malformed file', async () => {
    const path = join(dir, 'junk.safetensors');
    await writeFile(path, Buffer.from('not a checkpoint at all'));
    await expect(readCheckpoint(path)).rejects.toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*past the end`));
    await expect(readCheckpoint(path)).rejects.toBeInstanceOf(CheckpointError);
  });
});
