/**
 * Starting, stopping, failing and resuming runs, with a fake session (instant, no tfjs
 * training) that writes real checkpoints in the engine's order: checkpoint, then event.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrainControl } from '../engine/training/trainer';
import { createProject, openProject } from './project';
import type { Project } from './project';
import { readMetrics } from './metrics';
import { getRun, listRuns, readRun, writeRun } from './runs';
import { rerunRun, resumeRun, startRun } from './launch';
import { fakeEpoch, fakeSession, tempDir, tinyCircuit, writeFakeCheckpoint } from './testing';

let dir: string;
let project: Project;
beforeEach(() => {
  dir = tempDir('launch');
  project = createProject(dir, { name: 'launch' });
});
afterEach(() => {
  project.close();
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const metricsOf = (id: string) => readMetrics(path.join(dir, 'runs', id, 'metrics.jsonl'));

describe('startRun', () => {
  it('records the snapshot, every epoch and the end', async () => {
    const circuit = tinyCircuit({ epochs: 4, seed: 5 });
    const outcome = await startRun(project, { circuit, circuitName: 'tiny', backend: 'cpu', trainLimit: 10, tags: ['a'] }, { control: new TrainControl(), session: fakeSession() });
    expect(outcome.status).toBe('completed');
    const run = readRun(project, outcome.id);
    expect(run).toMatchObject({
      status: 'completed', circuitName: 'tiny', rule: 'frsf', seed: 5, tags: ['a'], failure: null, process: null,
      config: { backend: 'cpu', trainLimit: 10, testLimit: null }, dataset: { hash: 'a'.repeat(64) }, backend: { name: 'cpu' },
      appVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), progress: { epochs: 4 },
    });
    expect(run.circuit).toEqual(circuit);
    expect(run.ended).not.toBeNull();
    expect(metricsOf(outcome.id).epochs).toEqual([1, 2, 3, 4].map((e) => fakeEpoch(5, e)));
    expect(fs.readFileSync(path.join(dir, 'runs', outcome.id, 'notes.md'), 'utf8')).toContain(outcome.id);
  });

  it('rejects bad run ids and tags before creating anything', async () => {
    const hooks = { control: new TrainControl(), session: fakeSession() };
    for (const id of ['../escape', 'a/b', '/abs', 'CON', 'nul.txt', 'x\u0001', '.hidden', 'trail.', '']) {
      await expect(startRun(project, { circuit: tinyCircuit(), id }, hooks)).rejects.toMatchObject({ code: 'bad-name' });
    }
    await expect(startRun(project, { circuit: tinyCircuit(), tags: ['ok', 'a\\b'] }, hooks)).rejects.toMatchObject({ code: 'bad-name' });
    expect(fs.readdirSync(path.join(dir, 'runs'))).toEqual([]);
  });

  it('a stop is recorded as stopped; an epoch the engine completed as the stop arrived is kept', async () => {
    const control = new TrainControl();
    const outcome = await startRun(project, { circuit: tinyCircuit({ epochs: 5 }) }, {
      control, session: fakeSession({ beforeEpochEvent: (e) => e === 3 && control.stop() }),
    });
    expect(outcome.status).toBe('stopped');
    expect(metricsOf(outcome.id).epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const resumed = await resumeRun(project, outcome.id, { control: new TrainControl(), session: fakeSession() });
    expect(resumed.status).toBe('completed');
    expect(readRun(project, outcome.id).resumes).toMatchObject([{ fromEpoch: 3, checkpoint: 'checkpoints/epoch-0003.safetensors', previousStatus: 'stopped' }]);
    expect(metricsOf(outcome.id).epochs).toEqual([1, 2, 3, 4, 5].map((e) => fakeEpoch(1, e)));
  });

  it('disk full while appending metrics: the run fails with the message and keeps what was written', async () => {
    const real = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    let appends = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...args: unknown[]) => {
      const data = args[1];
      if (Buffer.isBuffer(data) && data.toString().startsWith('{"event":"epoch"') && ++appends === 3) {
        real(args[0], data, 0, 7);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return real(...args);
    }) as typeof fs.writeSync);
    const outcome = await startRun(project, { circuit: tinyCircuit({ epochs: 6 }) }, { control: new TrainControl(), session: fakeSession() });
    vi.restoreAllMocks();
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(/metrics\.jsonl.*no space left on device/);
    const run = readRun(project, outcome.id);
    expect(run.failure).toMatchObject({ code: 'io', message: expect.stringMatching(/no space left on device/) });
    const metrics = metricsOf(outcome.id);
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(metrics.droppedTail?.bytes).toBe(7);
    const resumed = await resumeRun(project, outcome.id, { control: new TrainControl(), session: fakeSession() });
    expect(resumed.status).toBe('completed');
    expect(readRun(project, outcome.id).resumes[0]).toMatchObject({ fromEpoch: 2, droppedBytes: 7, previousStatus: 'failed' });
    expect(metricsOf(outcome.id).epochs).toEqual([1, 2, 3, 4, 5, 6].map((e) => fakeEpoch(1, e)));
  });

  it('a session error (disk full writing a checkpoint) fails the run with its message', async () => {
    const error = Object.assign(new Error('cannot write checkpoint: ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const outcome = await startRun(project, { circuit: tinyCircuit({ epochs: 4 }) }, { control: new TrainControl(), session: fakeSession({ failAt: { epoch: 3, error } }) });
    expect(outcome).toMatchObject({ status: 'failed', error });
    expect(readRun(project, outcome.id).failure).toEqual({ code: 'io', message: error.message });
    expect(metricsOf(outcome.id).epochs.length).toBe(2);
  });
});

describe('resumeRun', () => {
  it('starts from the newest checkpoint metrics have caught up with, and drops later epoch files', async () => {
    const control = new TrainControl();
    const first = await startRun(project, { circuit: tinyCircuit({ epochs: 6 }) }, { control, session: fakeSession({ beforeEpochEvent: (e) => e === 4 && control.stop() }) });
    const runDir = path.join(dir, 'runs', first.id);
    expect(fs.readdirSync(path.join(runDir, 'checkpoints')).sort()).toEqual(['epoch-0002.safetensors', 'epoch-0003.safetensors', 'epoch-0004.safetensors', 'latest.safetensors']);
    // the engine wrote checkpoint 4 but the process died before epoch 4's line: latest is ahead
    const metricsFile = path.join(runDir, 'metrics.jsonl');
    const lines = fs.readFileSync(metricsFile, 'utf8').split('\n').filter((l) => l && !l.includes('"epoch":4,') && !(l.includes('"event":"epoch"') && /"epoch":4\b/.test(l)));
    fs.writeFileSync(metricsFile, `${lines.join('\n')}\n`);
    writeRun(project, { ...readRun(project, first.id), status: 'interrupted' });
    const hooks = { control: new TrainControl(), session: fakeSession() };
    await resumeRun(project, first.id, hooks);
    const run = readRun(project, first.id);
    expect(run.resumes).toMatchObject([{ fromEpoch: 3, checkpoint: 'checkpoints/epoch-0003.safetensors', discardedEpochs: 0, previousStatus: 'interrupted' }]);
    expect(metricsOf(first.id).epochs).toEqual([1, 2, 3, 4, 5, 6].map((e) => fakeEpoch(1, e)));
  });

  it('cuts metrics back to the checkpoint when they are ahead of it', async () => {
    const outcome = await startRun(project, { circuit: tinyCircuit({ epochs: 3 }) }, { control: new TrainControl(), session: fakeSession() });
    const runDir = path.join(dir, 'runs', outcome.id);
    fs.rmSync(path.join(runDir, 'checkpoints'), { recursive: true });
    await writeFakeCheckpoint(path.join(runDir, 'checkpoints'), 1);
    writeRun(project, { ...readRun(project, outcome.id), status: 'interrupted' });
    await resumeRun(project, outcome.id, { control: new TrainControl(), session: fakeSession() });
    expect(readRun(project, outcome.id).resumes[0]).toMatchObject({ fromEpoch: 1, discardedEpochs: 2 });
    expect(metricsOf(outcome.id).epochs).toEqual([1, 2, 3].map((e) => fakeEpoch(1, e)));
  });

  it('refuses completed and running runs, and a different data set', async () => {
    const done = await startRun(project, { circuit: tinyCircuit() }, { control: new TrainControl(), session: fakeSession() });
    await expect(resumeRun(project, done.id, { control: new TrainControl(), session: fakeSession() })).rejects.toMatchObject({ code: 'conflict' });
    writeRun(project, { ...readRun(project, done.id), status: 'interrupted' });
    const other = await resumeRun(project, done.id, { control: new TrainControl(), session: fakeSession({ datasetHash: 'b'.repeat(64) }) });
    expect(other.status).toBe('failed');
    expect(readRun(project, done.id).failure).toMatchObject({ code: 'dataset', message: expect.stringMatching(/resuming on different data is refused/) });
  });

  it('a project reopened after its writer died shows the run interrupted, then records it', async () => {
    const outcome = await startRun(project, { circuit: tinyCircuit() }, { control: new TrainControl(), session: fakeSession() });
    writeRun(project, { ...readRun(project, outcome.id), status: 'running', process: { pid: 999_999_999, host: 'elsewhere', procStart: null } });
    project.close();
    const reader = openProject(dir, { readOnly: true });
    expect(getRun(reader, outcome.id).status).toBe('interrupted');
    expect(readRun(reader, outcome.id).status).toBe('running');
    project = openProject(dir);
    expect(project.notices.join('\n')).toMatch(/marked interrupted/);
    expect(listRuns(project, { status: ['interrupted'] }).runs.map((r) => r.id)).toEqual([outcome.id]);
  });
});

describe('rerunRun', () => {
  it('trains the recorded configuration again as a new run, optionally with another seed', async () => {
    const first = await startRun(project, { circuit: tinyCircuit({ seed: 3 }), trainLimit: 7 }, { control: new TrainControl(), session: fakeSession() });
    const again = await rerunRun(project, first.id, { control: new TrainControl(), session: fakeSession() }, { seed: 4 });
    const run = readRun(project, again.id);
    expect(run).toMatchObject({ rerunOf: first.id, seed: 4, config: { trainLimit: 7 }, status: 'completed' });
    expect({ ...run.circuit, seed: 3 }).toEqual(readRun(project, first.id).circuit);
    const warned = await rerunRun(project, first.id, { control: new TrainControl(), session: fakeSession({ datasetHash: 'c'.repeat(64) }) });
    expect(readRun(project, warned.id).warnings.join()).toMatch(/has hash cccccccccccc, but the run trained on aaaaaaaaaaaa/);
  });
});
