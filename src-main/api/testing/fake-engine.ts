/**
 * A stand-in for the engine worker process, for API tests: it speaks the worker protocol
 * (ready, events, status, finished, failed, exit) with deterministic epochs a few
 * milliseconds apart, honours pause/resume/stop, and can be made to crash.
 */
import type { EpochEvent, TrainEvent } from '../../../src-shared/events';
import type { WorkerExitReason, WorkerMessage, WorkerRequest } from '../../../src-shared/worker-protocol';
import type { EngineHandle } from '../engine-handle';
import { WorkerChannel } from '../../host/worker-channel';

export interface FakeEngineOptions {
  /** milliseconds per epoch */
  readonly epochMs?: number;
  /** end the process with this reason after this many epochs */
  readonly crashAfter?: { epochs: number; reason: WorkerExitReason };
}

export class FakeEngine extends WorkerChannel implements EngineHandle {
  private paused = false;
  private stopped = false;

  constructor(private readonly opts: FakeEngineOptions = {}) {
    super();
    queueMicrotask(() => this.deliver({ type: 'ready', pid: 4242 }));
  }

  send(request: WorkerRequest): void {
    if (request.type === 'start') void this.run(request.config.circuit.epochs ?? 1);
    if (request.type === 'pause') this.paused = true;
    if (request.type === 'resume') this.paused = false;
    if (request.type === 'stop') this.stopped = true;
  }

  kill(): void {
    this.exit('killed', null, 'SIGKILL');
  }

  private emit(m: WorkerMessage): void {
    this.deliver(m);
  }

  private event(e: TrainEvent): void {
    this.emit({ type: 'event', event: e });
  }

  private exit(reason: WorkerExitReason, code: number | null, signal: string | null): void {
    this.finish({ reason, code, signal, detail: reason === 'exited' ? '' : 'fake engine ended' });
  }

  private async run(epochs: number): Promise<void> {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const dataset = { name: 'mnist', source: 'fake', hash: 'f'.repeat(64), shape: [28, 28, 1], classes: ['0', '1'], train: 64, test: 32 };
    this.event({ event: 'start', rule: 'frsf', backend: { name: 'cpu', threads: 1 }, dataset, epochs, batchesPerEpoch: 2, fromEpoch: 0 });
    let done = 0;
    for (let epoch = 1; epoch <= epochs && !this.stopped; epoch++) {
      await wait(this.opts.epochMs ?? 20);
      while (this.paused && !this.stopped) await wait(5);
      if (this.stopped || this.exited) break;
      this.event({ event: 'progress', phase: 'train', epoch, batch: 1, batches: 2, loss: 1 / epoch, accuracy: 0.5, samplesPerSecond: 100 });
      this.event(fakeEpoch(epoch));
      done = epoch;
      if (this.opts.crashAfter && epoch >= this.opts.crashAfter.epochs) return this.exit(this.opts.crashAfter.reason, 1, null);
    }
    const status = this.stopped ? 'stopped' : 'completed';
    this.event({ event: 'done', status, testAccuracy: 0.5, epochs: done, samplesPerSecond: 100, backend: 'cpu', seconds: 0.1, checkpoint: null, confusion: [[3, 1], [0, 4]] });
    this.emit({ type: 'finished', result: { status, testAccuracy: 0.5, epochs: done, checkpoint: null } });
    this.exit('exited', 0, null);
  }
}

function fakeEpoch(epoch: number): EpochEvent {
  return {
    event: 'epoch', epoch, loss: 1 / epoch, trainAccuracy: 0.5, testAccuracy: 0.4 + epoch / 100, testLoss: 1 / epoch,
    samplesPerSecond: 100, seconds: 0.02, firingRates: [0.1, 0.2], alignment: null,
  };
}
