/**
 * Conv and pooling layers in the three ONNX forms against the engine: the exact spiking
 * and step graphs must reproduce the tfjs cpu backend's Conv2D and AvgPool bit for bit
 * (tf 'same' padding with the odd pixel after, strides, 'valid'), the rate graph's ONNX
 * Conv must compute the plain convolution.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CircuitInput, ConvLayerSpec } from '../../src-shared/circuit';
import { initBackend } from '../engine/tensor/backend';
import { convGeometry } from './conv';
import { engineOutputs } from './engine-reference';
import type { GraphOptions } from './formats';
import { DEFAULT_GRAPH_OPTIONS } from './formats';
import type { ExportProvenance } from './model';
import { buildOnnxBytes } from './model';
import type { ExportLayer } from './network-view';
import { exportView } from './network-view';
import { openSession, runOneShot, runStepped } from './onnx-runner';
import { decodeModel } from './proto';
import { checkWithPython, pythonOnnx, syntheticDataset, tinyNetwork } from './test-fixtures';
import { compare } from './verify';

const SHAPE: [number, number, number] = [8, 8, 2];
const SAMPLES = 24;
const dataset = syntheticDataset(SAMPLES, SHAPE);
const PROVENANCE: ExportProvenance = {
  apicalVersion: 'test', dataset: 'synthetic', datasetHash: 'f'.repeat(64), classes: ['0', '1', '2'],
  testAccuracy: 0.5, testSamples: SAMPLES, epoch: 1, checkpoint: 'latest.safetensors',
};

const CIRCUITS: [string, CircuitInput['layers'], CircuitInput['neuron']][] = [
  ['conv same - pool - conv stride 2 same - dense, reset zero', [
    { kind: 'conv', filters: 4, kernel: 3, padding: 'same' },
    { kind: 'avg-pool', size: 2 },
    { kind: 'conv', filters: 6, kernel: 3, stride: 2, padding: 'same' },
    { kind: 'dense', units: 3 },
  ], { reset: 'zero' }],
  ['conv valid 2x2 - conv valid stride 2 - dense, reset subtract, refractory 1', [
    { kind: 'conv', filters: 5, kernel: 2, padding: 'valid' },
    { kind: 'conv', filters: 3, kernel: 3, stride: 2, padding: 'valid' },
    { kind: 'dense', units: 3 },
  ], { reset: 'subtract', refractory: 1 }],
];

function options(o: Partial<GraphOptions>): GraphOptions {
  return { ...DEFAULT_GRAPH_OPTIONS, ...o };
}

function convNetwork(layers: CircuitInput['layers'], neuron: CircuitInput['neuron']) {
  return tinyNetwork({ layers, neuron, init: { gain: 3 } }, SHAPE);
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe.each(CIRCUITS)('conv exports, %s', (_name, layers, neuron) => {
  it('the exact spiking and step models equal the engine bit for bit', async () => {
    const net = convNetwork(layers, neuron);
    try {
      const view = exportView(net);
      const engine = engineOutputs(net, dataset, SAMPLES, { batch: 10 });
      const active = Array.from(engine.counts).filter((c) => c > 0 && c < net.circuit.steps).length;
      expect(active).toBeGreaterThan(SAMPLES / 2); // the check means something only if cells spike
      const unrolled = await runOneShot(await openSession(buildOnnxBytes(view, options({ membrane: true }), PROVENANCE)), dataset, SAMPLES, net.classes);
      expect(compare(engine, unrolled)).toEqual({ predictionMismatches: 0, predictionAgreement: 1, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
      const stepped = await runStepped(await openSession(buildOnnxBytes(view, options({ format: 'step' }), PROVENANCE)), view, dataset, SAMPLES);
      expect(compare(engine, stepped)).toMatchObject({ predictionMismatches: 0, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
    } finally {
      net.dispose();
    }
  });

  it('the rate model\'s Conv, pooling and Gemm compute the plain network', async () => {
    const net = convNetwork(layers, neuron);
    try {
      const view = exportView(net);
      const bytes = buildOnnxBytes(view, options({ format: 'rate', rateActivation: 'clipped-relu' }), PROVENANCE);
      expect(decodeModel(bytes).graph?.node?.filter((n) => n.opType === 'Conv').length).toBe(layers.filter((l) => l.kind === 'conv').length);
      const onnx = await runOneShot(await openSession(bytes), dataset, SAMPLES, net.classes);
      const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
      const cap = 1 / (1 + net.neuron.refractory);
      for (let i = 0; i < SAMPLES; i++) {
        let a = Array.from(dataset.test.images.subarray(i * size, (i + 1) * size), (v) => Math.fround(v / 255));
        for (const layer of view.layers) {
          const current = plainLayer(layer, a);
          a = layer.hasCells ? current.map((c) => Math.min(cap, Math.max(0, c / net.neuron.vTh))) : current;
        }
        a.forEach((r, k) => expect(onnx.rates?.[i * net.classes + k]).toBeCloseTo(r, 5));
      }
    } finally {
      net.dispose();
    }
  });
});

describe('conv exports, float32 mode and onnx.checker', () => {
  it('the plain-Conv spiking model runs and mostly agrees', async () => {
    const [, layers, neuron] = CIRCUITS[0];
    const net = convNetwork(layers, neuron);
    try {
      const engine = engineOutputs(net, dataset, SAMPLES, { batch: 10 });
      const plain = await runOneShot(await openSession(buildOnnxBytes(exportView(net), options({ matmul: 'float32' }), PROVENANCE)), dataset, SAMPLES, net.classes);
      // another summation order: a potential within rounding of the threshold may spike differently
      expect(compare(engine, plain).predictionAgreement).toBeGreaterThan(0.9);
    } finally {
      net.dispose();
    }
  });

  const py = pythonOnnx();
  it.skipIf(!py.ok)('onnx.checker accepts every format of a conv network', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-conv-'));
    const [, layers, neuron] = CIRCUITS[1];
    const net = convNetwork(layers, neuron);
    try {
      const files = (['spiking', 'step', 'rate'] as const).map((format) => {
        const file = join(dir, `${format}.onnx`);
        writeFileSync(file, buildOnnxBytes(exportView(net), options({ format }), PROVENANCE));
        return file;
      });
      const r = checkWithPython(files);
      expect(r.output).toBe(files.map((f) => `${f}: ok 8 17\n`).join(''));
    } finally {
      net.dispose();
    }
  });
  if (!py.ok) console.log(`skipping onnx.checker: ${py.reason}`);
});

/** One layer's current in plain JS (float64), NHWC, for the rate test. */
function plainLayer(layer: ExportLayer, a: number[]): number[] {
  const w = layer.weight?.data ?? new Float32Array();
  const b = layer.bias?.data ?? new Float32Array();
  if (layer.spec.kind === 'dense') {
    const out = b.length;
    return Array.from({ length: out }, (_, j) => a.reduce((s, x, k) => s + x * w[k * out + j], b[j]));
  }
  const [h, wd, c] = layer.inShape;
  if (layer.spec.kind === 'avg-pool') {
    const n = layer.spec.size;
    const [oh, ow] = [h / n, wd / n];
    return Array.from({ length: oh * ow * c }, (_, i) => {
      const [y, x, ch] = [Math.floor(i / (ow * c)), Math.floor(i / c) % ow, i % c];
      let s = 0;
      for (let r = 0; r < n; r++) for (let q = 0; q < n; q++) s += a[((y * n + r) * wd + x * n + q) * c + ch];
      return s / (n * n);
    });
  }
  const geo = convGeometry(layer.spec as ConvLayerSpec, layer.inShape);
  const [top, left] = geo.pads;
  const f = geo.filters;
  return Array.from({ length: geo.outH * geo.outW * f }, (_, i) => {
    const [y, x, o] = [Math.floor(i / (geo.outW * f)), Math.floor(i / f) % geo.outW, i % f];
    let s = b[o];
    for (let r = 0; r < geo.k; r++) {
      for (let q = 0; q < geo.k; q++) {
        const [iy, ix] = [y * geo.stride - top + r, x * geo.stride - left + q];
        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
        for (let ch = 0; ch < c; ch++) s += a[(iy * wd + ix) * c + ch] * w[((r * geo.k + q) * c + ch) * f + o];
      }
    }
    return s;
  });
}
