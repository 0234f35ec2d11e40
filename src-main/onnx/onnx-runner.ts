import * as ort from 'onnxruntime-node';
import type { Dataset } from '../engine/datasets/dataset';
import { testBatches } from './engine-reference';
import type { ExportNetwork } from './network-view';
import { sizeOf } from './network-view';

/** What onnxruntime computed for the first `count` test images. */
export interface OnnxOutputs {
  readonly count: number;
  readonly classes: number;
  /** spike counts (spiking, step), count x classes; null for the rate form */
  readonly counts: Float32Array | null;
  /** final output membrane potential, when the model gives it */
  readonly membrane: Float32Array | null;
  /** rate form's output rates */
  readonly rates: Float32Array | null;
  readonly predictions: Int32Array;
  readonly seconds: number;
}

/** Version of the onnxruntime that runs the checks. */
export const ORT_VERSION: string = ort.env.versions.node ?? ort.env.versions.common;

const BATCH = 500;

/** An inference session on a model's bytes, with the runtime's default (full) graph optimisation. */
export function openSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

function floats(t: ort.Tensor): Float32Array {
  return t.data as Float32Array;
}

/**
 * Runs a one-shot model (spiking or rate form) batch by batch and gathers its outputs;
 * `membrane` is read when the model has that output.
 */
export async function runOneShot(session: ort.InferenceSession, dataset: Dataset, count: number, classes: number, onProgress?: (done: number, total: number) => void): Promise<OnnxOutputs> {
  const started = performance.now();
  const has = (name: string) => session.outputNames.includes(name);
  const counts = has('spike_counts') ? new Float32Array(count * classes) : null;
  const membrane = has('membrane') ? new Float32Array(count * classes) : null;
  const rates = has('rates') ? new Float32Array(count * classes) : null;
  const predictions = new Int32Array(count);
  for (const { start, end, images, shape } of testBatches(dataset, count, BATCH)) {
    const out = await session.run({ images: new ort.Tensor('float32', images, shape) });
    counts?.set(floats(out.spike_counts), start * classes);
    membrane?.set(floats(out.membrane), start * classes);
    rates?.set(floats(out.rates), start * classes);
    const pred = out.prediction.data as BigInt64Array;
    for (let i = 0; i < end - start; i++) predictions[start + i] = Number(pred[i]);
    onProgress?.(end, count);
  }
  return { count, classes, counts, membrane, rates, predictions, seconds: (performance.now() - started) / 1000 };
}

/**
 * Drives a step-format model for the circuit's T steps from the resting state (all state
 * inputs zero), feeding each step's `<state>_next` back, and sums `spikes_out` into counts
 * (float32, as the engine does). The decision is taken as the engine takes it (`decide`).
 */
export async function runStepped(session: ort.InferenceSession, net: ExportNetwork, dataset: Dataset, count: number, onProgress?: (done: number, total: number) => void): Promise<OnnxOutputs> {
  const started = performance.now();
  const classes = net.classes;
  const counts = new Float32Array(count * classes);
  const membrane = new Float32Array(count * classes);
  const predictions = new Int32Array(count);
  const stateInputs = session.inputNames.filter((n) => n !== 'images');
  const outLayer = net.layers[net.layers.length - 1].index;
  for (const { start, end, images, shape } of testBatches(dataset, count, BATCH)) {
    const n = end - start;
    const feeds: Record<string, ort.Tensor> = { images: new ort.Tensor('float32', images, shape) };
    for (const name of stateInputs) {
      const layer = net.layers.find((l) => l.index === Number(name.split('_')[1]));
      if (!layer) throw new Error(`step model input '${name}' names no layer`);
      feeds[name] = new ort.Tensor('float32', new Float32Array(n * sizeOf(layer.outShape)), [n, ...layer.outShape]);
    }
    const batchCounts = new Float32Array(n * classes);
    for (let t = 0; t < net.circuit.steps; t++) {
      const out = await session.run(feeds);
      const spikes = floats(out.spikes_out);
      for (let i = 0; i < batchCounts.length; i++) batchCounts[i] += spikes[i];
      for (const name of stateInputs) feeds[name] = out[`${name}_next`];
    }
    const u = feeds[`u_${outLayer}`].data as Float32Array;
    counts.set(batchCounts, start * classes);
    membrane.set(u, start * classes);
    predictions.set(decide(batchCounts, u, classes), start);
    onProgress?.(end, count);
  }
  return { count, classes, counts, membrane, rates: null, predictions, seconds: (performance.now() - started) / 1000 };
}

/**
 * The engine's decision (training/target.ts) in plain float32 arithmetic, as the tfjs cpu
 * kernels compute it: argmax of fround(count + fround(0.5 * fround(1 / (1 + exp(-u))))),
 * first index on ties.
 */
export function decide(counts: Float32Array, potential: Float32Array, classes: number): Int32Array {
  const n = counts.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < classes; k++) {
      const j = i * classes + k;
      const sig = Math.fround(1 / (1 + Math.exp(-potential[j])));
      const score = Math.fround(counts[j] + Math.fround(sig * 0.5));
      if (k === 0 || score > best) {
        best = score;
        out[i] = k;
      }
    }
  }
  return out;
}
