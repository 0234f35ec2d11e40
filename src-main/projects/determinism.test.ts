/**
 * Runs in a project with the real engine (in-process runTrainingSession, cpu backend, tiny
 * circuit): two runs of one configuration, a rerun from run.json, and a stopped-then-resumed
 * run all give bitwise the same per-epoch metrics (timings aside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochLine } from '../../src-shared/project';
import type { TrainEvent } from '../../src-shared/events';
import { TrainControl } from '../engine/training/trainer';
import { rerunRun, resumeRun, startRun } from './launch';
import type { NewRun } from './launch';
import { readMetrics } from './metrics';
import { createProject } from './project';
import type { Project } from './project';
import { readRun } from './runs';
import { tempDir, tinyCircuit } from './testing';

let dir: string;
let project: Project;
beforeAll(() => {
  dir = tempDir('determinism');
  project = createProject(dir);
});
afterAll(() => {
  project.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const spec: NewRun = { circuit: tinyCircuit({ epochs: 3 }), backend: 'cpu', trainLimit: 128, testLimit: 64 };

/** Per-epoch metrics without the wall-clock fields. */
function results(id: string): Omit<EpochLine, 'seconds' | 'samplesPerSecond'>[] {
  return readMetrics(path.join(dir, 'runs', id, 'metrics.jsonl')).epochs.map(({ seconds: _s, samplesPerSecond: _p, alignmentSeconds: _a, ...rest }) => rest);
}

describe('cpu runs are reproducible bitwise', () => {
  let first: string;

  it('two runs of the same configuration give identical metrics', async () => {
    first = (await startRun(project, spec, { control: new TrainControl() })).id;
    const second = (await startRun(project, spec, { control: new TrainControl() })).id;
    expect(results(first)).toHaveLength(3);
    expect(results(second)).toEqual(results(first));
  });

  it('a rerun from run.json gives identical metrics', async () => {
    const again = await rerunRun(project, first, { control: new TrainControl() });
    expect(readRun(project, again.id)).toMatchObject({ rerunOf: first, status: 'completed', warnings: [] });
    expect(results(again.id)).toEqual(results(first));
  });

  it('a run stopped after epoch 1 and resumed gives identical metrics', async () => {
    const control = new TrainControl();
    const onEvent = (e: TrainEvent) => e.event === 'epoch' && e.epoch === 1 && control.stop();
    const stopped = await startRun(project, spec, { control, onEvent });
    expect(stopped.status).toBe('stopped');
    expect(results(stopped.id)).toHaveLength(1);
    const resumed = await resumeRun(project, stopped.id, { control: new TrainControl() });
    expect(resumed.status).toBe('completed');
    expect(readRun(project, stopped.id).resumes).toMatchObject([{ fromEpoch: 1, previousStatus: 'stopped' }]);
    expect(results(stopped.id)).toEqual(results(first));
  });
});
