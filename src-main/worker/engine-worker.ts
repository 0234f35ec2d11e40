/**
 * The engine worker: one training run in its own process, driven by the worker protocol
 * (src-shared/worker-protocol.ts). Started by Electron's utilityProcess.fork, or by Node's
 * child_process.fork from the CLI and the web host. Knows nothing of its host.
 */
import type { RunResult, WorkerMessage, WorkerState } from '../../src-shared/worker-protocol';
import type { RunConfig } from '../../src-shared/run-config';
import { workerRequestSchema } from '../../src-shared/worker-protocol';
import { formatPath } from '../../src-shared/circuit';
import { TrainControl } from '../engine/training/trainer';
import { runTrainingSession } from '../host/training-session';
import { errorMessage } from '../host/error-code';
import { connectParentPort } from './parent-port';

const port = connectParentPort();
const control = new TrainControl();
let state: WorkerState = 'idle';
let position = { epoch: 0, batch: 0 };
let started = false;

const send = (m: WorkerMessage) => port.send(m);

async function finish(message: WorkerMessage, code: number): Promise<never> {
  await send(message);
  process.exit(code);
}

async function start(config: RunConfig, snapshotIntervalMs: number): Promise<void> {
  started = true;
  state = 'loading';
  let lastLoad = 0;
  const result: RunResult = await runTrainingSession(config, {
    control,
    snapshotIntervalMs,
    onDatasetProgress: (done, total) => {
      if (Date.now() - lastLoad < 100 && done < total) return;
      lastLoad = Date.now();
      void send({ type: 'event', event: { event: 'progress', phase: 'load', epoch: 0, batch: done, batches: total, loss: 0, accuracy: 0, samplesPerSecond: 0 } });
    },
    onEvent: (event) => {
      if (event.event === 'start') state = 'running';
      if (event.event === 'progress') position = { epoch: event.epoch, batch: event.batch };
      void send({ type: 'event', event });
    },
  });
  state = 'finished';
  await finish({ type: 'finished', result }, 0);
}

function onRequest(raw: unknown): void {
  const parsed = workerRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    void send({ type: 'failed', error: { code: 'bad-config', message: `invalid request: ${formatPath(issue.path)}: ${issue.message}` } });
    if (!started) void finish({ type: 'status', state: 'failed', ...position }, 1);
    return;
  }
  const request = parsed.data;
  switch (request.type) {
    case 'start':
      if (started) {
        void send({ type: 'failed', error: { code: 'bad-config', message: 'this worker already runs a training; fork another' } });
        return;
      }
      start(request.config, request.snapshotIntervalMs).catch((e: unknown) => {
        state = 'failed';
        void finish({ type: 'failed', error: errorMessage(e) }, 1);
      });
      return;
    case 'pause':
      control.pause();
      if (state === 'running') state = 'paused';
      void send({ type: 'status', state, ...position });
      return;
    case 'resume':
      control.resume();
      if (state === 'paused') state = 'running';
      void send({ type: 'status', state, ...position });
      return;
    case 'stop':
      control.stop();
      if (state === 'running' || state === 'paused' || state === 'loading') state = 'stopping';
      void send({ type: 'status', state, ...position });
      if (!started) void finish({ type: 'status', state: 'finished', ...position }, 0);
      return;
    case 'status':
      void send({ type: 'status', state, ...position });
      return;
    default:
      throw new Error(`unhandled request ${(request as { type: string }).type}`);
  }
}

port.onMessage(onRequest);
port.onDisconnect(() => {
  control.stop();
  setTimeout(() => process.exit(0), 2000).unref();
});
process.on('uncaughtException', (e) => void finish({ type: 'failed', error: errorMessage(e) }, 1));
process.on('unhandledRejection', (e) => void finish({ type: 'failed', error: errorMessage(e) }, 1));
void send({ type: 'ready', pid: process.pid });
