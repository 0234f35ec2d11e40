import type { WorkerExit, WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';

/** A worker process ended before its run finished. */
export class WorkerExitError extends Error {
  constructor(readonly exit: WorkerExit) {
    super(`engine process ${describeExit(exit)}`);
    this.name = 'WorkerExitError';
  }
}

export function describeExit(e: WorkerExit): string {
  const how = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
  const what: Record<WorkerExit['reason'], string> = {
    crashed: 'crashed', killed: 'was killed', oom: 'ran out of memory', 'launch-failed': 'failed to launch', exited: 'exited',
  };
  return `${what[e.reason]} (${how})${e.detail ? `: ${e.detail}` : ''}`;
}

/**
 * What every handle on an engine worker shares, whatever process kind carries it (Node's
 * fork, Electron's utilityProcess, a test stand-in): message and exit listeners, a `ready`
 * promise that settles on the worker's 'ready' message or its end, and an end reported
 * exactly once. Subclasses deliver messages and the end; they implement send and kill.
 */
export abstract class WorkerChannel {
  /** resolves with the worker's pid when it is ready; rejects (WorkerExitError) if it ends first */
  readonly ready: Promise<number>;
  protected becameReady = false;
  private readonly messageListeners = new Set<(m: WorkerMessage) => void>();
  private readonly exitListeners = new Set<(e: WorkerExit) => void>();
  private ended: WorkerExit | null = null;

  constructor() {
    this.ready = new Promise((resolve, reject) => {
      this.onMessage((m) => {
        if (m.type !== 'ready') return;
        this.becameReady = true;
        resolve(m.pid);
      });
      this.onExit((e) => reject(new WorkerExitError(e)));
    });
    this.ready.catch(() => undefined);
  }

  abstract send(request: WorkerRequest): void;
  abstract kill(): void;

  onMessage(listener: (m: WorkerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** called once with how the process ended (at once if it already has) */
  onExit(listener: (e: WorkerExit) => void): () => void {
    if (this.ended) listener(this.ended);
    else this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  get exited(): WorkerExit | null {
    return this.ended;
  }

  protected deliver(m: WorkerMessage): void {
    if (!this.ended) this.messageListeners.forEach((l) => l(m));
  }

  protected finish(exit: WorkerExit): void {
    if (this.ended) return;
    this.ended = exit;
    this.exitListeners.forEach((l) => l(exit));
    this.exitListeners.clear();
  }
}
