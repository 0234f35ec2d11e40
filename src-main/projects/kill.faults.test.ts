/**
 * Fault test: the real CLI (`node bin/apical.mjs train --project ...` and `runs resume`,
 * cpu, a tiny circuit) is killed with SIGKILL at random moments, at least 20 times, in two
 * projects at once. Half the kills hit the whole process group (CLI and engine worker), half
 * only the CLI (its worker must notice and exit). After every kill:
 *   1. every JSON file of the project parses;
 *   2. the project opens for writing (the dead owner's lock is taken over) and the run the
 *      process wrote is `interrupted` (or `completed`, if the kill came after the end);
 *   3. metrics.jsonl reads (at most an incomplete last line) with epochs 1..M, no gaps;
 *   4. every epoch the killed process printed (it prints after recording) is in metrics.jsonl;
 *   5. every recorded epoch equals an uninterrupted reference run bitwise (timings aside);
 *   6. the checkpoint a resume would start from is readable and at most one epoch behind.
 * Each run is then resumed until it completes, with all epochs equal to the reference.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpochLine } from '../../src-shared/project';
import { TrainControl } from '../engine/training/trainer';
import { resumePoint } from './checkpoints';
import { saveCircuit } from './circuits';
import { startRun } from './launch';
import { readMetrics } from './metrics';
import { createProject, openProject } from './project';
import { listRuns } from './runs';
import { TINY_CIRCUIT, tempDir, tinyCircuit } from './testing';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/apical.mjs');
const EPOCHS = 6;
const LIMITS = { trainLimit: 128, testLimit: 64 };
const FLAGS = ['--backend', 'cpu', '--train-limit', String(LIMITS.trainLimit), '--test-limit', String(LIMITS.testLimit), '--json'];
const MIN_KILLS = 20;
/**
 * About 60 s of CPU (each launch starts the CLI and an engine worker), which two lanes spread
 * over two cores: ~35 s on an idle 2-core machine, 85 s measured at load 11. The limit leaves
 * room for a busy machine; KILL_TEST_TRACE=1 prints every kill.
 */
const TIMEOUT_MS = 180_000;
const root = tempDir('kill');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Result = Omit<EpochLine, 'seconds' | 'samplesPerSecond'>;
const result = ({ seconds: _s, samplesPerSecond: _p, alignmentSeconds: _a, ...rest }: EpochLine): Result => rest;

interface Stats { kills: number; groupKills: number; completedRuns: number; resumesToCompletion: number; checks: number; orphans: number }
const stats: Stats = { kills: 0, groupKills: 0, completedRuns: 0, resumesToCompletion: 0, checks: 0, orphans: 0 };
const killedGroups: number[] = [];

/** One CLI process: its stdout lines as they come, and its end. */
function launch(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    done = true;
    waiters.splice(0).forEach((w) => w());
    resolve(code);
  }));
  /** Resolves when `count` lines have arrived (true) or the process ended first (false). */
  const lineCount = async (count: number) => {
    while (lines.length < count && !done) await new Promise<void>((r) => waiters.push(r));
    return lines.length >= count;
  };
  return { child, lines, exited, lineCount, stderr: () => stderr, isDone: () => done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Check 1: every JSON file of the project parses. */
function allJsonParses(dir: string): void {
  const files = [path.join(dir, 'apical.json'), ...fs.readdirSync(path.join(dir, 'circuits')).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, 'circuits', f))];
  for (const id of fs.readdirSync(path.join(dir, 'runs')).filter((f) => !f.startsWith('.'))) files.push(path.join(dir, 'runs', id, 'run.json'));
  for (const f of files) expect(() => JSON.parse(fs.readFileSync(f, 'utf8')), f).not.toThrow();
}

/** Checks 2 to 6 after a kill; returns the id of the run to resume (null: start a new one). */
function checkAfterKill(dir: string, printed: Record<string, unknown>[], reference: Result[]): string | null {
  allJsonParses(dir);
  const project = openProject(dir);
  try {
    const open = listRuns(project).runs.filter((r) => r.status !== 'completed');
    expect(open.length, 'at most one unfinished run').toBeLessThanOrEqual(1);
    expect(listRuns(project).problems).toEqual([]);
    for (const run of listRuns(project).runs) {
      expect(['interrupted', 'completed']).toContain(run.status);
      const metrics = readMetrics(path.join(run.dir, 'metrics.jsonl'));
      const recorded = metrics.epochs.map(result);
      expect(recorded, `${run.id}: recorded epochs equal the reference`).toEqual(reference.slice(0, recorded.length));
      if (run.status === 'completed') expect(recorded.length).toBe(reference.length);
      const point = resumePoint(run.dir, recorded.length);
      if (run.status === 'interrupted' && recorded.length > 0) expect(point?.epoch ?? -1, `${run.id}: resume point`).toBeGreaterThanOrEqual(recorded.length - 1);
      const printedHere = printed.filter((l) => l.event === 'epoch');
      if (printed.some((l) => l.event === 'run' && l.id === run.id)) {
        expect(recorded.length, `${run.id}: printed epochs are on disk`).toBeGreaterThanOrEqual(printedHere.length ? Math.max(...printedHere.map((l) => Number(l.epoch))) : 0);
      }
    }
    stats.checks++;
    return open[0]?.id ?? null;
  } finally {
    project.close();
  }
}

