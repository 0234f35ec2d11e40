/**
 * Comparing runs: one metric per epoch, aligned by epoch number, and for runs whose
 * recorded configuration is the same but for the seed, the mean and sample standard
 * deviation across them per epoch.
 */
import type { EpochLine, EpochMetric, RunRecord } from '../../src-shared/project';

export interface RunSeries {
  readonly id: string;
  readonly seed: number;
  /** index i holds epoch i + 1; null where the run has no such epoch */
  readonly values: readonly (number | null)[];
}

/** Runs that differ only in their seed, with per-epoch statistics. */
export interface SeedGroup {
  readonly runs: readonly string[];
  readonly seeds: readonly number[];
  /** per epoch: how many runs have it, their mean and sample SD (null below 2 runs) */
  readonly n: readonly number[];
  readonly mean: readonly (number | null)[];
  readonly sd: readonly (number | null)[];
}

export interface Comparison {
  readonly metric: EpochMetric;
  readonly epochs: number;
  readonly series: readonly RunSeries[];
  /** groups of two or more runs */
  readonly groups: readonly SeedGroup[];
  /** configuration fields whose values differ between the runs, as `path: a | b` */
  readonly differences: readonly string[];
}

export interface CompareInput {
  readonly record: RunRecord;
  readonly epochs: readonly EpochLine[];
}

/** What must match for runs to count as repeats with another seed. */
export function comparableConfig(record: RunRecord): Record<string, unknown> {
  const { seed: _seed, name: _name, description: _description, ...circuit } = record.circuit;
  return { circuit, trainLimit: record.config.trainLimit, testLimit: record.config.testLimit, dataset: record.dataset?.hash ?? null };
}

/** Flattens JSON into `a.b[0].c` -> value pairs. */
export function flatten(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

/** The fields whose values differ between records (seed included), each as `path: v1 | v2 ...`. */
export function configDifferences(records: readonly RunRecord[]): string[] {
  const flat = records.map((r) => flatten({ ...comparableConfig(r), seed: r.seed, backend: r.backend?.name ?? r.config.backend, threads: r.config.threads }));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const out: string[] = [];
  for (const key of keys) {
    const values = flat.map((m) => m.get(key) ?? '(none)');
    if (new Set(values).size > 1) out.push(`${key}: ${values.join(' | ')}`);
  }
  return out;
}

function stats(values: readonly number[]): { mean: number | null; sd: number | null } {
  if (values.length === 0) return { mean: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: null };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

export function compareRuns(inputs: readonly CompareInput[], metric: EpochMetric = 'testAccuracy'): Comparison {
  const epochs = Math.max(0, ...inputs.map((i) => i.epochs.length));
  const series: RunSeries[] = inputs.map(({ record, epochs: lines }) => ({
    id: record.id, seed: record.seed,
    values: Array.from({ length: epochs }, (_, e) => (lines[e] ? Number(lines[e][metric]) : null)),
  }));
  const byKey = new Map<string, number[]>();
  inputs.forEach((input, i) => {
    const key = JSON.stringify(comparableConfig(input.record));
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const groups: SeedGroup[] = [];
  for (const members of byKey.values()) {
    if (members.length < 2) continue;
    const n: number[] = [];
    const mean: (number | null)[] = [];
    const sd: (number | null)[] = [];
    for (let e = 0; e < epochs; e++) {
      const values = members.map((m) => series[m].values[e]).filter((v): v is number => v !== null);
      const s = stats(values);
      n.push(values.length);
      mean.push(s.mean);
      sd.push(s.sd);
    }
    groups.push({ runs: members.map((m) => series[m].id), seeds: members.map((m) => series[m].seed), n, mean, sd });
  }
  return { metric, epochs, series, groups, differences: configDifferences(inputs.map((i) => i.record)) };
}
