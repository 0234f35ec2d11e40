import fs from 'node:fs';
import type { Circuit } from '../../src-shared/circuit';
import { RUNS_DIR } from '../projects/layout';
import type { Project } from '../projects/project';

/**
 * A new run's id, `<yyyymmdd-hhmmss>-<rule>-s<seed>` as the projects module names runs,
 * chosen here so the UI knows the id as soon as the run starts (launch.ts's startRun only
 * answers when the run ends).
 */
export function newRunId(project: Project, circuit: Circuit): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = `${stamp}-${circuit.rule.name}-s${circuit.seed}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!fs.existsSync(project.path(RUNS_DIR, id))) return id;
  }
}
