import { describe, expect, it } from 'vitest';
import { parseCircuit } from '../../../src-shared/circuit';
import type { EpochEvent, TrainEvent } from '../../../src-shared/events';
import { loadDataset } from '../datasets/registry';
import { initBackend } from '../tensor/backend';
import { train } from '../training/trainer';

async function run(threads: number, rule: 'frsf' | 'microcircuit'): Promise<EpochEvent[]> {
  const backend = await initBackend('wasm');
  const dataset = await loadDataset('mnist');
  const circuit = parseCircuit({ layers: [{ kind: 'dense', units: 24 }, { kind: 'dense', units: 10 }], batch: 32, epochs: 2, steps: 6, neuron: { surrogateWidth: 2 }, rule: { name: rule } });
  const events: TrainEvent[] = [];
  await train({ circuit, dataset, backend, threads, trainLimit: 640, testLimit: 128, onEvent: (e) => events.push(e) });
  return events.filter((e): e is EpochEvent => e.event === 'epoch');
}

describe('data-parallel shards on CPU threads', () => {
  it('give the same training as one thread for a linear rule (the gradient of a batch is the size-weighted mean of its shards)', async () => {
    const one = await run(1, 'frsf');
    const two = await run(2, 'frsf');
    expect(two).toHaveLength(2);
    for (let e = 0; e < 2; e++) {
      expect(two[e].loss).toBeCloseTo(one[e].loss, 3);
      expect(Math.abs(two[e].testAccuracy - one[e].testAccuracy)).toBeLessThanOrEqual(2 / 128);
    }
  });

  it('train the microcircuit rule (error-cell thresholds adapt per shard)', async () => {
    const one = await run(1, 'microcircuit');
    const two = await run(2, 'microcircuit');
    expect(two[1].loss).toBeLessThan(two[0].loss);
    expect(two[1].testAccuracy).toBeGreaterThan(0.4);
    expect(Math.abs(two[1].testAccuracy - one[1].testAccuracy)).toBeLessThan(0.1);
    expect(two[1].errorCellSaturation).toBeDefined();
  });
});
