import type { Comparison } from '../../projects';
import type { EpochMetric } from '../../../src-shared/project';
import { table } from './project-common';

const LABELS: Record<EpochMetric, { title: string; scale: number; digits: number }> = {
  testAccuracy: { title: 'test accuracy (%)', scale: 100, digits: 2 },
  trainAccuracy: { title: 'training accuracy (%)', scale: 100, digits: 2 },
  loss: { title: 'training loss', scale: 1, digits: 4 },
  testLoss: { title: 'test loss', scale: 1, digits: 4 },
  samplesPerSecond: { title: 'training samples per second', scale: 1, digits: 0 },
  seconds: { title: 'seconds per epoch', scale: 1, digits: 2 },
};

/** `apical runs compare` as text: a legend, what differs, then one row per epoch with each run and each seed group's mean ± SD. */
export function formatComparison(c: Comparison): string {
  const { title, scale, digits } = LABELS[c.metric];
  const fmt = (x: number | null) => (x === null ? '-' : (x * scale).toFixed(digits));
  const index = new Map(c.series.map((s, i) => [s.id, i + 1]));
  const lines = [`${title} per epoch, ${c.series.length} run(s)`];
  c.series.forEach((s, i) => lines.push(`  [${i + 1}] ${s.id} (seed ${s.seed})`));
  c.groups.forEach((g, i) => lines.push(`  G${i + 1} = ${g.runs.map((id) => `[${index.get(id)}]`).join(' ')}: same configuration, seeds ${g.seeds.join(', ')}`));
  lines.push(c.differences.length ? `differences: ${c.differences.join('; ')}` : 'differences: none');
  const header = ['epoch', ...c.series.map((_, i) => `[${i + 1}]`), ...c.groups.map((_, i) => `G${i + 1} mean ± SD (n)`)];
  const rows = Array.from({ length: c.epochs }, (_, e) => [
    String(e + 1),
    ...c.series.map((s) => fmt(s.values[e])),
    ...c.groups.map((g) => (g.mean[e] === null ? '-' : `${fmt(g.mean[e])} ± ${g.sd[e] === null ? '-' : fmt(g.sd[e])} (${g.n[e]})`)),
  ]);
  lines.push('', table([header, ...rows], header.map((_, i) => i)));
  return lines.join('\n');
}
