/**
 * Projects: create, open (locking, migrating, recovering interrupted runs), rename, delete.
 * A Project handle is what every other operation in this folder takes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FORMAT, PROJECT_FORMAT_VERSION, nameProblem, projectFileSchema } from '../../src-shared/project';
import type { ProjectInfo } from '../../src-shared/project';
import { ProjectError, ioError } from './errors';
import { readJson, validateJson, writeJsonAtomic } from './json-file';
import { CIRCUITS_DIR, PROJECT_FILE, RUNS_DIR } from './layout';
import { LOCK_FILE, ProjectLock, describeOwner } from './lock';
import { BACKUPS_DIR, MIGRATIONS, backupSmallFiles, migrateDoc, migrationSummary } from './migrate';
import type { Migration } from './migrate';
import { migrateRunFiles, recoverRuns } from './recovery';

export interface OpenOptions {
  /** look without taking the lock or changing anything */
  readonly readOnly?: boolean;
  /** format migration steps (tests substitute their own) */
  readonly migrations?: readonly Migration[];
}

/** An open project. Close it to release the lock. */
export class Project {
  /** things worth telling the user about the open: recovered lock, migration, interrupted runs */
  readonly notices: string[] = [];
  private lock: ProjectLock | null;

  constructor(
    readonly dir: string,
    private infoValue: ProjectInfo,
    /** why the project is read-only, or null when this handle may write */
    readonly readOnlyReason: string | null,
    lock: ProjectLock | null,
    readonly migrations: readonly Migration[],
  ) {
    this.lock = lock;
  }

  get info(): ProjectInfo {
    return this.infoValue;
  }

  get readOnly(): boolean {
    return this.readOnlyReason !== null;
  }

