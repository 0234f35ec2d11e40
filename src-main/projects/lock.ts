/**
 * One writer per project: `apical.lock` holds the owner's pid, host and (on Linux) the
 * process start time. It is created atomically (written to a temp file, then hard-linked
 * into place, which fails if a lock exists), so it is never seen half-written. A lock whose
 * owner is gone (same host, pid dead or reused) is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ProjectError, errnoOf, ioError } from './errors';
import { tempPathFor } from './json-file';

export const LOCK_FILE = 'apical.lock';

const lockSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  procStart: z.string().nullable(),
  since: z.string(),
  token: z.string(),
});
export type LockOwner = z.infer<typeof lockSchema>;

/** The start time of a process on Linux (field 22 of /proc/<pid>/stat), telling reused pids apart. */
export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a process on this host is the one that wrote `owner` (alive, and not a reused pid). */
export function isAliveHere(pid: number, procStart: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errnoOf(err) !== 'EPERM') return false;
  }
  const now = processStart(pid);
  return procStart === null || now === null || now === procStart;
}

/** The locks this process holds, token -> file (removed if the process exits without closing them). */
const held = new Map<string, string>();
process.on('exit', () => {
  for (const [token, file] of held) {
    try {
      if (readLock(path.dirname(file))?.token === token) fs.rmSync(file, { force: true });
    } catch {
      // leave it: the next writer recovers a stale lock
    }
  }
});

/** Whether the lock's owner may still be using the project; owners on other hosts are assumed alive. */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return held.has(owner.token);
  return isAliveHere(owner.pid, owner.procStart);
}

/** Reads the lock file: null when there is none. Unreadable content is an error naming the file. */
export function readLock(dir: string): LockOwner | null {
  const file = path.join(dir, LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw ioError('read', file, err);
  }
  try {
    return lockSchema.parse(JSON.parse(text));
  } catch {
    throw new ProjectError('malformed', `${file} is not a lock file Apical wrote; if no Apical process uses this project, delete it`, { file });
  }
}

/** Describes an owner for messages. */
export function describeOwner(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (since ${owner.since})`;
}

/** A held project lock; release() removes it if it is still ours. */
export class ProjectLock {
  private released = false;

  private constructor(readonly file: string, readonly owner: LockOwner, readonly recovered: LockOwner | null) {}

  /** Takes the lock of `dir`; throws 'locked' when a live owner has it, taking over stale locks. */
  static acquire(dir: string): ProjectLock {
    const file = path.join(dir, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid, host: os.hostname(), procStart: processStart(process.pid),
      since: new Date().toISOString(), token: randomBytes(8).toString('hex'),
    };
    let recovered: LockOwner | null = null;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(file, owner)) {
        held.set(owner.token, file);
        return new ProjectLock(file, owner, recovered);
      }
      const existing = readLock(dir);
      if (existing === null) continue;
      if (ownerAlive(existing)) {
        throw new ProjectError('locked', `${dir} is open in another Apical ${describeOwner(existing)}. Open it read-only (--read-only)?`
          + (existing.host !== os.hostname() ? ` If that machine no longer runs Apical, delete ${file}.` : ''), { file });
      }
      if (removeIfUnchanged(file, existing)) recovered = existing;
    }
    throw new ProjectError('locked', `could not take the lock ${file}: other processes keep changing it`, { file });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.owner.token);
    try {
      const now = readLock(path.dirname(this.file));
      if (now?.token === this.owner.token) fs.rmSync(this.file, { force: true });
    } catch {
      // a lock we cannot read is not ours to remove
    }
  }
}

/** Creates the lock file atomically; false when one exists. */
function tryCreate(file: string, owner: LockOwner): boolean {
  const temp = tempPathFor(file);
  try {
    fs.writeFileSync(temp, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    try {
      fs.linkSync(temp, file);
      return true;
    } catch (err) {
      if (errnoOf(err) === 'EEXIST') return false;
      // no hard links (some FAT or network file systems): exclusive create instead
      try {
        fs.writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
        return true;
      } catch (err2) {
        if (errnoOf(err2) === 'EEXIST') return false;
        throw err2;
      }
    }
  } catch (err) {
    throw ioError('create lock', file, err);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Removes a stale lock unless another process replaced it meanwhile (then it is put back). */
function removeIfUnchanged(file: string, stale: LockOwner): boolean {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw ioError('recover stale lock', file, err);
  }
  let moved: LockOwner | null = null;
  try {
    moved = lockSchema.parse(JSON.parse(fs.readFileSync(aside, 'utf8')));
  } catch {
    moved = null;
  }
  if (moved?.token === stale.token) {
    fs.rmSync(aside, { force: true });
    return true;
  }
  try {
    fs.linkSync(aside, file);
  } catch {
    // a third process took the lock meanwhile; it stays the owner
  }
  fs.rmSync(aside, { force: true });
  return false;
}
