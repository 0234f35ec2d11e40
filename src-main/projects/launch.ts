/**
 * Starting, resuming and rerunning runs in a project. Training itself goes through a
 * session runner with the `runTrainingSession(config, hooks)` contract (in-process by
 * default; a host may pass one that drives an engine worker), so nothing here depends on
 * where the engine runs.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Circuit } from '../../src-shared/circuit';
import { PROJECT_FORMAT_VERSION, RESUMABLE_STATUSES, RUN_FORMAT, nameProblem } from '../../src-shared/project';
import type { RunRecord, RunStatus } from '../../src-shared/project';
import type { RunConfig } from '../../src-shared/run-config';
import type { SessionHooks } from '../host/training-session';
import { appVersion } from './app-version';
import { dropCheckpointsAfter, resumePoint } from './checkpoints';
import { ProjectError, errnoOf, ioError } from './errors';
import { fsyncDirectory, writeFileAtomic, writeJsonAtomic } from './json-file';
import { CHECKPOINTS_DIR, CREATING_PREFIX, METRICS_FILE, NOTES_FILE, RUNS_DIR, RUN_FILE } from './layout';
import { MetricsWriter, readMetrics, truncateMetrics } from './metrics';
import type { Project } from './project';
import { RunRecorder, thisProcess } from './recorder';
import type { DescribeError, RecorderOptions } from './recorder';
import { progressFromMetrics } from './recovery';
import { readRun, runDir, writeRun } from './runs';

/** The training host: `runTrainingSession` or anything with its contract. */
export type SessionRunner = (config: RunConfig, hooks: SessionHooks) => Promise<{ readonly status: 'completed' | 'stopped' }>;

export interface LaunchHooks {
  /** stops the training (Ctrl+C, a UI button); the recorder also stops it when it cannot write */
  readonly control: NonNullable<SessionHooks['control']>;
  /** every event, after it is recorded */
  readonly onEvent?: SessionHooks['onEvent'];
  readonly onDatasetProgress?: SessionHooks['onDatasetProgress'];
  readonly describeError?: DescribeError;
  /** default: runTrainingSession in this process */
  readonly session?: SessionRunner;
  /** called once the run folder exists (or the resume is recorded), before training starts */
  readonly onCreated?: (record: RunRecord) => void;
}

/** What a new run trains. */
export interface NewRun {
  readonly circuit: Circuit;
  /** the project circuit it comes from */
  readonly circuitName?: string | null;
  readonly backend?: RunConfig['backend'];
  /** CPU threads of the cpu and wasm backends (default 1) */
  readonly threads?: number;
  readonly trainLimit?: number;
  readonly testLimit?: number;
  /** per-epoch checkpoints kept besides latest; at least 2, so a resume can always step back one epoch */
  readonly keepCheckpoints?: number;
  /** the run's folder name; default `<time>-<rule>-s<seed>` */
  readonly id?: string;
  readonly tags?: readonly string[];
  readonly rerunOf?: string | null;
}

export interface RunOutcome {
  readonly id: string;
  readonly status: RunStatus;
  readonly record: RunRecord;
  /** why it failed (already recorded in run.json), or null */
  readonly error: Error | null;
}

/** Creates a run and trains it to the end (or until stopped or failed). */
export async function startRun(project: Project, spec: NewRun, hooks: LaunchHooks, expectDatasetHash: string | null = null): Promise<RunOutcome> {
  project.assertWritable('start a run');
  const record = createRunFolder(project, spec);
  hooks.onCreated?.(record);
  return drive(project, record, hooks, { fromEpoch: 0, expectDatasetHash }, null);
}

/**
 * Continues a stopped, failed or interrupted run from its newest checkpoint that metrics.jsonl
 * has caught up with: metrics are cut back to that epoch, the resume is recorded in
 * run.json, and training goes on in the same run folder.
 */
export async function resumeRun(project: Project, id: string, hooks: LaunchHooks): Promise<RunOutcome> {
  project.assertWritable(`resume run ${id}`);
  const record = readRun(project, id);
  if (!RESUMABLE_STATUSES.includes(record.status)) {
    throw new ProjectError('conflict', `run ${id} is ${record.status}; only ${RESUMABLE_STATUSES.join(', ')} runs can be resumed`);
  }
  const dir = runDir(project, id);
  const metricsFile = path.join(dir, METRICS_FILE);
  const recorded = readMetrics(metricsFile).epochs.length;
  const point = resumePoint(dir, recorded);
  const fromEpoch = point?.epoch ?? 0;
  const cut = truncateMetrics(metricsFile, fromEpoch);
  dropCheckpointsAfter(dir, fromEpoch);
  const resumed: RunRecord = {
    ...record, status: 'running', ended: null, failure: null, process: thisProcess(),
    progress: progressFromMetrics(metricsFile) ?? { epochs: fromEpoch, testAccuracy: null, bestTestAccuracy: null },
    resumes: [...record.resumes, {
      at: new Date().toISOString(), fromEpoch, checkpoint: point?.file ?? null, discardedEpochs: cut.discardedEpochs,
      droppedBytes: cut.droppedBytes, previousStatus: record.status, appVersion: appVersion(),
    }],
  };
  writeRun(project, resumed);
  hooks.onCreated?.(resumed);
  const resumeFrom = point ? path.join(dir, point.file) : null;
  return drive(project, resumed, hooks, { fromEpoch, requireDatasetHash: record.dataset?.hash ?? null }, resumeFrom);
}

