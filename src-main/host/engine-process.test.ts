import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../src-shared/events';
import type { WorkerExit, WorkerMessage } from '../../src-shared/worker-protocol';
import { parseCircuit } from '../../src-shared/circuit';
import { runConfigSchema } from '../../src-shared/run-config';
import { TrainControl } from '../engine/training/trainer';
import { EngineProcess, WorkerExitError, classifyExit } from './engine-process';
import { runTraining } from './run-in-worker';

/** A small MNIST run: a few batches per epoch, fast on the cpu backend. */
function tinyConfig(epochs = 2, trainLimit = 256) {
  const circuit = parseCircuit({ layers: [{ kind: 'dense', units: 32 }, { kind: 'dense', units: 10 }], batch: 32, epochs, steps: 4, rule: { name: 'frsf' } });
  return runConfigSchema.parse({ circuit, backend: 'cpu', trainLimit, testLimit: 64 });
}

function collect(worker: EngineProcess): WorkerMessage[] {
  const messages: WorkerMessage[] = [];
  worker.onMessage((m) => messages.push(m));
  return messages;
}

function waitFor(worker: EngineProcess, predicate: (m: WorkerMessage) => boolean, ms = 30_000): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a worker message')), ms);
    const off = worker.onMessage((m) => {
      if (predicate(m)) {
        clearTimeout(timer);
        off();
        resolve(m);
      }
    });
  });
}

const exitOf = (worker: EngineProcess) => new Promise<WorkerExit>((resolve) => worker.onExit(resolve));

describe('engine worker process', () => {
  it('runs a training to completion and reports every epoch', async () => {
    const events: TrainEvent[] = [];
    const result = await runTraining(tinyConfig(2), { onEvent: (e) => events.push(e) });
    expect(result.status).toBe('completed');
    expect(result.epochs).toBe(2);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(2);
    expect(events.at(-1)?.event).toBe('done');
    expect(result.testAccuracy).toBeGreaterThan(0.1);
  });

  it('pauses (no progress while paused) and resumes to completion', async () => {
    const worker = new EngineProcess();
    const messages = collect(worker);
    await worker.ready;
    worker.send({ type: 'start', config: tinyConfig(3, 1024) });
    await waitFor(worker, (m) => m.type === 'event' && m.event.event === 'progress' && m.event.phase === 'train');
    worker.send({ type: 'pause' });
    const paused = await waitFor(worker, (m) => m.type === 'status');
    expect(paused.type === 'status' && paused.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    const before = messages.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(messages.slice(before).filter((m) => m.type === 'event' && m.event.event === 'progress')).toHaveLength(0);
    worker.send({ type: 'resume' });
    const finished = await waitFor(worker, (m) => m.type === 'finished', 60_000);
    expect(finished.type === 'finished' && finished.result.status).toBe('completed');
    expect((await exitOf(worker)).reason).toBe('exited');
  });

  it('stops mid-run with status stopped', async () => {
    const control = new TrainControl();
    const result = await runTraining(tinyConfig(50, 1024), {
      control,
      onEvent: (e) => {
        if (e.event === 'progress' && e.phase === 'train') control.stop();
      },
    });
    expect(result.status).toBe('stopped');
    expect(result.epochs).toBeLessThan(50);
  });

  it('answers a bad config with a clear error frame naming the path', async () => {
    const worker = new EngineProcess();
    await worker.ready;
    const failed = waitFor(worker, (m) => m.type === 'failed');
    worker.send({ type: 'start', config: { circuit: { layers: [{ kind: 'dense', units: -1 }] } } as never });
    const frame = await failed;
    expect(frame.type === 'failed' && frame.error.code).toBe('bad-config');
    expect(frame.type === 'failed' && frame.error.message).toMatch(/config\.circuit\.layers\[0\]\.units/);
    expect((await exitOf(worker)).reason).toBe('crashed');
  });

  it('reports a kill -9 mid-run within 2 s as killed', async () => {
    const worker = new EngineProcess();
    await worker.ready;
    worker.send({ type: 'start', config: tinyConfig(50, 2048) });
    await waitFor(worker, (m) => m.type === 'event' && m.event.event === 'progress');
    const exit = exitOf(worker);
    const t0 = Date.now();
    process.kill(worker.pid as number, 'SIGKILL');
    const e = await exit;
    expect(e.reason).toBe('killed');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('rejects runTraining with a typed WorkerExitError when the worker dies', async () => {
    const worker = new EngineProcess();
    const run = runTraining(tinyConfig(50, 2048), {
      process: worker,
      onEvent: (e) => {
        if (e.event === 'progress') worker.kill();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exit.reason).toBe('killed');
  });

  it('classifies exits', () => {
    expect(classifyExit(null, 'SIGABRT', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', true)).toBe('oom');
    expect(classifyExit(1, null, 'SyntaxError', false)).toBe('launch-failed');
    expect(classifyExit(null, 'SIGSEGV', '', true)).toBe('crashed');
    expect(classifyExit(0, null, '', true)).toBe('exited');
  });
});
