/**
 * Runs on disk: read, list and filter, tag, delete. Writing a run while it trains is the
 * recorder's job (recorder.ts); starting and resuming is launch.ts's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FORMAT_VERSION, RUN_FORMAT, nameProblem, runFileSchema } from '../../src-shared/project';
import type { RunRecord, RunStatus } from '../../src-shared/project';
import { ProjectError, ioError } from './errors';
import { readJson, validateJson, writeFileAtomic, writeJsonAtomic } from './json-file';
import { CREATING_PREFIX, DELETING_PREFIX, NOTES_FILE, RUNS_DIR, RUN_FILE } from './layout';
import { ownerAlive, readLock } from './lock';
import type { LockOwner } from './lock';
import { migrateDoc } from './migrate';
import type { Project } from './project';

/** A run as listed. */
export interface RunEntry {
  readonly id: string;
  readonly dir: string;
  /** run.json as on disk */
  readonly record: RunRecord;
  /** the status to show: a 'running' run whose process is gone shows 'interrupted' before the next writer records it */
  readonly status: RunStatus;
}

export interface RunFilter {
  readonly status?: readonly RunStatus[];
  readonly rule?: string;
  /** data set name, reference (as in the circuit) or a hash prefix of at least 6 characters */
  readonly dataset?: string;
  /** every one of these tags */
  readonly tags?: readonly string[];
  /** the project circuit the run started from */
  readonly circuit?: string;
}

/** A file that could not be read, and why (the message names the file). */
export interface FileProblem {
  readonly file: string;
  readonly message: string;
}

/** Throws 'bad-name' unless `id` can name a run folder. */
export function checkRunId(id: string): void {
  const problem = nameProblem(id, 'run id');
  if (problem) throw new ProjectError('bad-name', problem);
}

export function runDir(project: Project, id: string): string {
  checkRunId(id);
  return project.path(RUNS_DIR, id);
}

/** Reads and validates run.json (migrating an older version in memory). */
export function readRunFile(file: string, project: Project): RunRecord {
  const raw = readJson(file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectError('malformed', `${file} is not a JSON object`, { file });
  const doc = raw as Record<string, unknown>;
  if (doc.format !== RUN_FORMAT) throw new ProjectError('malformed', `${file} is not an Apical run record (format is ${JSON.stringify(doc.format ?? null)}, expected "${RUN_FORMAT}")`, { file });
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version)) throw new ProjectError('malformed', `${file}: version must be an integer, got ${JSON.stringify(doc.version ?? null)}`, { file });
  if (doc.version > PROJECT_FORMAT_VERSION) {
    throw new ProjectError('malformed', `${file} has format version ${doc.version}, newer than this Apical knows (${PROJECT_FORMAT_VERSION}); update Apical to read it`, { file });
  }
  const current = doc.version < PROJECT_FORMAT_VERSION ? migrateDoc(file, doc, 'run', project.migrations) : doc;
  return validateJson(file, current, runFileSchema, 'run record');
}

export function readRun(project: Project, id: string): RunRecord {
  const dir = runDir(project, id);
  if (!fs.existsSync(dir)) throw new ProjectError('not-found', `no run '${id}' in ${project.dir}`, { file: dir });
  return readRunFile(path.join(dir, RUN_FILE), project);
}

export function writeRun(project: Project, record: RunRecord): void {
  project.assertWritable(`write run ${record.id}`);
  writeJsonAtomic(path.join(runDir(project, record.id), RUN_FILE), record);
}

/** Run folder names, oldest first (ids start with their creation time). */
export function runIds(project: Project): string[] {
  const dir = project.path(RUNS_DIR);
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError('list', dir, err);
  }
}

/** The status to show: a run is only running while the process that records it holds the project's lock. */
export function effectiveStatus(record: RunRecord, lock: LockOwner | null): RunStatus {
  if (record.status !== 'running') return record.status;
  const p = record.process;
  const recorderHoldsLock = p !== null && lock !== null && lock.pid === p.pid && lock.host === p.host && ownerAlive(lock);
  return recorderHoldsLock ? 'running' : 'interrupted';
}

