/**
 * A run's checkpoints/ folder as the project sees it: which files there are and which
 * epoch each holds, read from the safetensors header alone (8-byte length, JSON header
 * with `__metadata__.epoch`) without loading the tensors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINTS_DIR } from './layout';

export interface CheckpointFile {
  /** relative to the run folder, e.g. 'checkpoints/epoch-0003.safetensors' */
  readonly file: string;
  /** completed epochs it holds */
  readonly epoch: number;
}

const HEADER_LIMIT = 64 * 1024 * 1024;

/** The completed-epoch count of a checkpoint, or null when its header is unreadable or the file is short. */
export function checkpointEpoch(file: string): number | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    if (fs.readSync(fd, head, 0, 8, 0) !== 8) return null;
    const length = Number(head.readBigUInt64LE(0));
    if (length <= 0 || length > HEADER_LIMIT || 8 + length > size) return null;
    const json = Buffer.alloc(length);
    if (fs.readSync(fd, json, 0, length, 8) !== length) return null;
    const header = JSON.parse(json.toString('utf8')) as Record<string, { data_offsets?: [number, number] } | Record<string, string>>;
    let end = 0;
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const offsets = (entry as { data_offsets?: [number, number] }).data_offsets;
      if (offsets) end = Math.max(end, offsets[1]);
    }
    if (8 + length + end > size) return null;
    const epoch = Number((header.__metadata__ as Record<string, string> | undefined)?.epoch);
    return Number.isInteger(epoch) && epoch >= 0 ? epoch : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Readable checkpoints of a run, newest epoch first; of equal epochs the epoch file comes
 * first, since latest.safetensors is rewritten every epoch (a resume must not read a newer one).
 */
export function listCheckpoints(runDir: string): CheckpointFile[] {
  const dir = path.join(runDir, CHECKPOINTS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => f === 'latest.safetensors' || /^epoch-\d+\.safetensors$/.test(f));
  } catch {
    return [];
  }
  const out: CheckpointFile[] = [];
  for (const name of names) {
    const epoch = checkpointEpoch(path.join(dir, name));
    if (epoch !== null) out.push({ file: `${CHECKPOINTS_DIR}/${name}`, epoch });
  }
  return out.sort((a, b) => b.epoch - a.epoch || Number(a.file.endsWith('latest.safetensors')) - Number(b.file.endsWith('latest.safetensors')));
}

/**
 * Where a resume starts: the newest checkpoint with at most `recordedEpochs` epochs, so no
 * epoch is skipped in metrics.jsonl (the trainer writes an epoch's checkpoint before its
 * metrics line, so the latest checkpoint may be one epoch ahead). Null: start over.
 */
export function resumePoint(runDir: string, recordedEpochs: number): CheckpointFile | null {
  return listCheckpoints(runDir).find((c) => c.epoch <= recordedEpochs) ?? null;
}

/** Removes epoch checkpoints beyond `epoch`: they belong to epochs that will be trained again. */
export function dropCheckpointsAfter(runDir: string, epoch: number): void {
  for (const c of listCheckpoints(runDir)) {
    if (c.epoch > epoch && !c.file.endsWith('latest.safetensors')) fs.rmSync(path.join(runDir, c.file), { force: true });
  }
}
