/**
 * What a writer does when it opens a project: migrate run records of an older format, sweep
 * what crashed writes left (temp files, half-created or half-deleted run folders) and mark
 * runs whose process is gone `interrupted`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FORMAT_VERSION } from '../../src-shared/project';
import { ProjectError } from './errors';
import { TEMP_MARKER, readJson, writeJsonAtomic } from './json-file';
import { CHECKPOINTS_DIR, CIRCUITS_DIR, METRICS_FILE, RUNS_DIR, RUN_FILE } from './layout';
import { readMetrics } from './metrics';
import { migrateDoc } from './migrate';
import type { Project } from './project';
import { isLeftoverRunFolder, readRunFile, runIds, writeRun } from './runs';

/** Rewrites every run.json of an older version in the current format. Unreadable ones are left for `runs list` to report. */
export function migrateRunFiles(project: Project): void {
  for (const id of runIds(project)) {
    const file = project.path(RUNS_DIR, id, RUN_FILE);
    try {
      const raw = readJson(file) as Record<string, unknown>;
      if (typeof raw.version === 'number' && raw.version < PROJECT_FORMAT_VERSION) writeJsonAtomic(file, migrateDoc(file, raw, 'run', project.migrations));
    } catch (err) {
      if (!(err instanceof ProjectError) || err.code === 'io') throw err;
    }
  }
}

/** Sweeps crash leftovers and records interrupted runs; returns notices for the user. */
export function recoverRuns(project: Project): string[] {
  const notices: string[] = [];
  const runsDir = project.path(RUNS_DIR);
  for (const name of safeList(runsDir)) {
    if (isLeftoverRunFolder(name)) fs.rmSync(path.join(runsDir, name), { recursive: true, force: true });
  }
  for (const dir of [project.dir, project.path(CIRCUITS_DIR)]) removeTempFiles(dir);
  for (const id of runIds(project)) {
    const dir = path.join(runsDir, id);
    removeTempFiles(dir);
    removeTempFiles(path.join(dir, CHECKPOINTS_DIR));
    let record;
    try {
      record = readRunFile(path.join(dir, RUN_FILE), project);
    } catch (err) {
      if (err instanceof ProjectError && err.code !== 'io') continue;
      throw err;
    }
    if (record.status !== 'running') continue;
    const who = record.process ? `process ${record.process.pid} on ${record.process.host}` : 'its process';
    writeRun(project, { ...record, status: 'interrupted', process: null, progress: progressFromMetrics(path.join(dir, METRICS_FILE)) ?? record.progress });
    notices.push(`run ${id} was running in ${who}, which is gone: marked interrupted (resume it with 'apical runs resume')`);
  }
  return notices;
}

/** The run.json progress summary recomputed from metrics.jsonl; null if the file is unreadable. */
export function progressFromMetrics(file: string): { epochs: number; testAccuracy: number | null; bestTestAccuracy: number | null } | null {
  try {
    const { epochs } = readMetrics(file);
    const last = epochs.at(-1);
    return {
      epochs: epochs.length,
      testAccuracy: last ? last.testAccuracy : null,
      bestTestAccuracy: epochs.length ? Math.max(...epochs.map((e) => e.testAccuracy)) : null,
    };
  } catch {
    return null;
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Temp files of interrupted atomic writes: ours ('.<name>.tmp-...') and the checkpoint writer's ('<name>.tmp-...'). */
function removeTempFiles(dir: string): void {
  for (const name of safeList(dir)) {
    if (name.includes(TEMP_MARKER) || /\.safetensors\.tmp-/.test(name)) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}
