/**
 * Checkpoint files on disk: safetensors written crash-safely (temp file, fsync, rename,
 * directory fsync), so a reader sees either the old checkpoint or the new one, never a
 * torn mix. Leftover temp files from a crash (`<path>.tmp-<pid>-<random>`) are never read.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from './safetensors';
import type { DecodedSafetensors, NamedTensor } from './safetensors';

/** Error codes for which a directory fsync is unsupported rather than failed. */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Wrap an I/O failure as a CheckpointError that names the file and keeps the errno text. */
function ioError(path: string, action: string, err: unknown): CheckpointError {
  if (err instanceof CheckpointError) {
    if (err.file === path) return err;
    return new CheckpointError(`cannot ${action} checkpoint: ${err.message}`, { file: path, code: err.code, cause: err });
  }
  const code = errorCode(err);
  let detail = err instanceof Error ? err.message : String(err);
  if (code === 'ENOSPC' && !detail.includes('no space left on device')) detail = `ENOSPC: no space left on device (${detail})`;
  return new CheckpointError(`cannot ${action} checkpoint: ${detail}`, { file: path, code, cause: err });
}

/** The name of a fresh temp file beside `path` (same directory, so rename is atomic). */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Whether `name` (a base name) looks like a temp file left by writing checkpoint `path`. */
export function isCheckpointTempFile(path: string, name: string): boolean {
  return name.startsWith(`${basename(path)}.tmp-`);
}

async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has(errorCode(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Write tensors and string metadata to `path` as a safetensors file, atomically: the
 * bytes go to `path.tmp-<pid>-<random>`, which is fsynced, renamed over `path`, and then
 * the directory is fsynced. On failure the temp file is removed and a CheckpointError
 * naming `path` is thrown (its `code` is the system error code, e.g. 'ENOSPC', and its
 * message keeps the system text, e.g. 'no space left on device').
 */
export async function writeCheckpoint(
  path: string,
  tensors: Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = encodeSafetensors(tensors, metadata);
  } catch (err) {
    throw ioError(path, 'encode', err);
  }
  const temp = tempPathFor(path);
  let created = false;
  let renamed = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await fsyncDirectory(dirname(path));
  } catch (err) {
    if (created && !renamed) await unlink(temp).catch(() => undefined);
    throw ioError(path, 'write', err);
  }
}

/** Read and decode the safetensors file at `path`; every error is a CheckpointError naming it. */
export async function readCheckpoint(path: string): Promise<DecodedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw ioError(path, 'read', err);
  }
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    throw ioError(path, 'read', err);
  }
}
