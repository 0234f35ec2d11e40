import type { RunConfig } from '../../src-shared/run-config';
import type { RunResult } from '../../src-shared/worker-protocol';
import type { SessionHooks } from '../host/training-session';
import { RunFailedError } from '../host/run-in-worker';
import { WorkerExitError } from '../host/engine-process';
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
    const unsubscribe = hooks.control?.subscribe((command) => engine.send({ type: command }));
    try {
      await engine.ready;
      return await new Promise<RunResult>((resolve, reject) => {
        let failure: RunFailedError | null = null;
        engine.onMessage((m) => {
          if (m.type === 'event') hooks.onEvent(m.event);
          else if (m.type === 'finished') resolve(m.result);
          else if (m.type === 'failed') failure = new RunFailedError(m.error.code, m.error.message);
        });
        engine.onExit((e) => reject(failure ?? new WorkerExitError(e)));
        engine.send({ type: 'start', config, snapshotIntervalMs: opts.snapshotIntervalMs });
        if (hooks.control?.stopped) engine.send({ type: 'stop' });
        else if (hooks.control?.isPaused) engine.send({ type: 'pause' });
      });
    } finally {
      unsubscribe?.();
    }
  };
}
