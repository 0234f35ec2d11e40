/**
 * Projects: create/open/rename/delete, the one-writer lock (live owner, stale owner,
 * read-only), format versions (newer: read-only; older: migrated with a backup), circuits.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_FORMAT_VERSION } from '../../src-shared/project';
import { circuitNames, deleteCircuit, listCircuits, readCircuit, renameCircuit, saveCircuit } from './circuits';
import { LOCK_FILE, processStart } from './lock';
import type { Migration } from './migrate';
import { createProject, deleteProject, openProject } from './project';
import { readRun } from './runs';
import { TINY_CIRCUIT, tempDir } from './testing';

let dir: string;
let sleeper: ChildProcess | null = null;
beforeEach(() => {
  dir = path.join(tempDir('project'), 'p');
});
afterEach(() => {
  sleeper?.kill('SIGKILL');
  sleeper = null;
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, JSON.stringify(value));
const readJsonFile = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('create, open, rename, delete', () => {
  it('creates the layout and reopens it', () => {
    const p = createProject(dir, { description: 'first' });
    expect(p.info).toMatchObject({ format: 'apical.project', version: PROJECT_FORMAT_VERSION, name: 'p', description: 'first' });
    expect(fs.readdirSync(dir).sort()).toEqual(['apical.json', 'apical.lock', 'circuits', 'runs']);
    p.rename('Better name');
    p.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = openProject(dir);
    expect(again.info.name).toBe('Better name');
    expect(() => again.rename('a/b')).toThrow(/path separator/);
    again.close();
    expect(() => createProject(dir)).toThrow(/already an Apical project/);
  });

  it('delete removes only the project files and keeps others (a .git folder)', () => {
    createProject(dir).close();
    fs.mkdirSync(path.join(dir, '.git'));
    expect(deleteProject(dir)).toEqual(['.git']);
    expect(fs.readdirSync(dir)).toEqual(['.git']);
    fs.rmSync(path.join(dir, '.git'), { recursive: true });
    createProject(dir).close();
    expect(deleteProject(dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('explains a folder that is not a project', () => {
    fs.mkdirSync(dir, { recursive: true });
    expect(() => openProject(dir)).toThrow(/is not an Apical project \(no apical.json\)/);
    expect(() => openProject(path.join(dir, 'missing'))).toThrow(/does not exist/);
  });
});

describe('the one-writer lock', () => {
  it('a second writer in this process is refused with an "open read-only?" answer; read-only works', () => {
    const p = createProject(dir);
    expect(() => openProject(dir)).toThrow(/is open in another Apical process \d+ on .*Open it read-only \(--read-only\)\?/);
    const reader = openProject(dir, { readOnly: true });
    expect(reader.readOnly).toBe(true);
    expect(() => saveCircuit(reader, 'x', TINY_CIRCUIT)).toThrow(/read-only/);
    p.close();
  });

  it('a live process on this host holds it; a dead one is taken over', async () => {
    createProject(dir).close();
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await new Promise((r) => sleeper?.once('spawn', r));
    const pid = sleeper.pid as number;
    const lock = { pid, host: os.hostname(), procStart: processStart(pid), since: 'then', token: 'abc' };
    writeJson(path.join(dir, LOCK_FILE), lock);
    expect(() => openProject(dir)).toThrow(new RegExp(`process ${pid} on ${os.hostname()}.*--read-only`));
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper?.once('exit', r));
    const p = openProject(dir);
    expect(p.notices.join()).toMatch(new RegExp(`took over the stale lock of process ${pid}`));
    expect(readJsonFile(path.join(dir, LOCK_FILE)).pid).toBe(process.pid);
    p.close();
  });

  it('a reused pid (same pid, other start time) is stale; a lock from another host is not', () => {
    createProject(dir).close();
    writeJson(path.join(dir, LOCK_FILE), { pid: process.ppid, host: os.hostname(), procStart: 'not-its-start', since: 'then', token: 'x' });
    if (processStart(process.ppid) !== null) openProject(dir).close();
    writeJson(path.join(dir, LOCK_FILE), { pid: 1, host: 'another-machine', procStart: null, since: 'then', token: 'y' });
    expect(() => openProject(dir)).toThrow(/on another-machine.*If that machine no longer runs Apical, delete .*apical\.lock/);
  });
});

describe('format versions', () => {
  it('a newer format opens read-only with the reason', () => {
    createProject(dir).close();
    const file = path.join(dir, 'apical.json');
    writeJson(file, { ...readJsonFile(file), version: PROJECT_FORMAT_VERSION + 1, futureField: true });
    const p = openProject(dir);
    expect(p.readOnly).toBe(true);
    expect(p.readOnlyReason).toMatch(/format version 2, newer than this Apical knows \(1\); it is opened read-only/);
    expect(() => p.rename('x')).toThrow(/cannot change the project: .*apical\.json has format version 2/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('an older format is migrated, keeping a backup; read-only opens migrate in memory only', () => {
    createProject(dir).close();
    const file = path.join(dir, 'apical.json');
    const { name: _name, ...v1 } = readJsonFile(file);
    writeJson(file, { ...v1, version: 0, title: 'Old title' });
    const runDir = path.join(dir, 'runs', 'old-run');
    fs.mkdirSync(runDir, { recursive: true });
    writeJson(path.join(runDir, 'run.json'), { ...oldRun(), version: 0 });
    const migrations: Migration[] = [{
      from: 0, summary: 'title became name',
      project: ({ title, ...rest }) => ({ ...rest, name: title }),
      run: (doc) => ({ ...doc, tags: ['migrated'] }),
    }];
    const reader = openProject(dir, { readOnly: true, migrations });
    expect(reader.info.name).toBe('Old title');
    expect(readRun(reader, 'old-run').tags).toEqual(['migrated']);
    expect(readJsonFile(file).version).toBe(0);
    const p = openProject(dir, { migrations });
    expect(p.notices.join()).toMatch(/migrated from format version 0 to 1 \(v0 -> v1: title became name\); the old files are in .*backups\/format-v0-/);
    expect(readJsonFile(file)).toMatchObject({ version: 1, name: 'Old title' });
    expect(readJsonFile(path.join(runDir, 'run.json'))).toMatchObject({ version: 1, tags: ['migrated'] });
    const [backup] = fs.readdirSync(path.join(dir, 'backups'));
    expect(readJsonFile(path.join(dir, 'backups', backup, 'apical.json'))).toMatchObject({ version: 0, title: 'Old title' });
    expect(readJsonFile(path.join(dir, 'backups', backup, 'runs', 'old-run', 'run.json')).version).toBe(0);
    p.close();
    expect(() => openProject(path.join(dir), { migrations: [] }).close()).not.toThrow();
  });
});

describe('circuits', () => {
  it('add, list, show, rename, delete, with name checks and case clashes', () => {
    const p = createProject(dir);
    saveCircuit(p, 'tiny', TINY_CIRCUIT);
    expect(readCircuit(p, 'tiny').layers).toEqual(TINY_CIRCUIT.layers);
    expect(() => saveCircuit(p, 'tiny', TINY_CIRCUIT)).toThrow(/exists already/);
    expect(() => saveCircuit(p, 'TINY', TINY_CIRCUIT)).toThrow(/differing only in case/);
    saveCircuit(p, 'tiny', { ...TINY_CIRCUIT, epochs: 9 }, { overwrite: true });
    expect(() => saveCircuit(p, '../up', TINY_CIRCUIT)).toThrow(/path separator/);
    expect(() => saveCircuit(p, 'AUX', TINY_CIRCUIT)).toThrow(/reserved device name/);
    expect(() => saveCircuit(p, 'bad', { layers: [] })).toThrow(/circuit 'bad' is not a valid circuit: layers:/);
    renameCircuit(p, 'tiny', 'small');
    expect(circuitNames(p)).toEqual(['small']);
    expect(listCircuits(p).circuits[0].circuit.epochs).toBe(9);
    deleteCircuit(p, 'small');
    expect(() => readCircuit(p, 'small')).toThrow(/no circuit 'small' .*there are none/);
    p.close();
  });
});

function oldRun(): Record<string, unknown> {
  return {
    format: 'apical.run', id: 'old-run', status: 'completed', circuitName: null, circuit: TINY_CIRCUIT, rule: 'frsf', seed: 1,
    config: { backend: 'cpu', trainLimit: null, testLimit: null, keepCheckpoints: 3 }, dataset: null, backend: null, appVersion: '0.0.1',
    created: '2026-01-01T00:00:00Z', ended: null, process: null, failure: null, tags: [], resumes: [], rerunOf: null,
    progress: { epochs: 0, testAccuracy: null, bestTestAccuracy: null }, warnings: [],
  };
}
