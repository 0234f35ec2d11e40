import { parseCircuit } from '../../src-shared/circuit';
import type { Circuit } from '../../src-shared/circuit';
import type { Dataset } from '../engine/datasets/dataset';
import { Network } from '../engine/network';
import { restoreSnapshot } from '../engine/training/checkpoint-state';
import type { CheckpointSnapshot } from '../engine/training/checkpoint-state';
import { readSnapshot } from './snapshot-file';

/** A trained network rebuilt from a checkpoint file, with the circuit it was trained as. */
export interface LoadedCheckpoint {
  readonly circuit: Circuit;
  readonly snapshot: CheckpointSnapshot;
  readonly epoch: number;
}

/** Reads a checkpoint and its embedded circuit; errors name the file. */
export async function loadCheckpoint(file: string): Promise<LoadedCheckpoint> {
  const snapshot = await readSnapshot(file);
  const text = snapshot.metadata.circuit;
  if (!text) throw new Error(`${file}: no circuit in the checkpoint's metadata (not written by Apical?)`);
  let circuit: Circuit;
  try {
    circuit = parseCircuit(JSON.parse(text));
  } catch (e) {
    throw new Error(`${file}: the embedded circuit is invalid: ${(e as Error).message}`);
  }
  return { circuit, snapshot, epoch: Number(snapshot.metadata.epoch ?? 0) };
}

/** Builds the network of a loaded checkpoint for a dataset (the caller disposes it). */
export function networkFromCheckpoint(loaded: LoadedCheckpoint, dataset: Dataset, file = 'checkpoint'): Network {
  const net = new Network(loaded.circuit, { inputShape: dataset.shape, classes: dataset.classes.length });
  try {
    restoreSnapshot(loaded.snapshot, net, null);
  } catch (e) {
    net.dispose();
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return net;
}
