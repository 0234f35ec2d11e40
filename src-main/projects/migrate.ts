/**
 * Format migrations. Each step turns the files of version `from` into version `from + 1`;
 * a project opened for writing is migrated once, after a copy of its small files
 * (apical.json, circuits/, every run.json) is kept in `backups/format-v<N>-<time>/`.
 * Projects opened read-only are migrated in memory only.
 *
 * Version 1 is the first format, so the list is empty; the next format change adds a step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FORMAT_VERSION } from '../../src-shared/project';
import { ProjectError, ioError } from './errors';
import { fsyncDirectory, writeFileAtomic } from './json-file';

type Json = Record<string, unknown>;

export interface Migration {
  readonly from: number;
  /** what changed, shown to the user */
  readonly summary: string;
  /** apical.json of version `from` to `from + 1` (without the version field, which is set here) */
  readonly project: (doc: Json) => Json;
  /** run.json of version `from` to `from + 1` */
  readonly run: (doc: Json) => Json;
}

export const MIGRATIONS: readonly Migration[] = [];

export const BACKUPS_DIR = 'backups';

/** Applies the steps from `doc.version` up to `to`; throws when a step is missing. */
export function migrateDoc(file: string, doc: Json, kind: 'project' | 'run', migrations: readonly Migration[], to = PROJECT_FORMAT_VERSION): Json {
  let out = doc;
  for (let v = Number(doc.version); v < to; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) throw new ProjectError('malformed', `${file}: format version ${v} is older than this Apical can migrate (no step from ${v})`, { file });
    out = { ...step[kind](out), version: v + 1 };
  }
  return out;
}

/** Summaries of the steps from `from` to the current version. */
export function migrationSummary(from: number, migrations: readonly Migration[]): string[] {
  return migrations.filter((m) => m.from >= from && m.from < PROJECT_FORMAT_VERSION).map((m) => `v${m.from} -> v${m.from + 1}: ${m.summary}`);
}

/** Copies apical.json, circuits/ and every run.json into a fresh backup folder; returns its path. */
export function backupSmallFiles(dir: string, fromVersion: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const backup = path.join(dir, BACKUPS_DIR, `format-v${fromVersion}-${stamp}`);
  const copy = (from: string, to: string) => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    writeFileAtomic(to, fs.readFileSync(from, 'utf8'));
  };
  try {
    copy(path.join(dir, 'apical.json'), path.join(backup, 'apical.json'));
    const circuits = path.join(dir, 'circuits');
    for (const f of fs.existsSync(circuits) ? fs.readdirSync(circuits) : []) {
      if (f.endsWith('.json') && !f.startsWith('.')) copy(path.join(circuits, f), path.join(backup, 'circuits', f));
    }
    const runs = path.join(dir, 'runs');
    for (const id of fs.existsSync(runs) ? fs.readdirSync(runs) : []) {
      const runJson = path.join(runs, id, 'run.json');
      if (fs.existsSync(runJson)) copy(runJson, path.join(backup, 'runs', id, 'run.json'));
    }
  } catch (err) {
    throw ioError('back up the project into', backup, err);
  }
  fsyncDirectory(path.dirname(backup));
  return backup;
}
