import fs from 'node:fs';
import path from 'node:path';
import { BACKEND_NAMES, initBackend } from '../../engine/tensor/backend';
import { removePendingTemps } from '../../onnx/atomic-file';
import { OnnxExportError } from '../../onnx/errors';
import { exportOnnx } from '../../onnx/export-onnx';
import { DEFAULT_GRAPH_OPTIONS, ONNX_FORMATS, RATE_ACTIVATIONS } from '../../onnx/formats';
import { MATMUL_MODES } from '../../onnx/matmul';
import { OPSET } from '../../onnx/proto';
import { describeVerifyReport } from '../../onnx/report-text';
import { UsageError, intOption, oneOf, parse } from '../args';
import type { Command } from '../command';
import { ProgressBar } from '../progress';

const USAGE = `apical export onnx (--run DIR | --checkpoint FILE) [options]

Exports a trained network to ONNX (opset ${OPSET}, batch dimension 'batch'), then runs the
file in onnxruntime next to the engine on the test set and writes <file>.verify.json.
Exits with 1 when a spiking or step export does not reproduce the engine exactly.

Formats:
  spiking   (default) the network unrolled over T steps with the engine's exact LIF
            dynamics: images [batch,H,W,C] in [0,1] -> spike_counts, prediction (, membrane)
  step      one time step with explicit state: (images, u_i, s_i, a_i[, r_i]) ->
            (spikes_out, u_i_next, s_i_next, a_i_next[, r_i_next]); start from zeros
  rate      ANN form: Gemm / Conv / AveragePool + rate activation per layer -> rates, prediction

Options:
  --run DIR             a run folder of 'apical train --out DIR' (uses DIR/checkpoints/latest.safetensors)
  --checkpoint FILE     a .safetensors checkpoint written by apical train
  --format F            spiking (default) | step | rate
  --out FILE            output file (default: <run folder>/<circuit>-<format>.onnx)
  --membrane            spiking: also output the output layer's final membrane potential
  --verify-limit N      verify on N test images (default: all; under a limit the fixed random subset evaluation uses)
  --dataset D           data set to verify on (default: the one the circuit names)
  --matmul M            exact (default: bit-identical to the engine's cpu backend) | float32 (plain MatMul and Conv)
  --rate-activation A   rate format: lif (default, LIF steady-state rate) | clipped-relu
  --backend NAME        backend the engine's reference inference runs on: cpu (default, the
                        reference the exact export reproduces) | wasm | webgpu | tensorflow | auto
  --json                print one JSON object
  -h, --help            this help`;

/** `--run DIR` or `--checkpoint FILE` -> the checkpoint file. */
function checkpointOf(run: string | undefined, checkpoint: string | undefined): string {
  if (run && checkpoint) throw new UsageError('give --run DIR or --checkpoint FILE, not both');
  if (checkpoint) return checkpoint;
  if (!run) throw new UsageError('--run DIR or --checkpoint FILE is required');
  const file = path.join(run, 'checkpoints', 'latest.safetensors');
  if (!fs.existsSync(file)) throw new OnnxExportError(`${run}: no checkpoints/latest.safetensors here (a run folder is what 'apical train --out DIR' writes)`, 'io');
  return file;
}

export const exportCommand: Command = {
  name: 'export',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      run: { type: 'string' }, checkpoint: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
      'verify-limit': { type: 'string' }, dataset: { type: 'string' }, json: { type: 'boolean' }, membrane: { type: 'boolean' },
      matmul: { type: 'string' }, 'rate-activation': { type: 'string' }, backend: { type: 'string' },
    }, 1);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals[0] !== 'onnx') throw new UsageError(positionals[0] ? `unknown export target '${positionals[0]}' (only 'onnx')` : 'say what to export to: apical export onnx ...');
    const graph = {
      format: oneOf(values.format, 'format', ONNX_FORMATS) ?? DEFAULT_GRAPH_OPTIONS.format,
      membrane: values.membrane === true,
      matmul: oneOf(values.matmul, 'matmul', MATMUL_MODES) ?? DEFAULT_GRAPH_OPTIONS.matmul,
      rateActivation: oneOf(values['rate-activation'], 'rate-activation', RATE_ACTIVATIONS) ?? DEFAULT_GRAPH_OPTIONS.rateActivation,
    };
    if (graph.membrane && graph.format !== 'spiking') throw new UsageError('--membrane applies to --format spiking (the step format always outputs u)');
    const verifyLimit = intOption(values['verify-limit'], 'verify-limit');
    const backendName = oneOf(values.backend, 'backend', BACKEND_NAMES) ?? 'cpu';
    const json = values.json === true;
    const bar = new ProgressBar();
    const onSignal = () => {
      removePendingTemps();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const checkpoint = checkpointOf(values.run, values.checkpoint);
      const backend = await initBackend(backendName);
      const result = await exportOnnx({
        checkpoint, dataset: values.dataset, out: values.out, graph, verifyLimit, backend: backend.name,
        onProgress: (phase, done, total) => !json && bar.update(phase, done, total),
      });
      bar.clear();
      if (json) {
        console.log(JSON.stringify({ event: 'export', file: result.file, reportFile: result.reportFile, exportSeconds: result.exportSeconds, report: result.report }));
      } else {
        const mb = (result.report.bytes / 2 ** 20).toFixed(1);
        console.log(`exported ${result.file} (${graph.format}, ${mb} MiB, opset ${OPSET}) in ${result.exportSeconds.toFixed(2)} s`);
        console.log(describeVerifyReport(result.report));
        console.log(`report: ${result.reportFile}`);
      }
      return result.report.ok ? 0 : 1;
    } catch (e) {
      bar.clear();
      if (!(e instanceof OnnxExportError)) throw e;
      if (json) console.log(JSON.stringify({ event: 'error', code: e.code, message: e.message }));
      else console.error(`apical export: ${e.message}`);
      return 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
