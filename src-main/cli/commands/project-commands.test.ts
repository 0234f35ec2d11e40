/**
 * The project, circuits and runs commands, run in-process (output captured): --help, --json,
 * text output, and errors that name the file. Runs are made with a fake session; `train
 * --project` and `runs resume` through the real CLI are covered by the fault test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrainControl } from '../../engine/training/trainer';
import { createProject, startRun } from '../../projects';
import { fakeSession, tempDir, tinyCircuit, TINY_CIRCUIT } from '../../projects/testing';
import type { Command } from '../command';
import { circuitsCommand } from './circuits';
import { projectCommand } from './project';
import { runsCommand } from './runs';

let root: string;
let dir: string;
const ids: string[] = [];
beforeAll(async () => {
  root = tempDir('cli');
  dir = path.join(root, 'proj');
  const p = createProject(dir, { name: 'cli' });
  for (const seed of [1, 2]) ids.push((await startRun(p, { circuit: tinyCircuit({ seed }), id: `run-s${seed}`, tags: ['pair'] }, { control: new TrainControl(), session: fakeSession() })).id);
  ids.push((await startRun(p, { circuit: tinyCircuit({ rule: { name: 'bptt' } }), id: 'run-bptt' }, { control: new TrainControl(), session: fakeSession() })).id);
  p.close();
  fs.writeFileSync(path.join(root, 'tiny.json'), JSON.stringify(TINY_CIRCUIT));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs a command in-process; returns its exit code and what it printed. */
async function run(command: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const ewrite = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await command.run(argv);
    return { code, out, err };
  } finally {
    log.mockRestore();
    write.mockRestore();
    ewrite.mockRestore();
  }
}

describe('help', () => {
  it.each([projectCommand, circuitsCommand, runsCommand])('$name --help', async (command) => {
    const { code, out } = await run(command, ['--help']);
    expect(code).toBe(0);
    expect(out).toContain(`apical ${command.name} <`);
    expect(out).toContain('--json');
  });
});

describe('project and circuits', () => {
  it('create, add a circuit, list, show', async () => {
    const other = path.join(root, 'other');
    expect(JSON.parse((await run(projectCommand, ['create', other, '--name', 'Other', '--json'])).out)).toMatchObject({ name: 'Other', version: 1, runs: 0 });
    expect((await run(circuitsCommand, ['add', '--project', other, 'tiny', '--file', path.join(root, 'tiny.json')])).out).toMatch(/saved circuit 'tiny' \(frsf, 16-10\)/);
    expect((await run(circuitsCommand, ['add', '--project', other, 'mlp', '--template', 'mnist-mlp'])).code).toBe(0);
    const list = JSON.parse((await run(circuitsCommand, ['list', '--project', other, '--json'])).out) as { circuits: { name: string }[] };
    expect(list.circuits.map((c) => c.name)).toEqual(['mlp', 'tiny']);
    expect((await run(circuitsCommand, ['list', '--project', other])).out).toMatch(/tiny\s+frsf\s+16-10\s+mnist/);
    expect(JSON.parse((await run(circuitsCommand, ['show', '--project', other, 'tiny', '--json'])).out).circuit.steps).toBe(4);
    const show = await run(projectCommand, ['show', other]);
    expect(show.out).toMatch(/project\s+Other/);
    expect(show.out).toMatch(/circuits\s+mlp, tiny/);
  });

  it('errors name what is wrong, with --json as one error object', async () => {
    const bad = await run(circuitsCommand, ['add', '--project', dir, '../up', '--file', path.join(root, 'tiny.json'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ event: 'error', code: 'bad-name', message: expect.stringMatching(/path separator/) });
    const missing = await run(projectCommand, ['show', path.join(root, 'nope')]);
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/nope does not exist/) });
  });
});

