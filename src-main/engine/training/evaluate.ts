import { tf } from '../tensor/tf';
import type { Dataset } from '../datasets/dataset';
import type { Network } from '../network';
import { batchRanges, gatherBatch } from './batches';
import { subsetIndices } from '../datasets/shuffle';
import { disposeSimulation, simulate } from './simulate';

export interface Evaluation {
  readonly accuracy: number;
  /** E per sample */
  readonly loss: number;
  /** rows = true class, columns = predicted */
  readonly confusion: number[][];
  readonly count: number;
  /** output spike counts per sample, when asked for (count x classes) */
  readonly counts?: Float32Array;
  readonly predictions?: Int32Array;
}

/**
 * Runs the network on `count` test samples (inference only, no learning): all of them, or
 * under a limit a fixed random subset (datasets/shuffle.ts subsetIndices), the same for
 * every run. Outputs kept with `keepOutputs` follow the subset's (ascending) order.
 */
export async function evaluate(
  net: Network,
  dataset: Dataset,
  count: number,
  opts: { batch?: number; onProgress?: (done: number, total: number) => void; control?: { checkpoint(): Promise<void>; stopped: boolean }; keepOutputs?: boolean } = {},
): Promise<Evaluation> {
  const classes = net.classes;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const ranges = batchRanges(count, opts.batch ?? 256);
  const subset = subsetIndices(dataset.test.count, count);
  const counts = opts.keepOutputs ? new Float32Array(count * classes) : undefined;
  const predictions = opts.keepOutputs ? new Int32Array(count) : undefined;
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < ranges.length; b++) {
    const [start, end] = ranges[b];
    const indices = subset.subarray(start, end);
    const { images, labels } = gatherBatch(dataset, dataset.test, indices);
    const result = simulate(net, images, { labels });
    const predicted = await result.prediction.data();
    loss += (await (result.loss as tf.Tensor).data())[0];
    if (counts) counts.set(await result.counts.data(), start * classes);
    if (predictions) predictions.set(predicted, start);
    for (let i = 0; i < indices.length; i++) {
      const truth = dataset.test.labels[indices[i]];
      confusion[truth][predicted[i]]++;
      if (truth === predicted[i]) correct++;
    }
    disposeSimulation(result);
    tf.dispose([images, labels]);
    opts.onProgress?.(end, count);
    if (opts.control) {
      await opts.control.checkpoint();
      if (opts.control.stopped) break;
    }
  }
  const n = Math.max(count, 1);
  return { accuracy: correct / n, loss: loss / n, confusion, count, counts, predictions };
}