function lockOrNull(project: Project): LockOwner | null {
  try {
    return readLock(project.dir);
  } catch {
    return null;
  }
}

/** Lists runs matching `filter`; unreadable runs are reported in `problems`, not thrown. */
export function listRuns(project: Project, filter: RunFilter = {}): { runs: RunEntry[]; problems: FileProblem[] } {
  const lock = lockOrNull(project);
  const runs: RunEntry[] = [];
  const problems: FileProblem[] = [];
  for (const id of runIds(project)) {
    const dir = project.path(RUNS_DIR, id);
    try {
      const record = readRunFile(path.join(dir, RUN_FILE), project);
      const entry = { id, dir, record, status: effectiveStatus(record, lock) };
      if (matchesFilter(entry, filter)) runs.push(entry);
    } catch (err) {
      if (!(err instanceof ProjectError)) throw err;
      problems.push({ file: err.file ?? dir, message: err.message });
    }
  }
  return { runs, problems };
}

/** One run, with its effective status. */
export function getRun(project: Project, id: string): RunEntry {
  const record = readRun(project, id);
  return { id, dir: runDir(project, id), record, status: effectiveStatus(record, lockOrNull(project)) };
}

export function matchesFilter(entry: RunEntry, filter: RunFilter): boolean {
  const r = entry.record;
  if (filter.status && !filter.status.includes(entry.status)) return false;
  if (filter.rule && r.rule !== filter.rule) return false;
  if (filter.circuit && r.circuitName !== filter.circuit) return false;
  if (filter.tags && !filter.tags.every((t) => r.tags.includes(t))) return false;
  if (filter.dataset) {
    const d = filter.dataset;
    const hashMatch = d.length >= 6 && (r.dataset?.hash.startsWith(d) ?? false);
    if (!hashMatch && r.dataset?.name !== d && r.circuit.input.dataset !== d) return false;
  }
  return true;
}

/** Deletes a run folder (refused while it runs). The folder is renamed away first, so it vanishes at once. */
export function deleteRun(project: Project, id: string): void {
  project.assertWritable(`delete run ${id}`);
  const entry = getRun(project, id);
  if (entry.status === 'running') throw new ProjectError('conflict', `run ${id} is running; stop it before deleting it`);
  const aside = project.path(RUNS_DIR, `${DELETING_PREFIX}${id}`);
  try {
    fs.renameSync(entry.dir, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    throw ioError('delete', entry.dir, err);
  }
  project.touch();
}

/** Adds and removes tags of a run. */
export function setTags(project: Project, id: string, change: { add?: readonly string[]; remove?: readonly string[] }): RunRecord {
  project.assertWritable(`tag run ${id}`);
  for (const tag of change.add ?? []) {
    const problem = nameProblem(tag, 'tag');
    if (problem) throw new ProjectError('bad-name', problem);
  }
  const record = readRun(project, id);
  const tags = [...new Set([...record.tags, ...(change.add ?? [])])].filter((t) => !(change.remove ?? []).includes(t));
  const next = { ...record, tags };
  writeRun(project, next);
  return next;
}

/** The run's notes.md ('' when there is none). */
export function readNotes(project: Project, id: string): string {
  const file = path.join(runDir(project, id), NOTES_FILE);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw ioError('read', file, err);
  }
}

export function writeNotes(project: Project, id: string, text: string): void {
  project.assertWritable(`write the notes of run ${id}`);
  readRun(project, id);
  writeFileAtomic(path.join(runDir(project, id), NOTES_FILE), text);
}

/** Whether `name` is a folder left by a crash while a run was created or deleted. */
export function isLeftoverRunFolder(name: string): boolean {
  return name.startsWith(CREATING_PREFIX) || name.startsWith(DELETING_PREFIX);
}
