import { readFile } from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../engine/datasets/dataset';
import { findRepoRoot, loadDataset } from '../engine/datasets/registry';
import { loadCheckpoint, networkFromCheckpoint } from '../host/load-checkpoint';
import { writeFileAtomic } from './atomic-file';
import type { EngineOutputs } from './engine-reference';
import { accuracyOf, engineOutputs } from './engine-reference';
import type { GraphOptions } from './formats';
import type { ExportProvenance } from './model';
import { buildOnnxBytes, buildOnnxModel } from './model';
import type { ExportNetwork } from './network-view';
import { exportView } from './network-view';
import type { OnnxOutputs } from './onnx-runner';
import { ORT_VERSION, openSession, runOneShot, runStepped } from './onnx-runner';
import type { Comparison, VerifyReport } from './verify';
import { compare, judge } from './verify';

/** One export: which checkpoint, which form, where to, verified on how many test images. */
export interface ExportOnnxRequest {
  /** a .safetensors checkpoint written by `apical train` */
  readonly checkpoint: string;
  /** data set to verify on (default: the one the circuit names) */
  readonly dataset?: string;
  /** output file (default: `<circuit name>-<format>.onnx` beside the checkpoint's run folder) */
  readonly out?: string;
  readonly graph: GraphOptions;
  /** verify on the first N test images (default: the whole test set) */
  readonly verifyLimit?: number;
  /** the tfjs backend the engine runs on (already initialised by the caller), for the report */
  readonly backend: string;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export interface ExportOnnxResult {
  readonly file: string;
  readonly reportFile: string;
  readonly report: VerifyReport;
  /** seconds to build and write the model */
  readonly exportSeconds: number;
}

/** The version in Apical's package.json. */
export function apicalVersion(): string {
  const root = findRepoRoot();
  if (!root) return 'unknown';
  return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
}

/** Default output path: `<run folder>/<circuit>-<format>.onnx` (the run folder holds checkpoints/). */
export function defaultOutPath(checkpoint: string, circuitName: string, format: string): string {
  const dir = path.dirname(path.resolve(checkpoint));
  const run = path.basename(dir) === 'checkpoints' ? path.dirname(dir) : dir;
  return path.join(run, `${circuitName.replace(/[^\w.-]+/g, '_')}-${format}.onnx`);
}

/**
 * Exports a checkpoint to ONNX and verifies it: the engine runs the test images, the model
 * is written atomically after onnxruntime has run the fsynced temp file next to the engine,
 * and `<file>.verify.json` is written beside it. Nothing is written when the checkpoint does
 * not match its circuit, a layer cannot be exported, or the file does not load.
 */
export async function exportOnnx(req: ExportOnnxRequest): Promise<ExportOnnxResult> {
  const loaded = await loadCheckpoint(req.checkpoint);
  const dataset = await loadDataset(req.dataset ?? loaded.circuit.input.dataset, { onProgress: (d, t) => req.onProgress?.('decoding dataset', d, t) });
  const net = networkFromCheckpoint(loaded, dataset, req.checkpoint);
  try {
    const view = exportView(net);
    buildOnnxModel(view, req.graph, provenance(loaded.epoch, dataset, req.checkpoint, 0, 0)); // fails fast on what cannot be exported
    const count = Math.min(dataset.test.count, req.verifyLimit ?? Infinity);
    const engine = engineOutputs(net, dataset, count, { onProgress: (d, t) => req.onProgress?.('engine', d, t) });
    const file = path.resolve(req.out ?? defaultOutPath(req.checkpoint, loaded.circuit.name, req.graph.format));
    const started = performance.now();
    const bytes = buildOnnxBytes(view, req.graph, provenance(loaded.epoch, dataset, req.checkpoint, engine.accuracy, count));
    const exportSeconds = (performance.now() - started) / 1000;
    const verified: { report?: VerifyReport } = {};
    await writeFileAtomic(file, bytes, async (temp) => {
      verified.report = await verifyModel(await readFile(temp), view, req, engine, dataset, file, exportSeconds);
    });
    const report = verified.report;
    if (!report) throw new Error('verification did not run');
    const reportFile = `${file}.verify.json`;
    await writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    return { file, reportFile, report, exportSeconds };
  } finally {
    net.dispose();
  }
}

function provenance(epoch: number, dataset: Dataset, checkpoint: string, testAccuracy: number, testSamples: number): ExportProvenance {
  return {
    apicalVersion: apicalVersion(), dataset: dataset.name, datasetHash: dataset.hash, classes: dataset.classes,
    testAccuracy, testSamples, epoch, checkpoint: path.basename(checkpoint),
  };
}

/** Runs the written bytes in onnxruntime next to the engine's outputs and builds the report. */
async function verifyModel(bytes: Uint8Array, view: ExportNetwork, req: ExportOnnxRequest, engine: EngineOutputs, dataset: Dataset, file: string, exportSeconds: number): Promise<VerifyReport> {
  const { format } = req.graph;
  const count = engine.count;
  const progress = (phase: string) => (d: number, t: number) => req.onProgress?.(phase, d, t);
  const session = await openSession(bytes);
  let onnx: OnnxOutputs;
  let membraneFrom: string | null = null;
  let vsUnrolled: Comparison | null = null;
  if (format === 'step') {
    onnx = await runStepped(session, view, dataset, count, progress('onnx step x T'));
    membraneFrom = 'u state of the output layer after T steps';
    const unrolled = await runOneShot(await openSession(twin(view, req, engine, dataset)), dataset, count, view.classes, progress('onnx unrolled'));
    vsUnrolled = compare(onnx, unrolled);
  } else {
    onnx = await runOneShot(session, dataset, count, view.classes, progress('onnx'));
    if (format === 'spiking' && onnx.membrane) membraneFrom = 'the model\'s membrane output';
    if (format === 'spiking' && !onnx.membrane) {
      // the same graph with its final potential as an extra output
      const withMembrane = await runOneShot(await openSession(twin(view, req, engine, dataset)), dataset, count, view.classes, progress('onnx membrane'));
      onnx = { ...onnx, membrane: withMembrane.membrane };
      membraneFrom = 'the same graph built with a membrane output (pass --membrane to export it)';
    }
  }
  const vsEngine = compare(engine, onnx);
  const accuracy = { engine: engine.accuracy, onnx: accuracyOf(onnx.predictions, dataset, count) };
  return {
    format, model: file, bytes: bytes.length, matmul: format === 'rate' ? null : req.graph.matmul, exportSeconds,
    dataset: { name: dataset.name, hash: dataset.hash, split: 'test', samples: count, of: dataset.test.count },
    engine: { backend: req.backend, accuracy: engine.accuracy, seconds: engine.seconds },
    onnx: { runtime: `onnxruntime-node ${ORT_VERSION}`, accuracy: accuracy.onnx, seconds: onnx.seconds, membraneFrom },
    vsEngine, vsUnrolled,
    rateActivation: format === 'rate' ? req.graph.rateActivation : null,
    ...judge(format, vsEngine, vsUnrolled, accuracy, count),
  };
}

/** The unrolled spiking model with a membrane output, built in memory from the same weights. */
function twin(view: ExportNetwork, req: ExportOnnxRequest, engine: EngineOutputs, dataset: Dataset): Uint8Array {
  return buildOnnxBytes(view, { ...req.graph, format: 'spiking', membrane: true }, provenance(0, dataset, req.checkpoint, engine.accuracy, engine.count));
}
