import { app, utilityProcess } from 'electron';
import type { UtilityProcess } from 'electron';
import type { WorkerMessage, WorkerRequest } from '../../src-shared/worker-protocol';
import type { EngineFactory, EngineHandle } from '../api/engine-handle';
import { lowerPriority } from '../api/engine-handle';
import { WorkerChannel } from '../host/worker-channel';
import type { GoneReason } from './exit-reason';
import { utilityExitReason } from './exit-reason';

let started = 0;

/**
 * The engine worker in an Electron utility process (out/main/engine-worker.js, built by
 * electron-vite as its own entry). Its end is classified from Electron's
 * 'child-process-gone' reason: crashed | oom | killed | launch-failed.
 */
class UtilityEngine extends WorkerChannel implements EngineHandle {
  private readonly child: UtilityProcess;
  private readonly serviceName = `Apical engine ${++started}`;
  private stderrTail = '';
  private gone: GoneReason | null = null;

  constructor(workerFile: string) {
    super();
    this.child = utilityProcess.fork(workerFile, [], { serviceName: this.serviceName, stdio: ['ignore', 'inherit', 'pipe'] });
    this.child.once('spawn', () => lowerPriority(this.child.pid));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)));
    const onGone = (_e: unknown, details: Electron.Details) => {
      if (details.type === 'Utility' && details.serviceName === this.serviceName) this.gone = details.reason;
    };
    app.on('child-process-gone', onGone);
    this.child.on('message', (m: WorkerMessage) => this.deliver(m));
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

  kill(): void {
    if (!this.exited) this.child.kill();
  }

  private end(code: number): void {
    const reason = utilityExitReason(this.gone, code, this.stderrTail, this.becameReady);
    this.finish({ reason, code, signal: null, detail: this.stderrTail.trim().split('\n').slice(-5).join('\n') });
  }
}

export function utilityEngine(workerFile: string): EngineFactory {
  return () => new UtilityEngine(workerFile);
}
