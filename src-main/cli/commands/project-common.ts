/**
 * What the project commands (project, circuits, runs, train --project) share: opening a
 * project from flags, printing notices and errors, and plain-text tables.
 */
import { ProjectError, openProject } from '../../projects';
import type { Project } from '../../projects';
import { UsageError } from '../args';

export const PROJECT_OPTIONS = {
  project: { type: 'string' },
  'read-only': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Opens `--project DIR` (required); reading commands pass `--read-only` through, writing ones refuse it. */
export function openFromFlags(values: { project?: string; 'read-only'?: boolean }, mode: 'read' | 'write'): Project {
  if (!values.project) throw new UsageError('--project DIR is required');
  if (mode === 'write' && values['read-only']) throw new UsageError('this command changes the project; --read-only does not apply');
  const project = openProject(values.project, { readOnly: values['read-only'] === true });
  printNotices(project);
  if (mode === 'write') project.assertWritable('change the project');
  return project;
}

/** Notices of an open (recovered lock, migration, interrupted runs), on stderr. */
export function printNotices(project: Project): void {
  for (const n of project.notices) process.stderr.write(`note: ${n}\n`);
}

/**
 * Runs a command body, turning ProjectErrors into a message (or one JSON line
 * `{"event":"error","code","message","file"}` with --json) and exit code 1.
 */
export async function withProjectErrors(command: string, json: boolean, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof ProjectError)) throw err;
    if (json) process.stdout.write(`${JSON.stringify({ event: 'error', code: err.code, message: err.message, file: err.file })}\n`);
    else process.stderr.write(`apical ${command}: ${err.message}\n`);
    return 1;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns separated by two spaces; `right` lists columns to right-align. */
export function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

export const percent = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);

/** Splits repeated and comma-separated values: ['a,b', 'c'] -> ['a', 'b', 'c']. */
export function listOption(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}