describe('runs', () => {
  it('list with filters, text and JSON', async () => {
    const text = (await run(runsCommand, ['list', '--project', dir])).out;
    expect(text).toMatch(/ID\s+STATUS\s+RULE/);
    expect(text).toMatch(/run-bptt\s+completed\s+bptt\s+mnist/);
    const json = JSON.parse((await run(runsCommand, ['list', '--project', dir, '--tag', 'pair', '--status', 'completed', '--json'])).out) as { runs: { id: string }[] };
    expect(json.runs.map((r) => r.id)).toEqual(['run-s1', 'run-s2']);
    expect(JSON.parse((await run(runsCommand, ['list', '--project', dir, '--rule', 'bptt', '--json'])).out).runs).toHaveLength(1);
  });

  it('show', async () => {
    const { out } = await run(runsCommand, ['show', '--project', dir, 'run-s1']);
    expect(out).toMatch(/status\s+completed/);
    expect(out).toMatch(/dataset\s+mnist, 10 train \/ 10 test \(sha256 aaaaaaaaaaaa\)/);
    expect(out).toMatch(/checkpoints\s+epoch-0003\.safetensors \(epoch 3\)/);
    expect(JSON.parse((await run(runsCommand, ['show', '--project', dir, 'run-s1', '--json'])).out).epochs).toHaveLength(3);
  });

  it('compare: mean ± SD for the runs that differ only in seed', async () => {
    const { out } = await run(runsCommand, ['compare', '--project', dir, 'run-s1', 'run-s2', 'run-bptt']);
    expect(out).toMatch(/G1 = \[1\] \[2\]: same configuration, seeds 1, 2/);
    // fake accuracies: (7 seed + 13 epoch) % 100 -> epoch 1: 20 and 27 -> 23.50 ± 4.95
    expect(out).toMatch(/1\s+20\.00\s+27\.00\s+20\.00\s+23\.50 ± 4\.95 \(2\)/);
    expect(out).toMatch(/differences: .*circuit\.rule\.name: "frsf" \| "frsf" \| "bptt"/);
    const json = JSON.parse((await run(runsCommand, ['compare', '--project', dir, '--tag', 'pair', '--metric', 'loss', '--json'])).out);
    expect(json).toMatchObject({ metric: 'loss', epochs: 3, groups: [{ runs: ['run-s1', 'run-s2'] }] });
  });

  it('a locked project asks "open read-only?", and --read-only reads it', async () => {
    const { openProject } = await import('../../projects');
    const holder = openProject(dir);
    try {
      const locked = await run(runsCommand, ['list', '--project', dir]);
      expect(locked).toMatchObject({ code: 1, err: expect.stringMatching(/is open in another Apical process .*Open it read-only \(--read-only\)\?/) });
      expect((await run(runsCommand, ['list', '--project', dir, '--read-only'])).code).toBe(0);
      await expect(run(runsCommand, ['resume', '--project', dir, 'run-s1', '--read-only'])).rejects.toThrow(/--read-only does not apply/);
    } finally {
      holder.close();
    }
  });

  it('a malformed run.json is named in the error', async () => {
    const file = path.join(dir, 'runs', 'run-bptt', 'run.json');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, 50));
    try {
      const shown = await run(runsCommand, ['show', '--project', dir, 'run-bptt', '--json']);
      expect(shown.code).toBe(1);
      expect(JSON.parse(shown.out)).toMatchObject({ code: 'malformed', file, message: expect.stringContaining(`${file} is not valid JSON (truncated?)`) });
      expect((await run(runsCommand, ['list', '--project', dir])).out).toContain(`unreadable: ${file} is not valid JSON`);
    } finally {
      fs.writeFileSync(file, text);
    }
  });

  it('tag and delete', async () => {
    expect((await run(runsCommand, ['tag', '--project', dir, 'run-s2', '--add', 'best,x', '--remove', 'pair'])).out).toContain('run-s2: best, x');
    await expect(run(runsCommand, ['delete', '--project', dir, 'run-s2'])).rejects.toThrow(/--yes/);
    expect((await run(runsCommand, ['delete', '--project', dir, 'run-s2', '--yes'])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'runs', 'run-s2'))).toBe(false);
  });
});
