import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayloads, RunStateFrame } from '../../src-shared/contract';
import { ApiService } from './service';
import { FakeEngine } from './testing/fake-engine';
import type { FakeEngineOptions } from './testing/fake-engine';

const CIRCUIT = { layers: [{ kind: 'dense', units: 16 }, { kind: 'dense', units: 10 }], rule: { name: 'frsf' }, epochs: 3 };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function withProject(engine: FakeEngineOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-api-'));
  const api = new ApiService({ host: 'web', configDir: path.join(dir, 'config'), engine: () => new FakeEngine(engine) });
  const states: RunStateFrame[] = [];
  const frames: EventPayloads['runFrame'][] = [];
  api.on((event, payload) => {
    if (event === 'runState') states.push(payload as RunStateFrame);
    if (event === 'runFrame') frames.push(payload as EventPayloads['runFrame']);
  });
  cleanup.push(async () => {
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const created = await api.call('createProject', { dir: path.join(dir, 'project') });
  expect(created.ok).toBe(true);
  return { api, dir, states, frames };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ended = (states: RunStateFrame[], id: string) => states.find((s) => s.runId === id && ['completed', 'stopped', 'failed'].includes(s.state));

describe('ApiService', () => {
  it('answers invalid requests with bad-request and the JSON paths at fault', async () => {
    const api = new ApiService({ host: 'web', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'apical-api-')) });
    const r = await api.call('createProject', { dir: 5 });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request', issues: [{ path: 'dir' }] } });
    expect(await api.call('listRuns', {})).toMatchObject({ ok: false, error: { code: 'no-project' } });
    expect(await api.call('pickFolder', {})).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('validates circuits with the engine schema and keeps them in the project', async () => {
    const { api } = await withProject();
    const bad = await api.call('saveCircuit', { name: 'broken', circuit: { layers: [{ kind: 'dense', units: 0 }] } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-config', issues: [{ path: 'layers[0].units' }] } });
    expect((await api.call('saveCircuit', { name: 'small', circuit: CIRCUIT })).ok).toBe(true);
    expect((await api.call('duplicateCircuit', { from: 'small', to: 'small-2' })).ok).toBe(true);
    const list = await api.call('listCircuits', {});
    expect(list.ok && list.value.circuits.map((c) => `${c.name}: ${c.layers} ${c.rule}`)).toEqual(['small: 16 → 10 frsf', 'small-2: 16 → 10 frsf']);
    expect(await api.call('saveCircuit', { name: '../escape', circuit: CIRCUIT })).toMatchObject({ ok: false, error: { code: 'bad-name' } });
  });

  it('trains a run to completion, recording its epochs and confusion matrix', async () => {
    const { api, states, frames } = await withProject();
    const started = await api.call('startRun', { circuitName: null, circuit: CIRCUIT, backend: 'cpu' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    await until(() => !!ended(states, id), 'the run to end');
    expect(ended(states, id)?.state).toBe('completed');
    expect(frames.filter((f) => f.runId === id && f.event.event === 'epoch')).toHaveLength(3);
    const runs = await api.call('listRuns', {});
    expect(runs.ok && runs.value.runs.map((r) => [r.id, r.status, r.epochs])).toEqual([[id, 'completed', 3]]);
    const detail = await api.call('readRun', { id });
    expect(detail.ok && detail.value.epochs.length).toBe(3);
    expect(detail.ok && detail.value.confusion).toEqual([[3, 1], [0, 4]]);
    const compared = await api.call('compareRuns', { ids: [id], metric: 'testAccuracy' });
    expect(compared.ok && compared.value.series[0].mean).toHaveLength(3);
  });

  it('pauses, continues and stops a run; the run is listed as stopped with its metrics', async () => {
    const { api, states, frames } = await withProject({ epochMs: 30 });
    const started = await api.call('startRun', { circuitName: null, circuit: { ...CIRCUIT, epochs: 200 }, backend: 'cpu' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    const epochs = () => frames.filter((f) => f.runId === id && f.event.event === 'epoch').length;
    await until(() => epochs() >= 1, 'a first epoch');
    expect((await api.call('pauseRun', { id })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    const paused = epochs();
    await new Promise((r) => setTimeout(r, 150));
    expect(epochs()).toBe(paused);
    expect(states.filter((s) => s.runId === id).map((s) => s.state)).toContain('paused');
    expect(await api.call('closeProject', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await api.call('continueRun', { id })).ok).toBe(true);
    await until(() => epochs() > paused, 'training to continue');
    expect((await api.call('stopRun', { id })).ok).toBe(true);
    await until(() => !!ended(states, id), 'the run to stop');
    expect(ended(states, id)?.state).toBe('stopped');
    const runs = await api.call('listRuns', {});
    const run = runs.ok ? runs.value.runs[0] : null;
    expect(run).toMatchObject({ id, status: 'stopped', live: false, resumable: true });
    expect(run?.epochs).toBeGreaterThanOrEqual(1);
    expect(run?.testAccuracy).not.toBeNull();
  });

  it('resumes a stopped run in the same run folder', async () => {
    const { api, states, frames } = await withProject({ epochMs: 30 });
    const started = await api.call('startRun', { circuitName: null, circuit: { ...CIRCUIT, epochs: 4 }, backend: 'cpu' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    await until(() => frames.some((f) => f.runId === id && f.event.event === 'epoch'), 'a first epoch');
    await api.call('stopRun', { id });
    await until(() => !!ended(states, id), 'the stop');
    states.length = 0;
    expect((await api.call('resumeRun', { id })).ok).toBe(true);
    expect(await api.call('resumeRun', { id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await until(() => !!ended(states, id), 'the resumed run to end');
    const detail = await api.call('readRun', { id });
    expect(detail.ok && [detail.value.summary.status, detail.value.epochs.length, detail.value.record.resumes.length]).toEqual(['completed', 4, 1]);
  });

  it('marks a run failed with the engine process exit reason', async () => {
    const { api, states } = await withProject({ crashAfter: { epochs: 1, reason: 'oom' } });
    const started = await api.call('startRun', { circuitName: null, circuit: CIRCUIT, backend: 'cpu' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    await until(() => !!ended(states, id), 'the crash');
    expect(ended(states, id)).toMatchObject({ state: 'failed', failure: { code: 'oom' } });
    const detail = await api.call('readRun', { id });
    expect(detail.ok && detail.value.record).toMatchObject({ status: 'failed', failure: { code: 'oom' } });
    expect(detail.ok && detail.value.record.failure?.message).toContain('ran out of memory');
  });

  it('remembers recent projects', async () => {
    const { api, dir } = await withProject();
    const recent = await api.call('recentProjects', {});
    expect(recent.ok && recent.value.map((r) => r.dir)).toEqual([path.join(dir, 'project')]);
  });
});
