/**
 * Fault injection for writeCheckpoint: node:fs/promises is wrapped so that writes run out
 * of space part-way and directory fsync fails the ways some platforms make it fail.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file';
import { CheckpointError } from './safetensors';
import type { NamedTensor } from './safetensors';

const faults = vi.hoisted(() => ({ enospc: false, dirSync: undefined as string | undefined }));

function sysError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code, errno: -1, syscall: 'write' });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open = async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
    const handle = await real.open(...args);
    if (faults.enospc && args[1] === 'wx') {
      handle.writeFile = async (data) => {
        await handle.write(new Uint8Array(data as Uint8Array).subarray(0, 10));
        throw sysError('ENOSPC', 'no space left on device, write');
      };
    }
    if (faults.dirSync !== undefined && args[1] === 'r') {
      const code = faults.dirSync;
      handle.sync = async () => {
        throw sysError(code, 'directory fsync failed');
      };
    }
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

const tensors: Record<string, NamedTensor> = { x: { dtype: 'F32', shape: [64], data: new Float32Array(64).fill(1) } };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apical-ckpt-fault-'));
});
afterEach(async () => {
  faults.enospc = false;
  faults.dirSync = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('writeCheckpoint under faults', () => {
  it('out of space: keeps the old checkpoint, removes the temp file, says "no space left on device"', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await writeCheckpoint(path, { y: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } }, { old: 'yes' });
    faults.enospc = true;
    const err = await writeCheckpoint(path, tensors).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('ENOSPC');
    expect((err as Error).message).toContain('no space left on device');
    expect((err as Error).message.startsWith(`${path}: `)).toBe(true);
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
    expect((await readCheckpoint(path)).metadata).toEqual({ old: 'yes' });
  });

  it.each(['EISDIR', 'EPERM', 'EINVAL'])('ignores a directory fsync failing with %s', async (code) => {
    faults.dirSync = code;
    const path = join(dir, 'ckpt.safetensors');
    await writeCheckpoint(path, tensors);
    expect(Array.from((await readCheckpoint(path)).tensors.x.data)).toEqual(Array.from(tensors.x.data));
  });

  it('reports a real directory fsync failure (EIO)', async () => {
    faults.dirSync = 'EIO';
    const path = join(dir, 'ckpt.safetensors');
    const err = await writeCheckpoint(path, tensors).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('EIO');
    expect((err as Error).message).toContain(path);
  });
});
