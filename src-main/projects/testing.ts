/**
 * Test helpers: a fake training session with the runTrainingSession contract that writes
 * real (tiny) safetensors checkpoints and deterministic metrics, fast and without tfjs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Circuit, CircuitInput } from '../../src-shared/circuit';
import { parseCircuit } from '../../src-shared/circuit';
import type { EpochEvent } from '../../src-shared/events';
import type { RunConfig } from '../../src-shared/run-config';
import type { SessionHooks } from '../host/training-session';
import { readSnapshot, writeSnapshot } from '../host/snapshot-file';

export const TINY_CIRCUIT: CircuitInput = {
  name: 'tiny', input: { dataset: 'mnist' }, layers: [{ kind: 'dense', units: 16 }, { kind: 'dense', units: 10 }],
  steps: 4, batch: 32, epochs: 3, rule: { name: 'frsf' }, neuron: { surrogate: 'boxcar', surrogateWidth: 2 },
};

export function tinyCircuit(change: Partial<CircuitInput> = {}): Circuit {
  return parseCircuit({ ...TINY_CIRCUIT, ...change });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `apical-${prefix}-`));
}

/** The metrics the fake session reports for a seed and epoch. */
export function fakeEpoch(seed: number, epoch: number): EpochEvent {
  const acc = ((seed * 7 + epoch * 13) % 100) / 100;
  return {
    event: 'epoch', epoch, loss: 1 - acc / 2, trainAccuracy: acc, testAccuracy: acc, testLoss: 1 - acc / 3,
    samplesPerSecond: 1000, seconds: 0.01, firingRates: [0.1, 0.2], alignment: null,
  };
}

export interface FakeOptions {
  readonly datasetHash?: string;
  /** throw this error when epoch `at` has trained (after its checkpoint, before its event) */
  readonly failAt?: { epoch: number; error: Error };
  /** called before each epoch's event (tests stop the control here) */
  readonly beforeEpochEvent?: (epoch: number) => void;
}

/** A session runner that "trains" instantly. */
export function fakeSession(opts: FakeOptions = {}) {
  return async (config: RunConfig, hooks: SessionHooks): Promise<{ status: 'completed' | 'stopped' }> => {
    const from = config.resumeFrom ? Number((await readSnapshot(config.resumeFrom)).metadata.epoch) : 0;
    const circuit = config.circuit;
    hooks.onEvent({
      event: 'start', rule: circuit.rule.name, backend: { name: 'cpu' }, epochs: circuit.epochs, batchesPerEpoch: 1, fromEpoch: from,
      dataset: { name: 'mnist', source: 'fake', hash: opts.datasetHash ?? 'a'.repeat(64), shape: [28, 28, 1], classes: ['0', '1'], train: 10, test: 10 },
    });
    for (let epoch = from + 1; epoch <= circuit.epochs; epoch++) {
      if (hooks.control?.stopped) return { status: 'stopped' };
      hooks.onEvent({ event: 'progress', phase: 'train', epoch, batch: 1, batches: 1, loss: 0.5, accuracy: 0.5, samplesPerSecond: 1 });
      if (config.outDir) await writeFakeCheckpoint(path.join(config.outDir, 'checkpoints'), epoch, config.keepCheckpoints);
      if (opts.failAt?.epoch === epoch) throw opts.failAt.error;
      opts.beforeEpochEvent?.(epoch);
      hooks.onEvent(fakeEpoch(circuit.seed, epoch));
    }
    return { status: hooks.control?.stopped ? 'stopped' : 'completed' };
  };
}

/** latest.safetensors and epoch-NNNN.safetensors holding `epoch`, with the session's keep policy. */
export async function writeFakeCheckpoint(dir: string, epoch: number, keep = 3): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const snapshot = { tensors: { w: { shape: [2], data: new Float32Array([epoch, epoch]) } }, metadata: { format: 'apical.checkpoint/1', epoch: String(epoch) } };
  await writeSnapshot(path.join(dir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`), snapshot);
  const old = fs.readdirSync(dir).filter((f) => /^epoch-\d+\.safetensors$/.test(f)).sort();
  for (const f of old.slice(0, Math.max(0, old.length - keep))) fs.rmSync(path.join(dir, f), { force: true });
  await writeSnapshot(path.join(dir, 'latest.safetensors'), snapshot);
}
