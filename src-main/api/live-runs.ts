import type { Circuit } from '../../src-shared/circuit';
import type { LiveState, RunStateFrame } from '../../src-shared/contract';
import type { TrainEvent } from '../../src-shared/events';
import type { RunStatus } from '../../src-shared/project';
import { TrainControl } from '../engine/training/trainer';
import { resumeRun, startRun } from '../projects/launch';
import type { LaunchHooks, RunOutcome } from '../projects/launch';
import type { Project } from '../projects/project';
import type { EngineFactory, EngineHandle } from './engine-handle';
import { engineSession } from './engine-session';
import { ApiFailure, describeRunError } from './errors';
import { newRunId } from './run-id';

export interface LiveRunsEvents {
  frame(runId: string, event: TrainEvent): void;
  state(frame: RunStateFrame): void;
  /** a run ended: its run.json holds the outcome */
  ended(runId: string): void;
}

export interface NewLiveRun {
  readonly circuit: Circuit;
  readonly circuitName: string | null;
  readonly backend: 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  readonly trainLimit?: number;
  readonly testLimit?: number;
  readonly tags: readonly string[];
  readonly snapshotIntervalMs: number;
}

interface LiveRun {
  readonly control: TrainControl;
  state: LiveState;
  engine: EngineHandle | null;
  confusion: readonly (readonly number[])[] | null;
  /** settles when the run has recorded its end */
  done: Promise<void>;
}

/**
 * The runs this host trains now: each in its own engine worker, recorded into the project
 * by the projects module (launch.ts), with its state and events pushed to the UI.
 */
export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();
  /** confusion matrices of runs that ended while this host watched */
  private readonly confusions = new Map<string, readonly (readonly number[])[]>();

  constructor(private readonly factory: EngineFactory, private readonly events: LiveRunsEvents) {}

  get size(): number {
    return this.runs.size;
  }

  isLive(id: string): boolean {
    return this.runs.has(id);
  }

  /** The live status to list, or undefined when the run is not live. */
  status(id: string): RunStatus | undefined {
    return this.runs.has(id) ? 'running' : undefined;
  }

  confusion(id: string): readonly (readonly number[])[] | null {
    return this.runs.get(id)?.confusion ?? this.confusions.get(id) ?? null;
  }

  /** Creates the run folder and starts training; answers with the id once the folder exists. */
  async start(project: Project, spec: NewLiveRun): Promise<string> {
    const id = newRunId(project, spec.circuit);
    const { run, hooks } = this.prepare(id, spec.snapshotIntervalMs);
    const outcome = startRun(project, { ...spec, id, keepCheckpoints: 2 }, hooks);
    return this.launched(id, run, outcome);
  }

  /** Continues a stopped, failed or interrupted run from its latest checkpoint. */
  async resume(project: Project, id: string, snapshotIntervalMs: number): Promise<string> {
    if (this.runs.has(id)) throw new ApiFailure('conflict', `run ${id} is training already`);
    const { run, hooks } = this.prepare(id, snapshotIntervalMs);
    return this.launched(id, run, resumeRun(project, id, hooks));
  }

  pause(id: string): void {
    const run = this.get(id);
    run.control.pause();
    this.setState(id, run, 'paused');
  }

  continue(id: string): void {
    const run = this.get(id);
    run.control.resume();
    this.setState(id, run, 'running');
  }

  stop(id: string): void {
    const run = this.get(id);
    run.control.stop();
    this.setState(id, run, 'stopping');
  }

  /** Stops every run and waits for them to record their end (killing engines that take longer than `graceMs`). */
  async stopAll(graceMs = 10_000): Promise<void> {
    const pending = [...this.runs.values()];
    for (const run of pending) run.control.stop();
    const timer = setTimeout(() => pending.forEach((r) => r.engine?.kill()), graceMs);
    await Promise.all(pending.map((r) => r.done));
    clearTimeout(timer);
  }

  private get(id: string): LiveRun {
    const run = this.runs.get(id);
    if (!run) throw new ApiFailure('conflict', `run ${id} is not training in this window`);
    return run;
  }

  private prepare(id: string, snapshotIntervalMs: number): { run: LiveRun; hooks: LaunchHooks } {
    const control = new TrainControl();
    const run: LiveRun = { control, state: 'starting', engine: null, confusion: null, done: Promise.resolve() };
    const session = engineSession(this.factory, { snapshotIntervalMs, onStarted: (engine) => (run.engine = engine) });
    const hooks: LaunchHooks = { control, session, describeError: describeRunError, onEvent: (e) => this.onEvent(id, run, e) };
    return { run, hooks };
  }

  private async launched(id: string, run: LiveRun, outcome: Promise<RunOutcome>): Promise<string> {
    // launching checks and creates the run before its first await: a refusal has rejected already
    let refused: { error: unknown } | null = null;
    outcome.catch((error: unknown) => (refused = { error }));
    await Promise.resolve();
    if (refused !== null) throw (refused as { error: unknown }).error;
    this.runs.set(id, run);
    this.setState(id, run, 'starting');
    run.done = outcome.then((o) => this.ended(id, run, o.status, o.record.failure), (e: unknown) => this.ended(id, run, 'failed', describeRunError(e)));
    return id;
  }

  private onEvent(id: string, run: LiveRun, e: TrainEvent): void {
    if (e.event === 'progress' && e.phase === 'load' && run.state === 'starting') this.setState(id, run, 'loading');
    if (e.event === 'start' && (run.state === 'starting' || run.state === 'loading')) this.setState(id, run, run.control.isPaused ? 'paused' : 'running');
    if (e.event === 'done') run.confusion = e.confusion;
    this.events.frame(id, e);
  }

  private ended(id: string, run: LiveRun, status: RunStatus, failure: RunStateFrame['failure']): void {
    this.runs.delete(id);
    if (run.confusion) this.confusions.set(id, run.confusion);
    run.state = status;
    this.events.state({ runId: id, state: status, failure });
    this.events.ended(id);
  }

  private setState(id: string, run: LiveRun, state: LiveState): void {
    run.state = state;
    if (this.runs.has(id)) this.events.state({ runId: id, state, failure: null });
  }
}
