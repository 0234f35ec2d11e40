/**
 * The RunRecorder sits between a training session and the project: it turns the session's
 * events into files (metrics.jsonl appended and fsynced every epoch and at least every few
 * seconds, run.json rewritten atomically on start, every epoch and at the end) and stops
 * the training cleanly when it cannot write (disk full), keeping what was written.
 */
import os from 'node:os';
import type { TrainEvent } from '../../src-shared/events';
import type { RunRecord, RunStatus } from '../../src-shared/project';
import type { SessionHooks } from '../host/training-session';
import type { TrainControl } from '../engine/training/trainer';
import { ProjectError, errnoOf } from './errors';
import { processStart } from './lock';
import type { MetricsWriter } from './metrics';
import type { Project } from './project';
import { writeRun } from './runs';

/** Progress lines are written (and fsynced) at most this often. */
export const PROGRESS_EVERY_MS = 5000;

/** How a host reports errors: a code and a message (the CLI passes host/error-code's errorMessage). */
export type DescribeError = (e: unknown) => { code: string; message: string };

export const defaultDescribeError: DescribeError = (e) => ({
  code: errnoOf(e) ? 'io' : 'internal',
  message: e instanceof Error ? e.message : String(e),
});

export interface RecorderOptions {
  readonly control: TrainControl;
  readonly onEvent?: (e: TrainEvent) => void;
  readonly describeError?: DescribeError;
  /** the data set the run must train on (a resume); a different hash fails the run */
  readonly requireDatasetHash?: string | null;
  /** the data set the run is expected to train on (a rerun); a different hash is a warning */
  readonly expectDatasetHash?: string | null;
  /** completed epochs the session must start from */
  readonly fromEpoch: number;
}

/** The process fields of a run.json while this process records it. */
export function thisProcess(): NonNullable<RunRecord['process']> {
  return { pid: process.pid, host: os.hostname(), procStart: processStart(process.pid) };
}

export class RunRecorder {
  private failure: { code: string; message: string } | null = null;
  private lastProgressWrite = 0;

  constructor(
    private readonly project: Project,
    private record: RunRecord,
    private readonly metrics: MetricsWriter,
    private readonly opts: RecorderOptions,
  ) {}

  get current(): RunRecord {
    return this.record;
  }

  /** The hooks to hand the session. */
  hooks(onDatasetProgress?: SessionHooks['onDatasetProgress']): SessionHooks {
    return { onEvent: (e) => this.handle(e), control: this.opts.control, onDatasetProgress };
  }

  private handle(e: TrainEvent): void {
    try {
      this.store(e);
    } catch (err) {
      this.fail(err);
    }
    this.opts.onEvent?.(e);
  }

  private store(e: TrainEvent): void {
    switch (e.event) {
      case 'start':
        return this.onStart(e);
      case 'epoch': {
        // the trainer reports an epoch only once it is complete (a stop during its evaluation
        // drops it, and saves no checkpoint for it), so every epoch event is recorded
        this.metrics.append(e, true);
        this.lastProgressWrite = Date.now();
        const best = this.record.progress.bestTestAccuracy;
        this.save({ progress: { epochs: e.epoch, testAccuracy: e.testAccuracy, bestTestAccuracy: best === null ? e.testAccuracy : Math.max(best, e.testAccuracy) } });
        return;
      }
      case 'progress':
        if (e.phase === 'train' && Date.now() - this.lastProgressWrite >= PROGRESS_EVERY_MS) {
          this.metrics.append(e, true);
          this.lastProgressWrite = Date.now();
        }
        return;
      case 'error':
        this.failure ??= { code: e.code, message: e.message };
        return;
      case 'done':
      case 'snapshot':
        return;
      default:
        throw new Error(`unknown event ${(e as { event: string }).event}`);
    }
  }

  private onStart(e: Extract<TrainEvent, { event: 'start' }>): void {
    const warnings = [...this.record.warnings];
    const expected = this.opts.requireDatasetHash ?? this.opts.expectDatasetHash;
    if (expected && expected !== e.dataset.hash) {
      const text = `the data set ${e.dataset.name} (${e.dataset.source}) has hash ${e.dataset.hash.slice(0, 12)}, but the run trained on ${expected.slice(0, 12)}`;
      if (this.opts.requireDatasetHash) {
        this.save({ dataset: this.record.dataset ?? e.dataset, backend: e.backend });
        throw Object.assign(new Error(`${text}; resuming on different data is refused`), { code: 'dataset' });
      }
      warnings.push(text);
    }
    if (e.fromEpoch !== this.opts.fromEpoch) throw new Error(`the session started after epoch ${e.fromEpoch}, expected ${this.opts.fromEpoch}`);
    this.lastProgressWrite = Date.now();
    this.save({ dataset: e.dataset, backend: e.backend, warnings });
  }

  /** Records the first failure and stops the training at the next batch. */
  private fail(err: unknown): void {
    if (this.failure === null) {
      const described = (this.opts.describeError ?? defaultDescribeError)(err);
      const own = err instanceof ProjectError && err.code === 'io' ? 'io' : (err as { code?: unknown }).code === 'dataset' ? 'dataset' : null;
      const code = own ?? described.code;
      this.failure = { code, message: described.message };
    }
    this.opts.control.stop();
  }

  private save(change: Partial<RunRecord>): void {
    this.record = { ...this.record, ...change };
    writeRun(this.project, this.record);
  }

  /**
   * Writes the final status once the session has settled: failed (with the message) if the
   * session threw or the recorder could not write, else what the session reported.
   * Returns the error to report, if any.
   */
  finish(result: { status: 'completed' | 'stopped' } | null, error: unknown): { status: RunStatus; error: Error | null } {
    if (error !== null && error !== undefined) this.fail(error);
    this.metrics.close();
    const status: RunStatus = this.failure ? 'failed' : (result?.status ?? 'failed');
    let reported: Error | null = this.failure ? Object.assign(new Error(this.failure.message), { code: this.failure.code }) : null;
    if (error instanceof Error && this.failure && error.message === this.failure.message) reported = error;
    try {
      this.save({ status, ended: new Date().toISOString(), process: null, failure: this.failure });
    } catch (err) {
      const text = `${reported ? `${reported.message}; ` : ''}run.json could not be updated (${(err as Error).message}), so the run will show as interrupted`;
      reported = Object.assign(new Error(text), { code: errnoOf(err) ?? 'io' });
    }
    return { status, error: reported };
  }
}
