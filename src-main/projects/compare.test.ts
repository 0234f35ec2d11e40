import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-shared/project';
import { PROJECT_FORMAT_VERSION, epochLineSchema } from '../../src-shared/project';
import { compareRuns } from './compare';
import { fakeEpoch, tinyCircuit } from './testing';

function record(id: string, seed: number, change: Partial<RunRecord> = {}): RunRecord {
  return {
    format: 'apical.run', version: PROJECT_FORMAT_VERSION, id, status: 'completed', circuitName: null, circuit: tinyCircuit({ seed }),
    rule: 'frsf', seed, config: { backend: 'cpu', trainLimit: 100, testLimit: null, keepCheckpoints: 3, threads: 1 },
    dataset: { name: 'mnist', source: 's', hash: 'h', shape: [28, 28, 1], classes: [], train: 100, test: 10 }, backend: { name: 'cpu' },
    appVersion: '0', created: '', ended: null, process: null, failure: null, tags: [], resumes: [], rerunOf: null,
    progress: { epochs: 0, testAccuracy: null, bestTestAccuracy: null }, warnings: [], ...change,
  };
}

const epochs = (values: number[]) => values.map((v, i) => epochLineSchema.parse({ ...fakeEpoch(1, i + 1), testAccuracy: v }));

describe('compareRuns', () => {
  it('aligns epochs and gives mean ± sample SD for runs differing only in seed', () => {
    const c = compareRuns([
      { record: record('a', 1), epochs: epochs([0.1, 0.5, 0.9]) },
      { record: record('b', 2), epochs: epochs([0.3, 0.7]) },
      { record: record('c', 3), epochs: epochs([0.2, 0.6, 0.7]) },
    ]);
    expect(c.epochs).toBe(3);
    expect(c.series.map((s) => s.values)).toEqual([[0.1, 0.5, 0.9], [0.3, 0.7, null], [0.2, 0.6, 0.7]]);
    expect(c.groups).toHaveLength(1);
    const [g] = c.groups;
    expect(g.seeds).toEqual([1, 2, 3]);
    expect(g.n).toEqual([3, 3, 2]);
    expect(g.mean[0]).toBeCloseTo(0.2, 12);
    expect(g.sd[0]).toBeCloseTo(0.1, 12);
    expect(g.mean[2]).toBeCloseTo(0.8, 12);
    expect(g.sd[2]).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(c.differences).toEqual(['seed: 1 | 2 | 3']);
  });

  it('does not pool runs that differ in more than the seed, and names the differences', () => {
    const other = record('b', 2, { rule: 'bptt', circuit: tinyCircuit({ seed: 2, rule: { name: 'bptt' } }), config: { backend: 'cpu', trainLimit: 50, testLimit: null, keepCheckpoints: 3, threads: 1 } });
    const c = compareRuns([{ record: record('a', 1), epochs: epochs([0.1]) }, { record: other, epochs: epochs([0.2]) }], 'testAccuracy');
    expect(c.groups).toEqual([]);
    expect(c.differences).toEqual(expect.arrayContaining(['circuit.rule.name: "frsf" | "bptt"', 'trainLimit: 100 | 50', 'seed: 1 | 2']));
  });
});
