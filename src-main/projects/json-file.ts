/**
 * Crash-safe small files: every write goes to a temp file beside the target, is fsynced,
 * renamed over the target and the folder fsynced, so a reader (or a crash) sees the old
 * content or the new one, never a torn mix. Reads validate with zod and name the file in
 * every error. Synchronous on purpose: writes happen inside event callbacks, in order.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { formatPath } from '../../src-shared/circuit';
import { ProjectError, errnoOf, ioError } from './errors';

/** Error codes for which a folder fsync is unsupported rather than failed (Windows, some FUSE). */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES', 'EBADF']);

/** Temp files start with '.' and carry this marker; they are never read and are swept on open. */
export const TEMP_MARKER = '.tmp-';

/** A fresh temp path beside `file` (same folder, so the rename is atomic). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Flushes a folder's entries (a rename or a new file) to disk, where the platform allows it. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has(errnoOf(err) ?? '')) throw ioError('flush folder', dir, err);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `text` to `file` atomically (temp, fsync, rename, folder fsync). */
export function writeFileAtomic(file: string, text: string): void {
  const temp = tempPathFor(file);
  let created = false;
  try {
    const fd = fs.openSync(temp, 'wx');
    created = true;
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    created = false;
  } catch (err) {
    if (created) fs.rmSync(temp, { force: true });
    throw ioError('write', file, err);
  }
  fsyncDirectory(path.dirname(file));
}

/** Writes a value as pretty JSON, atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and parses a JSON file; errors name the file and say whether it looks truncated. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new ProjectError('not-found', `${file} does not exist`, { file, errno: 'ENOENT' });
    throw ioError('read', file, err);
  }
  if (text.trim() === '') throw new ProjectError('malformed', `${file} is empty`, { file });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const detail = (err as Error).message;
    const position = /at position (\d+)/.exec(detail);
    const truncated = /end of (JSON|data)/i.test(detail) || (position !== null && Number(position[1]) >= text.trimEnd().length);
    throw new ProjectError('malformed', `${file} is not valid JSON${truncated ? ' (truncated?)' : ''}: ${detail}`, { file });
  }
}

/** Lists a zod error's issues as `path: message`, at most `max` of them. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (error.issues.length > max) lines.push(`... and ${error.issues.length - max} more`);
  return lines.join('; ');
}

/** Validates parsed JSON against a schema; errors name the file and each bad JSON path. */
export function validateJson<S extends z.ZodType>(file: string, json: unknown, schema: S, what: string): z.infer<S> {
  const result = schema.safeParse(json);
  if (!result.success) throw new ProjectError('malformed', `${file} is not a valid ${what}: ${describeIssues(result.error)}`, { file });
  return result.data;
}