  /** Throws 'read-only' unless this handle may write. */
  assertWritable(action: string): void {
    if (this.readOnlyReason !== null) throw new ProjectError('read-only', `cannot ${action}: ${this.readOnlyReason}`, { file: path.join(this.dir, PROJECT_FILE) });
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Changes the project's display name (the folder keeps its name). */
  rename(name: string): void {
    const problem = nameProblem(name, 'project name');
    if (problem) throw new ProjectError('bad-name', problem);
    this.update({ name });
  }

  setDescription(description: string): void {
    this.update({ description });
  }

  /** Records that the project's content changed. */
  touch(): void {
    this.update({});
  }

  private update(change: Partial<ProjectInfo>): void {
    this.assertWritable('change the project');
    const next = { ...this.infoValue, ...change, modified: new Date().toISOString() };
    writeJsonAtomic(this.path(PROJECT_FILE), next);
    this.infoValue = next;
  }

  close(): void {
    this.lock?.release();
    this.lock = null;
  }
}

/** Creates a project in `dir` (a new or existing folder without apical.json) and opens it. */
export function createProject(dir: string, opts: { name?: string; description?: string } = {}): Project {
  const root = path.resolve(dir);
  const name = opts.name ?? path.basename(root);
  const problem = nameProblem(name, 'project name');
  if (problem) throw new ProjectError('bad-name', `${problem}; give another with --name`);
  if (fs.existsSync(path.join(root, PROJECT_FILE))) throw new ProjectError('exists', `${root} is already an Apical project`, { file: path.join(root, PROJECT_FILE) });
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (err) {
    throw ioError('create', root, err);
  }
  const lock = ProjectLock.acquire(root);
  try {
    for (const sub of [CIRCUITS_DIR, RUNS_DIR]) fs.mkdirSync(path.join(root, sub), { recursive: true });
    const now = new Date().toISOString();
    const info: ProjectInfo = { format: PROJECT_FORMAT, version: PROJECT_FORMAT_VERSION, name, description: opts.description ?? '', created: now, modified: now };
    writeJsonAtomic(path.join(root, PROJECT_FILE), info);
    return new Project(root, info, null, lock, MIGRATIONS);
  } catch (err) {
    lock.release();
    throw err instanceof ProjectError ? err : ioError('create project in', root, err);
  }
}

/**
 * Opens a project. For writing (the default) it takes the lock, migrates an older format
 * (keeping a backup), sweeps temp files of crashed writes and marks runs whose process is
 * gone `interrupted`. A newer format opens read-only with the reason in `readOnlyReason`.
 */
export function openProject(dir: string, opts: OpenOptions = {}): Project {
  const root = path.resolve(dir);
  const file = path.join(root, PROJECT_FILE);
  if (!fs.existsSync(root)) throw new ProjectError('not-found', `${root} does not exist`, { file: root });
  if (!fs.existsSync(file)) throw new ProjectError('not-found', `${root} is not an Apical project (no ${PROJECT_FILE}); create one with 'apical project create ${dir}'`, { file });
  const migrations = opts.migrations ?? MIGRATIONS;
  const raw = readJson(file);
  const version = projectVersion(file, raw);
  let readOnlyReason: string | null = opts.readOnly ? 'the project was opened read-only' : null;
  if (version > PROJECT_FORMAT_VERSION) {
    readOnlyReason = `${file} has format version ${version}, newer than this Apical knows (${PROJECT_FORMAT_VERSION}); it is opened read-only, update Apical to change it`;
  }
  const lock = readOnlyReason === null ? ProjectLock.acquire(root) : null;
  try {
    const doc = version < PROJECT_FORMAT_VERSION ? migrateDoc(file, raw as Record<string, unknown>, 'project', migrations) : raw;
    const info = validateJson(file, version > PROJECT_FORMAT_VERSION ? { ...(raw as object), version } : doc, projectFileSchema, 'Apical project file');
    const project = new Project(root, info, readOnlyReason, lock, migrations);
    if (readOnlyReason !== null && version > PROJECT_FORMAT_VERSION) project.notices.push(readOnlyReason);
    if (lock?.recovered) project.notices.push(`took over the stale lock of ${describeOwner(lock.recovered)}, which is gone`);
    if (version < PROJECT_FORMAT_VERSION) {
      const steps = migrationSummary(version, migrations).join('; ');
      if (lock) {
        const backup = backupSmallFiles(root, version);
        migrateRunFiles(project);
        writeJsonAtomic(file, info);
        project.notices.push(`migrated from format version ${version} to ${PROJECT_FORMAT_VERSION} (${steps}); the old files are in ${backup}`);
      } else {
        project.notices.push(`format version ${version} is older than ${PROJECT_FORMAT_VERSION}; shown migrated in memory (open it for writing to migrate, keeping a backup)`);
      }
    }
    if (lock) project.notices.push(...recoverRuns(project));
    return project;
  } catch (err) {
    lock?.release();
    throw err;
  }
}

function projectVersion(file: string, raw: unknown): number {
  const doc = (raw ?? {}) as { format?: unknown; version?: unknown };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectError('malformed', `${file} is not a JSON object`, { file });
  if (doc.format !== PROJECT_FORMAT) throw new ProjectError('malformed', `${file} is not an Apical project file (format is ${JSON.stringify(doc.format ?? null)}, expected "${PROJECT_FORMAT}")`, { file });
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 0) {
    throw new ProjectError('malformed', `${file}: version must be a non-negative integer, got ${JSON.stringify(doc.version ?? null)}`, { file });
  }
  return doc.version;
}

/**
 * Deletes a project's own files (apical.json, circuits/, runs/, backups/, the lock) and the
 * folder if nothing else is left; other files (a .git folder, say) are kept and listed.
 */
export function deleteProject(dir: string): string[] {
  const project = openProject(dir);
  try {
    for (const sub of [RUNS_DIR, CIRCUITS_DIR, BACKUPS_DIR]) fs.rmSync(project.path(sub), { recursive: true, force: true });
    fs.rmSync(project.path(PROJECT_FILE), { force: true });
  } catch (err) {
    project.close();
    throw ioError('delete', project.dir, err);
  }
  project.close();
  const left = fs.readdirSync(project.dir).filter((f) => f !== LOCK_FILE);
  if (left.length === 0) fs.rmSync(project.dir, { recursive: true, force: true });
  return left;
}