/** Trains a run's recorded configuration again as a new run (optionally with another seed or backend). */
export async function rerunRun(project: Project, id: string, hooks: LaunchHooks, change: { seed?: number; backend?: RunConfig['backend']; id?: string } = {}): Promise<RunOutcome> {
  const source = readRun(project, id);
  const circuit = change.seed === undefined ? source.circuit : { ...source.circuit, seed: change.seed };
  return startRun(project, {
    circuit, circuitName: source.circuitName, backend: change.backend ?? source.config.backend, threads: source.config.threads,
    trainLimit: source.config.trainLimit ?? undefined, testLimit: source.config.testLimit ?? undefined,
    keepCheckpoints: source.config.keepCheckpoints, rerunOf: source.id, id: change.id,
  }, hooks, source.dataset?.hash ?? null);
}

async function drive(project: Project, record: RunRecord, hooks: LaunchHooks, opts: Omit<RecorderOptions, 'control' | 'onEvent' | 'describeError'>, resumeFrom: string | null): Promise<RunOutcome> {
  const dir = runDir(project, record.id);
  let metrics: MetricsWriter;
  try {
    metrics = new MetricsWriter(path.join(dir, METRICS_FILE));
  } catch (err) {
    const failure = { code: 'io', message: (err as Error).message };
    writeRun(project, { ...record, status: 'failed', ended: new Date().toISOString(), process: null, failure });
    return { id: record.id, status: 'failed', record: readRun(project, record.id), error: err as Error };
  }
  const recorder = new RunRecorder(project, record, metrics, {
    ...opts, control: hooks.control, onEvent: hooks.onEvent, describeError: hooks.describeError,
  });
  const config: RunConfig = {
    circuit: record.circuit, backend: record.config.backend, threads: record.config.threads, outDir: dir, keepCheckpoints: record.config.keepCheckpoints,
    trainLimit: record.config.trainLimit ?? undefined, testLimit: record.config.testLimit ?? undefined, resumeFrom: resumeFrom ?? undefined,
  };
  let result: { status: 'completed' | 'stopped' } | null = null;
  let error: unknown = null;
  try {
    const session = hooks.session ?? (await import('../host/training-session')).runTrainingSession;
    result = await session(config, recorder.hooks(hooks.onDatasetProgress));
  } catch (err) {
    error = err;
  }
  const end = recorder.finish(result, error);
  return { id: record.id, status: end.status, record: recorder.current, error: end.error };
}

/** A run id from the time, rule and seed, unique in the project. */
function newRunId(project: Project, circuit: Circuit): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = `${stamp}-${circuit.rule.name}-s${circuit.seed}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!fs.existsSync(project.path(RUNS_DIR, id))) return id;
  }
}

/** Creates the run folder complete (run.json, metrics.jsonl, notes.md, checkpoints/) under a temp name, then renames it into place. */
function createRunFolder(project: Project, spec: NewRun): RunRecord {
  const id = spec.id ?? newRunId(project, spec.circuit);
  const problem = nameProblem(id, 'run id');
  if (problem) throw new ProjectError('bad-name', problem);
  for (const tag of spec.tags ?? []) {
    const tagProblem = nameProblem(tag, 'tag');
    if (tagProblem) throw new ProjectError('bad-name', tagProblem);
  }
  const target = project.path(RUNS_DIR, id);
  if (fs.existsSync(target)) throw new ProjectError('exists', `a run named '${id}' exists already`, { file: target });
  const record: RunRecord = {
    format: RUN_FORMAT, version: PROJECT_FORMAT_VERSION, id, status: 'running', circuitName: spec.circuitName ?? null,
    circuit: spec.circuit, rule: spec.circuit.rule.name, seed: spec.circuit.seed,
    config: {
      backend: spec.backend ?? 'auto', threads: spec.threads ?? 1, trainLimit: spec.trainLimit ?? null, testLimit: spec.testLimit ?? null,
      keepCheckpoints: Math.max(2, spec.keepCheckpoints ?? 3),
    },
    dataset: null, backend: null, appVersion: appVersion(), created: new Date().toISOString(), ended: null, process: thisProcess(),
    failure: null, tags: [...new Set(spec.tags ?? [])], resumes: [], rerunOf: spec.rerunOf ?? null,
    progress: { epochs: 0, testAccuracy: null, bestTestAccuracy: null }, warnings: [],
  };
  const temp = project.path(RUNS_DIR, `${CREATING_PREFIX}${id}-${randomBytes(4).toString('hex')}`);
  try {
    fs.mkdirSync(path.join(temp, CHECKPOINTS_DIR), { recursive: true });
    writeFileAtomic(path.join(temp, METRICS_FILE), '');
    writeFileAtomic(path.join(temp, NOTES_FILE), `# ${id}\n\n`);
    writeJsonAtomic(path.join(temp, RUN_FILE), record);
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    if (['EEXIST', 'ENOTEMPTY'].includes(errnoOf(err) ?? '')) throw new ProjectError('exists', `a run named '${id}' exists already`, { file: target });
    throw ioError('create run folder', target, err);
  }
  fsyncDirectory(project.path(RUNS_DIR));
  project.touch();
  return record;
}