/** One project: kill, check, resume, until `stats.kills` reaches the goal; then resume to the end. */
async function lane(name: string, reference: Result[]): Promise<void> {
  const dir = path.join(root, name);
  const project = createProject(dir);
  saveCircuit(project, 'tiny', { ...TINY_CIRCUIT, epochs: EPOCHS });
  project.close();
  let current: string | null = null;
  let startupMs = 1500;
  let resumed = false;
  for (;;) {
    const finishing = stats.kills >= MIN_KILLS;
    if (finishing && current === null) return;
    const args = current ? ['runs', 'resume', '--project', dir, current, '--json'] : ['train', '--project', dir, '--circuit', 'tiny', ...FLAGS];
    const t0 = Date.now();
    const proc = launch(args);
    let killed = false;
    if (!finishing) {
      // a random moment: during start-up (open, lock, run folder) or after a random event line
      if (Math.random() < 0.5) await Promise.race([sleep(Math.random() * 1.2 * startupMs), proc.exited]);
      else if (await proc.lineCount(2 + Math.floor(Math.random() * 3))) await sleep(Math.random() * 250);
      if (!proc.isDone()) {
        const group = Math.random() < 0.5;
        process.kill(group ? -(proc.child.pid as number) : (proc.child.pid as number), 'SIGKILL');
        killedGroups.push(proc.child.pid as number);
        killed = true;
        stats.kills++;
        if (group) stats.groupKills++;
      }
    }
    const code = await proc.exited;
    if (proc.lines[0]?.event === 'run') startupMs = 0.7 * startupMs + 0.3 * (Date.now() - t0);
    if (!killed) {
      expect(code, proc.stderr()).toBe(0);
      stats.completedRuns++;
      if (resumed) stats.resumesToCompletion++;
    }
    current = checkAfterKill(dir, proc.lines, reference);
    if (process.env.KILL_TEST_TRACE) process.stderr.write(`${name} ${((Date.now() - t0) / 1000).toFixed(1)}s killed=${killed} lines=${proc.lines.length} kills=${stats.kills}\n`);
    resumed = current !== null;
  }
}

describe('SIGKILL at random moments', () => {
  it(`kills the CLI at least ${MIN_KILLS} times; every check holds and runs resume to completion`, async () => {
    const refDir = path.join(root, 'reference');
    const ref = createProject(refDir);
    const outcome = await startRun(ref, { circuit: tinyCircuit({ epochs: EPOCHS }), backend: 'cpu', ...LIMITS }, { control: new TrainControl() });
    ref.close();
    const reference = readMetrics(path.join(refDir, 'runs', outcome.id, 'metrics.jsonl')).epochs.map(result);
    expect(reference).toHaveLength(EPOCHS);
    await Promise.all([lane('a', reference), lane('b', reference)]);
    // the workers of CLIs killed alone must have exited by themselves
    await sleep(500);
    for (const pgid of killedGroups) {
      try {
        process.kill(-pgid, 0);
        stats.orphans++;
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }
    // every run ended completed, with every epoch equal to the reference
    let runs = 0;
    let resumes = 0;
    for (const name of ['a', 'b']) {
      const project = openProject(path.join(root, name), { readOnly: true });
      for (const run of listRuns(project).runs) {
        expect(run.status).toBe('completed');
        expect(readMetrics(path.join(run.dir, 'metrics.jsonl')).epochs.map(result)).toEqual(reference);
        runs++;
        resumes += run.record.resumes.length;
      }
    }
    console.log(`fault test: ${JSON.stringify({ ...stats, runs, resumesRecorded: resumes })}`);
    expect(stats.kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(stats.orphans).toBe(0);
    expect(stats.resumesToCompletion).toBeGreaterThanOrEqual(1);
    expect(resumes).toBeGreaterThanOrEqual(5);
  }, Number(process.env.KILL_TEST_TIMEOUT ?? TIMEOUT_MS));
});
