/**
 * Small networks and data for the export tests: a random circuit that spikes a fair amount,
 * and a synthetic in-memory data set (no files).
 */
import { spawnSync } from 'node:child_process';
import type { CircuitInput } from '../../src-shared/circuit';
import { parseCircuit } from '../../src-shared/circuit';
import type { Dataset } from '../engine/datasets/dataset';
import { Network } from '../engine/network';
import { Rng } from '../engine/random';
import { tf } from '../engine/tensor/tf';

/** Image shape of the tiny tests: 100 inputs, so products span three of the cpu backend's 48-blocks. */
export const TINY_SHAPE: [number, number, number] = [10, 10, 1];

/** A random 100-60-20-3 circuit; `gain` 8 and positive-leaning biases make it spike. */
export function tinyNetwork(overrides: Partial<CircuitInput> = {}, shape: [number, number, number] = TINY_SHAPE, classes = 3): Network {
  const circuit = parseCircuit({
    layers: [{ kind: 'dense', units: 60 }, { kind: 'dense', units: 20 }, { kind: 'dense', units: classes }],
    steps: 8, seed: 7, init: { gain: 8 }, ...overrides,
  });
  const net = new Network(circuit, { inputShape: shape, classes });
  const rng = new Rng(11);
  const biases: Record<string, tf.Tensor> = {};
  for (const l of net.layers) if (l.bias) biases[`layers.${l.index}.bias`] = tf.tensor(rng.uniformArray(l.bias.size, 0.6).map((b) => b + 0.3), l.bias.shape);
  net.assign(biases);
  return net;
}

/** A synthetic data set of random images (a quarter of the pixels dark) and labels. */
export function syntheticDataset(count: number, shape: [number, number, number] = TINY_SHAPE, classes = 3, seed = 3): Dataset {
  const rng = new Rng(seed);
  const size = shape[0] * shape[1] * shape[2];
  const u = rng.uniformArray(count * size, 1);
  const images = Uint8Array.from(u, (v) => (v < -0.5 ? 0 : Math.round(((v + 1) / 2) * 255)));
  const labels = Uint8Array.from(rng.uniformArray(count, 1), (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
  const split = { count, images, labels };
  return { name: 'synthetic', shape, classes: Array.from({ length: classes }, (_, i) => String(i)), train: split, test: split, source: 'memory', hash: '0'.repeat(64) };
}

const PYTHON = process.env.APICAL_TEST_PYTHON ?? '/usr/bin/python3';

/** Whether the Debian python3-onnx package is importable (reason when not). */
export function pythonOnnx(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${PYTHON}: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `${PYTHON} cannot import onnx (apt-get install python3-onnx)` };
  return { ok: true };
}

/** Runs onnx.checker.check_model (full check, with shape inference) on files; prints `<file>: ok <ir> <opset>` per file. */
export function checkWithPython(files: readonly string[]): { ok: boolean; output: string } {
  const script = [
    'import onnx, sys',
    'for f in sys.argv[1:]:',
    '    m = onnx.load(f)',
    '    onnx.checker.check_model(m, full_check=True)',
    '    print("%s: ok %d %d" % (f, m.ir_version, m.opset_import[0].version))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
