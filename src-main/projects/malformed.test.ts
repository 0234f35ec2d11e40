/**
 * Malformed project files. Each case damages one file of a project holding one circuit and
 * one finished run, then checks the error names the file (and the line or JSON path) and
 * says what is wrong. The cases tried are the test names below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainControl } from '../engine/training/trainer';
import { resumePoint } from './checkpoints';
import { listCircuits, readCircuit, saveCircuit } from './circuits';
import { ProjectError } from './errors';
import { readMetrics, tailWarning } from './metrics';
import { createProject, openProject } from './project';
import { listRuns, readRun } from './runs';
import { startRun } from './launch';
import { TINY_CIRCUIT, fakeSession, tempDir, tinyCircuit } from './testing';

let template: string;
let runId: string;
beforeAll(async () => {
  template = tempDir('malformed-template');
  const p = createProject(template, { name: 'template' });
  saveCircuit(p, 'tiny', TINY_CIRCUIT);
  runId = (await startRun(p, { circuit: tinyCircuit({ epochs: 4 }), id: 'run-1' }, { control: new TrainControl(), session: fakeSession() })).id;
  p.close();
});
afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

/** A fresh copy of the template project. */
function copy(): string {
  const dir = tempDir('malformed');
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

const edit = (file: string, change: (text: string) => string | Buffer) => fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
const editJson = (file: string, change: (doc: Record<string, unknown>) => unknown) => edit(file, (t) => JSON.stringify(change(JSON.parse(t) as Record<string, unknown>)));

/** What a case does to the project (`f` resolves a path in it) and what must happen. */
interface Case {
  readonly name: string;
  readonly file: string;
  readonly damage: (file: string) => void;
  /** the operation that must fail (or warn), returning its message */
  readonly check: (dir: string) => string;
  readonly message: RegExp;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectError);
    return (e as ProjectError).message;
  }
  throw new Error('expected an error');
}

const open = (dir: string) => errorOf(() => openProject(dir, { readOnly: true }));
const runError = (dir: string) => {
  const p = openProject(dir, { readOnly: true });
  const listed = listRuns(p).problems.map((x) => x.message).join('\n');
  const read = errorOf(() => readRun(p, 'run-1'));
  expect(listed).toBe(read);
  return read;
};
const metricsError = (dir: string) => errorOf(() => readMetrics(path.join(dir, 'runs', 'run-1', 'metrics.jsonl')));
const circuitError = (dir: string) => {
  const p = openProject(dir, { readOnly: true });
  expect(listCircuits(p).problems.map((x) => x.message).join()).toBe(errorOf(() => readCircuit(p, 'tiny')));
  return errorOf(() => readCircuit(p, 'tiny'));
};

