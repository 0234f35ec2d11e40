import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerExit, WorkerExitReason, WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The worker entry for Node hosts: the TypeScript source, run through tsx's loader. */
export function defaultWorkerEntry(): { file: string; execArgv: string[] } {
  return {
    file: path.join(here, '..', 'worker', 'engine-worker.ts'),
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
  };
}

/** Classifies how a worker process ended, from its exit code, signal and stderr. */
export function classifyExit(code: number | null, signal: string | null, stderr: string, becameReady: boolean): WorkerExitReason {
  if (/heap out of memory|Allocation failed|ENOMEM|Out of memory/i.test(stderr)) return 'oom';
  if (!becameReady) return 'launch-failed';
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') return 'killed';
  if (code === 0) return 'exited';
  return 'crashed';
}

/**
 * The engine worker seen from a Node host: a forked child with a typed message channel
 * and a typed end. Every exit is reported once through `onExit`, with a reason.
 */
export class EngineProcess {
  private readonly child: ChildProcess;
  private readonly messageListeners = new Set<(m: WorkerMessage) => void>();
  private readonly exitListeners = new Set<(e: WorkerExit) => void>();
  private stderrTail = '';
  private becameReady = false;
  private exited: WorkerExit | null = null;
  /** resolves when the worker has said it is ready; rejects if it ends first */
  readonly ready: Promise<number>;

  constructor(entry = defaultWorkerEntry(), env: NodeJS.ProcessEnv = process.env) {
    this.child = fork(entry.file, [], { execArgv: entry.execArgv, env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'json' });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      this.onMessage((m) => {
        if (m.type === 'ready') {
          this.becameReady = true;
          resolve(m.pid);
        }
      });
      this.onExit((e) => reject(new WorkerExitError(e)));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m) => {
      for (const l of this.messageListeners) l(m as WorkerMessage);
    });
    this.child.on('error', () => this.end(null, null, true));
    this.child.on('exit', (code, signal) => this.end(code, signal, false));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(request: WorkerRequest): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(request);
  }

  onMessage(listener: (m: WorkerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onExit(listener: (e: WorkerExit) => void): () => void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Ends the worker now (SIGKILL). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private end(code: number | null, signal: string | null, launchError: boolean): void {
    if (this.exited) return;
    // let buffered stderr arrive before classifying
    setImmediate(() => {
      if (this.exited) return;
      const reason = launchError ? 'launch-failed' : classifyExit(code, signal, this.stderrTail, this.becameReady);
      this.exited = { reason, code, signal, detail: this.stderrTail.trim().split('\n').slice(-5).join('\n') };
      for (const l of this.exitListeners) l(this.exited);
      this.exitListeners.clear();
    });
  }
}

export class WorkerExitError extends Error {
  constructor(readonly exit: WorkerExit) {
    super(`engine process ${describeExit(exit)}`);
    this.name = 'WorkerExitError';
  }
}

export function describeExit(e: WorkerExit): string {
  const how = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
  const what: Record<WorkerExitReason, string> = {
    crashed: 'crashed', killed: 'was killed', oom: 'ran out of memory', 'launch-failed': 'failed to launch', exited: 'exited',
  };
  return `${what[e.reason]} (${how})${e.detail ? `: ${e.detail}` : ''}`;
}
