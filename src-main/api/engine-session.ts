import type { RunConfig } from '../../src-shared/run-config';
import type { RunResult } from '../../src-shared/worker-protocol';
import type { SessionHooks } from '../host/training-session';
import { runTraining } from '../host/run-in-worker';
import type { SessionRunner } from '../projects/launch';
import type { EngineFactory, EngineHandle } from './engine-handle';

/**
 * A session runner (the projects module's contract) that trains in a fresh engine worker
 * from `factory`: pause/resume/stop are forwarded from the hooks' control, events come
 * back through `hooks.onEvent`. It rejects with RunFailedError when the worker reports an
 * error, and with WorkerExitError (reason crashed | killed | oom | launch-failed) when the
 * process ends without finishing.
 */
export function engineSession(factory: EngineFactory, opts: { snapshotIntervalMs: number; onStarted?: (engine: EngineHandle) => void }): SessionRunner {
  return async (config: RunConfig, hooks: SessionHooks): Promise<RunResult> => {
    const engine = factory();
    opts.onStarted?.(engine);
    return runTraining(config, { ...hooks, process: engine, snapshotIntervalMs: opts.snapshotIntervalMs });
  };
}
