/** Plain records the contract answers with, made from the projects module's entries. */
import type { Circuit } from '../../src-shared/circuit';
import type { CircuitSummary, ProjectView, RunSummary } from '../../src-shared/contract';
import { RESUMABLE_STATUSES } from '../../src-shared/project';
import type { RunStatus } from '../../src-shared/project';
import type { Project } from '../projects/project';
import type { RunEntry } from '../projects/runs';

export function projectView(project: Project): ProjectView {
  return { dir: project.dir, info: project.info, readOnly: project.readOnlyReason, notices: [...project.notices] };
}

/** "784 → 800 → 10" style description of a circuit's layers. */
export function describeLayers(circuit: Circuit): string {
  return circuit.layers.map((l) => {
    if (l.kind === 'dense') return String(l.units);
    if (l.kind === 'conv') return `conv${l.kernel}×${l.filters}`;
    return `pool${l.size}`;
  }).join(' → ');
}

export function circuitSummary(name: string, circuit: Circuit): CircuitSummary {
  return { name, layers: describeLayers(circuit), rule: circuit.rule.name, dataset: circuit.input.dataset };
}

export function runSummary(entry: RunEntry, live: boolean, liveStatus?: RunStatus): RunSummary {
  const r = entry.record;
  const status = liveStatus ?? entry.status;
  return {
    id: entry.id, status, circuitName: r.circuitName, rule: r.rule, seed: r.seed,
    dataset: r.dataset?.name ?? r.circuit.input.dataset, backend: r.backend?.name ?? null,
    created: r.created, ended: r.ended, epochs: r.progress.epochs, testAccuracy: r.progress.testAccuracy,
    bestTestAccuracy: r.progress.bestTestAccuracy, tags: r.tags, failure: r.failure, live,
    resumable: !live && RESUMABLE_STATUSES.includes(status),
  };
}
