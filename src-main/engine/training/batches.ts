import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Dataset, DatasetSplit } from '../datasets/dataset';
import { sampleSize } from '../datasets/dataset';

/** Gathers samples `indices` of a split into normalised images [n, h, w, c] in [0, 1] and int32 labels. */
export function gatherBatch(dataset: Dataset, split: DatasetSplit, indices: ArrayLike<number>): { images: Tensor; labels: Tensor } {
  const size = sampleSize(dataset);
  const n = indices.length;
  const x = new Float32Array(n * size);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = indices[i] * size;
    const row = split.images.subarray(offset, offset + size);
    const out = i * size;
    for (let j = 0; j < size; j++) x[out + j] = row[j] / 255;
    y[i] = split.labels[indices[i]];
  }
  return { images: tf.tensor(x, [n, ...dataset.shape]), labels: tf.tensor1d(y, 'int32') };
}

/** Consecutive index ranges [start, end) of at most `batch` samples covering `count`. */
export function batchRanges(count: number, batch: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += batch) out.push([s, Math.min(count, s + batch)]);
  return out;
}
