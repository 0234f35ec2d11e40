import { app, utilityProcess } from 'electron';
import type { UtilityProcess } from 'electron';
import type { WorkerExit, WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';
import type { EngineFactory, EngineHandle } from '../api/engine-handle';
import { lowerPriority } from '../api/engine-handle';
import { WorkerExitError } from '../host/engine-process';
import type { GoneReason } from './exit-reason';
import { utilityExitReason } from './exit-reason';

let started = 0;

/**
 * The engine worker in an Electron utility process (out/main/engine-worker.js, built by
 * electron-vite as its own entry). Its end is classified from Electron's
 * 'child-process-gone' reason: crashed | oom | killed | launch-failed.
 */
class UtilityEngine implements EngineHandle {
  readonly ready: Promise<number>;
  private readonly child: UtilityProcess;
  private readonly serviceName = `Apical engine ${++started}`;
  private readonly messageListeners = new Set<(m: WorkerMessage) => void>();
  private readonly exitListeners = new Set<(e: WorkerExit) => void>();
  private stderrTail = '';
  private gone: GoneReason | null = null;
  private becameReady = false;
  private exited: WorkerExit | null = null;

  constructor(workerFile: string) {
    this.child = utilityProcess.fork(workerFile, [], { serviceName: this.serviceName, stdio: ['ignore', 'inherit', 'pipe'] });
    this.child.once('spawn', () => lowerPriority(this.child.pid));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)));
    const onGone = (_e: unknown, details: Electron.Details) => {
      if (details.type === 'Utility' && details.serviceName === this.serviceName) this.gone = details.reason;
    };
    app.on('child-process-gone', onGone);
    this.ready = new Promise((resolve, reject) => {
      this.onMessage((m) => {
        if (m.type !== 'ready') return;
        this.becameReady = true;
        resolve(m.pid);
      });
      this.onExit((e) => reject(new WorkerExitError(e)));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: WorkerMessage) => this.messageListeners.forEach((l) => l(m)));
    this.child.on('exit', (code) => {
      // 'child-process-gone' may come just after 'exit'
      setTimeout(() => {
        app.off('child-process-gone', onGone);
        this.end(code);
      }, 100);
    });
  }

  send(request: WorkerRequest): void {
    if (!this.exited) this.child.postMessage(request);
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

  kill(): void {
    if (!this.exited) this.child.kill();
  }

  private end(code: number): void {
    if (this.exited) return;
    const reason = utilityExitReason(this.gone, code, this.stderrTail, this.becameReady);
    this.exited = { reason, code, signal: null, detail: this.stderrTail.trim().split('\n').slice(-5).join('\n') };
    this.exitListeners.forEach((l) => l(this.exited as WorkerExit));
    this.exitListeners.clear();
  }
}

export function utilityEngine(workerFile: string): EngineFactory {
  return () => new UtilityEngine(workerFile);
}
