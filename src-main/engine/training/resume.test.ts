import { expect, it } from 'vitest';
import { parseCircuit } from '../../../src-shared/circuit';
import type { EpochEvent, TrainEvent } from '../../../src-shared/events';
import { loadDataset } from '../datasets/registry';
import { initBackend } from '../tensor/backend';
import type { CheckpointSnapshot } from './checkpoint-state';
import { TrainControl, train } from './trainer';

it('a microcircuit run resumed from a checkpoint continues bitwise (weights, Adam moments and the error-cell thresholds are saved)', async () => {
  const backend = await initBackend('cpu');
  const dataset = await loadDataset('mnist');
  const circuit = parseCircuit({ layers: [{ kind: 'dense', units: 24 }, { kind: 'dense', units: 10 }], batch: 32, epochs: 3, steps: 6, neuron: { surrogateWidth: 2 } });
  const snapshots: CheckpointSnapshot[] = [];
  const whole: EpochEvent[] = [];
  const resumed: EpochEvent[] = [];
  const keep = (list: EpochEvent[]) => (e: TrainEvent) => e.event === 'epoch' && list.push(e);
  await train({ circuit, dataset, backend, trainLimit: 256, testLimit: 64, onEvent: keep(whole), onCheckpoint: (s) => (snapshots.push(s), null) });
  expect(Object.keys(snapshots[0].tensors)).toContain('rule.thetaEma.1');
  await train({ circuit, dataset, backend, trainLimit: 256, testLimit: 64, resume: snapshots[0], onEvent: keep(resumed) });
  expect(resumed.map((e) => [e.epoch, e.loss, e.testAccuracy])).toEqual(whole.slice(1).map((e) => [e.epoch, e.loss, e.testAccuracy]));
});

it('a stop during evaluation neither reports nor saves the incomplete epoch', async () => {
  const backend = await initBackend('cpu');
  const dataset = await loadDataset('mnist');
  const circuit = parseCircuit({ layers: [{ kind: 'dense', units: 16 }, { kind: 'dense', units: 10 }], batch: 32, epochs: 2, steps: 4 });
  const control = new TrainControl();
  const events: TrainEvent[] = [];
  let saved = 0;
  const result = await train({
    circuit, dataset, backend, trainLimit: 64, testLimit: 1024, control,
    onEvent: (e) => {
      events.push(e);
      if (e.event === 'progress' && e.phase === 'test') control.stop();
    },
    onCheckpoint: () => (saved++, null),
  });
  expect(result.status).toBe('stopped');
  expect(events.filter((e) => e.event === 'epoch')).toHaveLength(0);
  expect(saved).toBe(0);
});
