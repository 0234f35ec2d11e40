/**
 * A project's circuits: `circuits/<name>.json`, each a circuit spec as the user wrote it
 * (defaults may be left out), validated on every read and write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CircuitError, parseCircuit } from '../../src-shared/circuit';
import type { Circuit } from '../../src-shared/circuit';
import { nameProblem } from '../../src-shared/project';
import { ProjectError, ioError } from './errors';
import { fsyncDirectory, readJson, writeJsonAtomic } from './json-file';
import { CIRCUITS_DIR } from './layout';
import type { Project } from './project';
import type { FileProblem } from './runs';

export interface CircuitEntry {
  readonly name: string;
  readonly file: string;
  readonly circuit: Circuit;
}

function checkName(name: string): void {
  const problem = nameProblem(name, 'circuit name');
  if (problem) throw new ProjectError('bad-name', problem);
}

export function circuitFile(project: Project, name: string): string {
  checkName(name);
  return project.path(CIRCUITS_DIR, `${name}.json`);
}

/** Names of the circuits, sorted. */
export function circuitNames(project: Project): string[] {
  try {
    return fs.readdirSync(project.path(CIRCUITS_DIR)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** Reads and validates one circuit; errors name the file and, for schema errors, each JSON path. */
export function readCircuit(project: Project, name: string): Circuit {
  const file = circuitFile(project, name);
  if (!fs.existsSync(file)) {
    const known = circuitNames(project);
    throw new ProjectError('not-found', `no circuit '${name}' in ${project.path(CIRCUITS_DIR)}${known.length ? ` (there are: ${known.join(', ')})` : ' (there are none)'}`, { file });
  }
  return parseCircuitFile(file, readJson(file));
}

function parseCircuitFile(file: string, json: unknown): Circuit {
  try {
    return parseCircuit(json);
  } catch (err) {
    if (err instanceof CircuitError) throw new ProjectError('malformed', `${file} is not a valid circuit: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { file });
    throw err;
  }
}

/** Every circuit; unreadable ones are reported in `problems`. */
export function listCircuits(project: Project): { circuits: CircuitEntry[]; problems: FileProblem[] } {
  const circuits: CircuitEntry[] = [];
  const problems: FileProblem[] = [];
  for (const name of circuitNames(project)) {
    const file = project.path(CIRCUITS_DIR, `${name}.json`);
    try {
      if (nameProblem(name)) throw new ProjectError('bad-name', `${file}: ${nameProblem(name, 'circuit name')}`, { file });
      circuits.push({ name, file, circuit: parseCircuitFile(file, readJson(file)) });
    } catch (err) {
      if (!(err instanceof ProjectError)) throw err;
      problems.push({ file, message: err.message });
    }
  }
  return { circuits, problems };
}

/** The name a circuit would clash with on a case-insensitive file system (macOS, Windows), if any. */
function clash(project: Project, name: string, except?: string): string | undefined {
  return circuitNames(project).find((n) => n !== except && n.toLowerCase() === name.toLowerCase());
}

/** Validates and stores a circuit spec under `name`; refuses to replace one unless `overwrite`. */
export function saveCircuit(project: Project, name: string, spec: unknown, opts: { overwrite?: boolean } = {}): Circuit {
  project.assertWritable(`save circuit ${name}`);
  const file = circuitFile(project, name);
  const circuit = parseCircuitFile(`circuit '${name}'`, spec);
  const other = clash(project, name);
  if (other !== undefined && (other !== name || !opts.overwrite)) {
    throw new ProjectError('exists', `a circuit named '${other}' exists already${other === name ? '' : ' (names differing only in case clash on some systems)'}`, { file });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJsonAtomic(file, spec);
  project.touch();
  return circuit;
}

export function renameCircuit(project: Project, from: string, to: string): void {
  project.assertWritable(`rename circuit ${from}`);
  const source = circuitFile(project, from);
  const target = circuitFile(project, to);
  if (!fs.existsSync(source)) throw new ProjectError('not-found', `no circuit '${from}' in ${project.path(CIRCUITS_DIR)}`, { file: source });
  const other = clash(project, to, from);
  if (other !== undefined) throw new ProjectError('exists', `a circuit named '${other}' exists already`, { file: target });
  try {
    fs.renameSync(source, target);
  } catch (err) {
    throw ioError('rename', source, err);
  }
  fsyncDirectory(path.dirname(target));
  project.touch();
}

export function deleteCircuit(project: Project, name: string): void {
  project.assertWritable(`delete circuit ${name}`);
  const file = circuitFile(project, name);
  if (!fs.existsSync(file)) throw new ProjectError('not-found', `no circuit '${name}' in ${project.path(CIRCUITS_DIR)}`, { file });
  fs.rmSync(file);
  fsyncDirectory(path.dirname(file));
  project.touch();
}
