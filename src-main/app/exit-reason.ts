import type { WorkerExitReason } from '../../src-shared/worker-protocol';
import { classifyExit } from '../host/engine-process';

/** Electron's reasons for a child process going away ('child-process-gone' details.reason). */
export type GoneReason = 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';

/**
 * How a utility-process engine ended, in the worker protocol's terms. Electron's own reason
 * wins when it has one; otherwise the exit code and stderr decide, as for forked workers.
 */
export function utilityExitReason(gone: GoneReason | null, code: number | null, stderr: string, becameReady: boolean): WorkerExitReason {
  switch (gone) {
    case 'oom':
    case 'memory-eviction':
      return 'oom';
    case 'launch-failed':
      return 'launch-failed';
    case 'killed':
      return 'killed';
    case 'crashed':
    case 'abnormal-exit':
    case 'integrity-failure':
      return becameReady ? 'crashed' : 'launch-failed';
    case 'clean-exit':
      return becameReady ? 'exited' : 'launch-failed';
    case null:
      return classifyExit(code, null, stderr, becameReady);
    default:
      throw new Error(`unknown child-process-gone reason ${String(gone)}`);
  }
}
