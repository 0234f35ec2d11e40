/**
 * Crash-safe file writes for exports: the bytes go to `<path>.tmp-<pid>-<random>` beside
 * the target, are fsynced, optionally checked, then renamed over the target and the folder
 * is fsynced. A reader sees the old file or the new one, never a torn one; on any error
 * the temp file is removed, so no half-written `.onnx` is left behind.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OnnxExportError } from './errors';

/** Temp files being written now; `removePendingTemps` deletes them (signal handlers). */
const pending = new Set<string>();

/** Deletes every temp file still being written (synchronous: safe in a signal handler). */
export function removePendingTemps(): void {
  for (const temp of pending) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  pending.clear();
}

/**
 * Writes `bytes` to `path` atomically. `check`, when given, runs on the fsynced temp file
 * before the rename: if it throws, the temp file is removed and `path` is left untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, check?: (tempPath: string) => Promise<void>): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw ioError(path, e);
  }
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  pending.add(temp);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (check) await check(temp);
    await rename(temp, path);
    renamed = true;
    await fsyncFolder(dirname(path));
  } catch (e) {
    if (!renamed) await unlink(temp).catch(() => undefined);
    throw e instanceof OnnxExportError ? e : isIoError(e) ? ioError(path, e) : e;
  } finally {
    pending.delete(temp);
  }
}

async function fsyncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // some file systems cannot fsync a folder; the rename is still atomic
  } finally {
    await handle?.close();
  }
}

function isIoError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

function ioError(path: string, e: unknown): OnnxExportError {
  const detail = e instanceof Error ? e.message : String(e);
  return new OnnxExportError(`cannot write ${path}: ${detail}`, 'io', { cause: e });
}
