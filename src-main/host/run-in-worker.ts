import type { RunConfig } from '../../src-shared/run-config';
import type { ErrorEvent } from '../../src-shared/events';
import type { RunResult } from '../../src-shared/worker-protocol';
import type { SessionHooks } from './training-session';
import { EngineProcess, WorkerExitError } from './engine-process';
import type { WorkerChannel } from './worker-channel';

/** Any handle on an engine worker: a Node fork, an Electron utility process, a test stand-in. */
export type WorkerHandle = Pick<WorkerChannel, 'ready' | 'send' | 'onMessage' | 'onExit'>;

/** A run that failed inside the worker, with the worker's typed error code. */
export class RunFailedError extends Error {
  constructor(readonly code: ErrorEvent['code'], message: string) {
    super(message);
    this.name = 'RunFailedError';
  }
}

/**
 * Runs one training in a fresh engine worker process, with the same contract as the
 * in-process `runTrainingSession`: events through `hooks.onEvent`, pause/resume/stop
 * through `hooks.control`. Resolves with the run's result; rejects with RunFailedError
 * (the worker reported an error) or WorkerExitError (the process crashed, was killed,
 * ran out of memory or failed to launch).
 */
export async function runTraining(config: RunConfig, hooks: SessionHooks & { process?: WorkerHandle }): Promise<RunResult> {
  const worker = hooks.process ?? new EngineProcess();
  const unsubscribe = hooks.control?.subscribe((command) => worker.send({ type: command }));
  try {
    await worker.ready;
    return await new Promise<RunResult>((resolve, reject) => {
      let failure: RunFailedError | null = null;
      worker.onMessage((m) => {
        if (m.type === 'event') hooks.onEvent(m.event);
        else if (m.type === 'finished') resolve(m.result);
        else if (m.type === 'failed') failure = new RunFailedError(m.error.code, m.error.message);
      });
      worker.onExit((e) => reject(failure ?? new WorkerExitError(e)));
      worker.send({ type: 'start', config, snapshotIntervalMs: hooks.snapshotIntervalMs ?? 0 });
      if (hooks.control?.stopped) worker.send({ type: 'stop' });
      else if (hooks.control?.isPaused) worker.send({ type: 'pause' });
    });
  } finally {
    unsubscribe?.();
  }
}
