import os from 'node:os';
import type { WorkerExit, WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';
import { EngineProcess } from '../host/engine-process';

/**
 * An engine worker process as the API drives it, whatever started it: Node's
 * child_process.fork (EngineProcess: CLI, web host, tests) or Electron's utilityProcess.
 */
export interface EngineHandle {
  /** resolves with the worker's pid when it is ready; rejects if it ends first */
  readonly ready: Promise<number>;
  send(request: WorkerRequest): void;
  onMessage(listener: (m: WorkerMessage) => void): () => void;
  /** called once with how the process ended */
  onExit(listener: (e: WorkerExit) => void): () => void;
  kill(): void;
}

/** Starts one engine worker per run. */
export type EngineFactory = () => EngineHandle;

/**
 * Runs a worker below normal priority: training takes what CPU the window leaves, so the
 * UI (and the host answering it) stays responsive on a machine busy with training.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // not permitted on this system: the engine runs at normal priority
  }
}

/** Node hosts: the worker forked through tsx (src-main/host/engine-process.ts), below normal priority. */
export const forkEngine: EngineFactory = () => {
  const engine = new EngineProcess();
  lowerPriority(engine.pid);
  return engine;
};