const CASES: Case[] = [
  { name: 'apical.json truncated', file: 'apical.json', damage: (f) => edit(f, (t) => t.slice(0, t.length / 2)), check: open, message: /apical\.json is not valid JSON \(truncated\?\)/ },
  { name: 'apical.json empty', file: 'apical.json', damage: (f) => fs.writeFileSync(f, ''), check: open, message: /apical\.json is empty/ },
  { name: 'apical.json not an object', file: 'apical.json', damage: (f) => fs.writeFileSync(f, '[1, 2]'), check: open, message: /apical\.json is not a JSON object/ },
  { name: 'apical.json wrong types', file: 'apical.json', damage: (f) => editJson(f, (d) => ({ ...d, name: 42, created: null })), check: open, message: /apical\.json is not a valid Apical project file: name: .*number.*; created:/ },
  { name: 'apical.json foreign format', file: 'apical.json', damage: (f) => editJson(f, (d) => ({ ...d, format: 'other.tool' })), check: open, message: /apical\.json is not an Apical project file \(format is "other\.tool", expected "apical\.project"\)/ },
  { name: 'apical.json version not a number', file: 'apical.json', damage: (f) => editJson(f, (d) => ({ ...d, version: 'one' })), check: open, message: /apical\.json: version must be a non-negative integer, got "one"/ },
  {
    name: 'apical.json unknown (newer) version: read-only', file: 'apical.json', damage: (f) => editJson(f, (d) => ({ ...d, version: 7 })),
    check: (dir) => openProject(dir).readOnlyReason ?? '', message: /apical\.json has format version 7, newer than this Apical knows \(1\); it is opened read-only/,
  },
  { name: 'apical.json older version without a migration', file: 'apical.json', damage: (f) => editJson(f, (d) => ({ ...d, version: 0 })), check: open, message: /apical\.json: format version 0 is older than this Apical can migrate/ },
  { name: 'run.json truncated', file: 'runs/run-1/run.json', damage: (f) => edit(f, (t) => t.slice(0, 100)), check: runError, message: /runs\/run-1\/run\.json is not valid JSON \(truncated\?\)/ },
  { name: 'run.json wrong types', file: 'runs/run-1/run.json', damage: (f) => editJson(f, (d) => ({ ...d, status: 'exploded', seed: 'x' })), check: runError, message: /run\.json is not a valid run record: status: .*; seed: .*number/ },
  { name: 'run.json invalid circuit inside', file: 'runs/run-1/run.json', damage: (f) => editJson(f, (d) => ({ ...d, circuit: { ...(d.circuit as object), layers: [{ kind: 'dense', units: -1 }] } })), check: runError, message: /run\.json is not a valid run record: circuit\.layers\[0\]\.units/ },
  { name: 'run.json unknown (newer) version', file: 'runs/run-1/run.json', damage: (f) => editJson(f, (d) => ({ ...d, version: 2 })), check: runError, message: /run\.json has format version 2, newer than this Apical knows \(1\)/ },
  { name: 'run.json foreign format', file: 'runs/run-1/run.json', damage: (f) => editJson(f, (d) => ({ ...d, format: undefined })), check: runError, message: /run\.json is not an Apical run record \(format is null/ },
  { name: 'metrics.jsonl garbage line', file: 'runs/run-1/metrics.jsonl', damage: (f) => edit(f, (t) => t.replace('\n', '\nnot json at all\n')), check: metricsError, message: /metrics\.jsonl:2: not valid JSON .*'not json at all'/ },
  { name: 'metrics.jsonl binary garbage', file: 'runs/run-1/metrics.jsonl', damage: (f) => fs.writeFileSync(f, Buffer.from([0xff, 0x00, 0x13, 0x0a, 0x7b, 0x0a])), check: metricsError, message: /metrics\.jsonl:1: not valid JSON/ },
  { name: 'metrics.jsonl wrong types', file: 'runs/run-1/metrics.jsonl', damage: (f) => edit(f, (t) => t.replace('"epoch":1', '"epoch":"one"')), check: metricsError, message: /metrics\.jsonl:1: not a metrics record: epoch: / },
  { name: 'metrics.jsonl epochs out of order', file: 'runs/run-1/metrics.jsonl', damage: (f) => edit(f, (t) => t.replace('"epoch":3', '"epoch":5')), check: metricsError, message: /metrics\.jsonl:3: epoch 5 where epoch 3 was expected/ },
  {
    name: 'metrics.jsonl truncated last line: tolerated and reported', file: 'runs/run-1/metrics.jsonl', damage: (f) => edit(f, (t) => t.slice(0, t.length - 30)),
    check: (dir) => {
      const file = path.join(dir, 'runs', 'run-1', 'metrics.jsonl');
      const content = readMetrics(file);
      expect(content.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
      return tailWarning(file, content) ?? '';
    },
    message: /metrics\.jsonl: ignored an incomplete last line \(\d+ bytes, '\{"event":"epoch","epoch":4,/,
  },
  { name: 'circuit truncated', file: 'circuits/tiny.json', damage: (f) => edit(f, (t) => t.slice(0, 20)), check: circuitError, message: /circuits\/tiny\.json is not valid JSON \(truncated\?\)/ },
  { name: 'circuit wrong types', file: 'circuits/tiny.json', damage: (f) => editJson(f, (d) => ({ ...d, layers: 'many', steps: -1 })), check: circuitError, message: /circuits\/tiny\.json is not a valid circuit: layers: .*; steps: / },
  { name: 'lock file garbage', file: 'apical.lock', damage: (f) => fs.writeFileSync(f, 'garbage'), check: (dir) => errorOf(() => openProject(dir)), message: /apical\.lock is not a lock file Apical wrote; if no Apical process uses this project, delete it/ },
  {
    name: 'latest checkpoint truncated: a resume uses the newest intact one', file: 'runs/run-1/checkpoints/latest.safetensors',
    damage: (f) => fs.truncateSync(f, 100), check: (dir) => resumePoint(path.join(dir, 'runs', 'run-1'), 4)?.file ?? '', message: /^checkpoints\/epoch-0004\.safetensors$/,
  },
];

describe(`malformed files (${CASES.length} cases)`, () => {
  it.each(CASES)('$name', (c) => {
    const dir = copy();
    try {
      c.damage(path.join(dir, c.file));
      const message = c.check(dir);
      expect(message).toMatch(c.message);
      if (!c.name.includes('checkpoint')) expect(message).toContain(path.basename(c.file));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the run id is the one the cases damage', () => expect(runId).toBe('run-1'));
});
