import fs from 'node:fs';
import path from 'node:path';
import type { RunConfig } from '../../src-shared/run-config';
import type { TrainEvent } from '../../src-shared/events';
import { loadDataset } from '../engine/datasets/registry';
import { initBackend } from '../engine/tensor/backend';
import type { TrainControl } from '../engine/training/trainer';
import { train } from '../engine/training/trainer';
import type { CheckpointSnapshot } from '../engine/training/checkpoint-state';
import { readSnapshot, writeSnapshot } from './snapshot-file';

export interface SessionHooks {
  readonly onEvent: (e: TrainEvent) => void;
  readonly control?: TrainControl;
  /** dataset loading progress */
  readonly onDatasetProgress?: (done: number, total: number) => void;
  /** monitoring snapshots at most this often (ms); 0 or absent: none */
  readonly snapshotIntervalMs?: number;
}

/**
 * One training run as a host runs it: backend, dataset, resume, training, checkpoints
 * under `outDir/checkpoints/` (latest.safetensors plus the last `keepCheckpoints` epochs).
 * Used in-process by tests and inside the engine worker by the CLI, web host and app.
 */
export async function runTrainingSession(config: RunConfig, hooks: SessionHooks): Promise<Awaited<ReturnType<typeof train>>> {
  const backend = { ...(await initBackend(config.backend)) };
  if (config.threads > 1 && (backend.name === 'wasm' || backend.name === 'cpu')) backend.threads = config.threads;
  const dataset = await loadDataset(config.circuit.input.dataset, { onProgress: hooks.onDatasetProgress });
  const resume = config.resumeFrom ? await readSnapshot(config.resumeFrom) : undefined;
  const checkpointDir = config.outDir ? path.join(config.outDir, 'checkpoints') : null;
  if (checkpointDir) fs.mkdirSync(checkpointDir, { recursive: true });
  const onCheckpoint = checkpointDir
    ? async (snapshot: CheckpointSnapshot) => saveCheckpoints(checkpointDir, snapshot, config.keepCheckpoints, dataset.hash)
    : undefined;
  return train({
    circuit: config.circuit, dataset, backend, trainLimit: config.trainLimit, testLimit: config.testLimit,
    control: hooks.control, onEvent: hooks.onEvent, onCheckpoint, resume, snapshotIntervalMs: hooks.snapshotIntervalMs,
    threads: config.threads,
  });
}

async function saveCheckpoints(dir: string, snapshot: CheckpointSnapshot, keep: number, datasetHash: string): Promise<string> {
  const withData = { ...snapshot, metadata: { ...snapshot.metadata, datasetHash } };
  const epoch = Number(snapshot.metadata.epoch);
  if (keep > 0) {
    await writeSnapshot(path.join(dir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`), withData);
    const old = fs.readdirSync(dir).filter((f) => /^epoch-\d+\.safetensors$/.test(f)).sort();
    for (const f of old.slice(0, Math.max(0, old.length - keep))) fs.rmSync(path.join(dir, f), { force: true });
  }
  const latest = path.join(dir, 'latest.safetensors');
  await writeSnapshot(latest, withData);
  return latest;
}
