import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerExitReason, WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';
import { WorkerChannel } from './worker-channel';

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
export class EngineProcess extends WorkerChannel {
  private readonly child: ChildProcess;
  private stderrTail = '';

  constructor(entry = defaultWorkerEntry(), env: NodeJS.ProcessEnv = process.env) {
    super();
    this.child = fork(entry.file, [], { execArgv: entry.execArgv, env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'json' });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.child.on('message', (m) => this.deliver(m as WorkerMessage));
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

  /** Ends the worker now (SIGKILL). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private end(code: number | null, signal: string | null, launchError: boolean): void {
    // let buffered stderr arrive before classifying
    setImmediate(() => {
      const reason = launchError ? 'launch-failed' : classifyExit(code, signal, this.stderrTail, this.becameReady);
      this.finish({ reason, code, signal, detail: this.stderrTail.trim().split('\n').slice(-5).join('\n') });
    });
  }
}

export { WorkerExitError, describeExit } from './worker-channel';
