import path from 'node:path';
import type { CompareSeries, Comparison } from '../../src-shared/contract';
import type { EpochMetric } from '../../src-shared/project';
import { compareRuns as compareRecorded } from '../projects/compare';
import { METRICS_FILE } from '../projects/layout';
import { readMetrics } from '../projects/metrics';
import type { Project } from '../projects/project';
import { getRun } from '../projects/runs';

/**
 * The comparison the UI draws, from the projects module's: runs that differ only in seed
 * become one series (mean ± sample SD per epoch), every other run its own line.
 */
export function compareRuns(project: Project, ids: readonly string[], metric: EpochMetric): Comparison {
  const inputs = ids.map((id) => {
    const { record, dir } = getRun(project, id);
    return { record, epochs: readMetrics(path.join(dir, METRICS_FILE)).epochs };
  });
  const recorded = compareRecorded(inputs, metric);
  const epochs = Array.from({ length: recorded.epochs }, (_, i) => i + 1);
  const grouped = new Set(recorded.groups.flatMap((g) => g.runs));
  const series: CompareSeries[] = recorded.groups.map((g) => {
    const first = inputs.find((i) => i.record.id === g.runs[0])?.record;
    const name = first ? `${first.circuitName ?? first.circuit.name} · ${first.rule}` : g.runs[0];
    return { label: `${name} (mean ± SD, seeds ${g.seeds.join(', ')})`, runs: g.runs, epochs, mean: g.mean, sd: g.sd };
  });
  for (const s of recorded.series) {
    if (!grouped.has(s.id)) series.push({ label: s.id, runs: [s.id], epochs, mean: s.values, sd: null });
  }
  return { metric, series, differences: recorded.differences };
}
