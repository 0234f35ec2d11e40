/**
 * Child processes of the bench: every measurement runs in its own process, so backends,
 * thread pools and memory peaks do not leak between them. Children print one JSON object
 * per line on stdout; anything else (warnings) goes to stderr and is kept for error messages.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

export interface ChildResult {
  readonly code: number | null;
  /** every stdout line that parsed as a JSON object */
  readonly records: Record<string, unknown>[];
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly seconds: number;
}

export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** called with each JSON record as it arrives */
  readonly onRecord?: (r: Record<string, unknown>) => void;
}

/** Runs a command to completion (or its timeout: then SIGKILL), collecting its JSON lines. */
export function runChild(command: string, args: readonly string[], opts: ChildOptions): Promise<ChildResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const records: Record<string, unknown>[] = [];
    let stderr = '';
    let pending = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const takeLine = (line: string) => {
      const text = line.trim();
      if (!text.startsWith('{')) {
        if (text) stderr += `${text}\n`;
        return;
      }
      try {
        const r = JSON.parse(text) as Record<string, unknown>;
        records.push(r);
        opts.onRecord?.(r);
      } catch {
        stderr += `${text}\n`;
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(takeLine);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    const finish = (code: number | null) => {
      clearTimeout(timer);
      if (pending) takeLine(pending);
      resolve({ code, records, stderr, timedOut, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (e) => {
      stderr += `${e.message}\n`;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/** Runs one of the bench's TypeScript scripts in a fresh Node process (through tsx). */
export function runTsChild(script: string, args: readonly string[], opts: ChildOptions): Promise<ChildResult> {
  return runChild(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, script), ...args], opts);
}

/** The last lines of a child's stderr, for a one-line failure reason. */
export function failureReason(r: ChildResult, what: string): string {
  if (r.timedOut) return `${what} timed out after ${r.seconds.toFixed(0)} s`;
  const err = r.records.find((x) => typeof x.error === 'string');
  if (err) return String(err.error);
  const tail = r.stderr.trim().split('\n').filter((l) => !/^\s*at /.test(l)).slice(-2).join(' | ');
  return `${what} exited with code ${r.code}${tail ? `: ${tail}` : ''}`;
}

/** Writes one JSON record on stdout (children's output protocol). */
export function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** `--name value` options of a child script, as a map (children are only run by the bench). */
export function childArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), 'true');
    else out.set(a.slice(2), argv[++i]);
  }
  return out;
}
