import type { NamedTensor } from '../engine/checkpoint/safetensors';
import { readCheckpoint, writeCheckpoint } from '../engine/checkpoint/checkpoint-file';
import type { CheckpointSnapshot } from '../engine/training/checkpoint-state';

/** Writes a training snapshot as a safetensors file (atomically). */
export async function writeSnapshot(file: string, snapshot: CheckpointSnapshot): Promise<void> {
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, t] of Object.entries(snapshot.tensors)) tensors[name] = { dtype: 'F32', shape: t.shape, data: t.data };
  await writeCheckpoint(file, tensors, snapshot.metadata);
}

/** Reads a safetensors checkpoint written by Apical back into a snapshot. */
export async function readSnapshot(file: string): Promise<CheckpointSnapshot> {
  const decoded = await readCheckpoint(file);
  const tensors: CheckpointSnapshot['tensors'] = {};
  for (const [name, t] of Object.entries(decoded.tensors)) {
    if (t.dtype !== 'F32') throw new Error(`${file}: tensor '${name}' has dtype ${t.dtype}, expected F32`);
    tensors[name] = { shape: t.shape, data: t.data as Float32Array };
  }
  return { tensors, metadata: decoded.metadata };
}
