import { subsetIndices } from '../engine/datasets/shuffle';
import type { Dataset } from '../engine/datasets/dataset';
import type { Network } from '../engine/network';
import { tf } from '../engine/tensor/tf';
import { batchRanges, gatherBatch } from '../engine/training/batches';
import { disposeSimulation, simulate } from '../engine/training/simulate';

/** What the engine computes for `count` test images (all, or evaluate's fixed random subset): the reference an export must match. */
export interface EngineOutputs {
  readonly count: number;
  readonly classes: number;
  /** output spike counts, count x classes */
  readonly counts: Float32Array;
  /** output membrane potential at the last step, count x classes */
  readonly membrane: Float32Array;
  /** the engine's decisions */
  readonly predictions: Int32Array;
  readonly accuracy: number;
  readonly seconds: number;
}

/** The image batches every run uses: the engine's own `gatherBatch` (pixel / 255 as float32). */
export function* testBatches(dataset: Dataset, count: number, batch: number): Generator<{ start: number; end: number; images: Float32Array; shape: number[] }> {
  // the same test samples as the engine's evaluation: all, or a fixed random subset under a limit
  const subset = subsetIndices(dataset.test.count, count);
  for (const [start, end] of batchRanges(count, batch)) {
    const indices = subset.subarray(start, end);
    const { images, labels } = gatherBatch(dataset, dataset.test, indices);
    const data = images.dataSync() as Float32Array;
    const shape = [...images.shape];
    tf.dispose([images, labels]);
    yield { start, end, images: data, shape };
  }
}

/** Runs the network (inference only, engine training/simulate.ts) on `count` test images. */
export function engineOutputs(net: Network, dataset: Dataset, count: number, opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {}): EngineOutputs {
  const started = performance.now();
  const classes = net.classes;
  const counts = new Float32Array(count * classes);
  const membrane = new Float32Array(count * classes);
  const predictions = new Int32Array(count);
  for (const { start, end, images, shape } of testBatches(dataset, count, opts.batch ?? 256)) {
    const x = tf.tensor(images, shape);
    const result = simulate(net, x);
    counts.set(result.counts.dataSync(), start * classes);
    membrane.set(result.potential.dataSync(), start * classes);
    predictions.set(result.prediction.dataSync(), start);
    disposeSimulation(result);
    x.dispose();
    opts.onProgress?.(end, count);
  }
  return { count, classes, counts, membrane, predictions, accuracy: accuracyOf(predictions, dataset, count), seconds: (performance.now() - started) / 1000 };
}

/** Fraction of the `count` test images' labels that `predictions` gets right. */
export function accuracyOf(predictions: ArrayLike<number | bigint>, dataset: Dataset, count: number): number {
  let correct = 0;
  const subset = subsetIndices(dataset.test.count, count);
  for (let i = 0; i < count; i++) if (Number(predictions[i]) === dataset.test.labels[subset[i]]) correct++;
  return correct / Math.max(count, 1);
}
