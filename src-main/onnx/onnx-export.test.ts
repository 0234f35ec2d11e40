/**
 * The three ONNX forms against the engine on tiny random networks: the spiking and step
 * forms must reproduce the engine's spike counts, membrane potentials and decisions bit
 * for bit (reset zero and subtract, with and without refractory steps).
 */
import * as ort from 'onnxruntime-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CircuitInput } from '../../src-shared/circuit';
import { initBackend } from '../engine/tensor/backend';
import { engineOutputs } from './engine-reference';
import { DEFAULT_GRAPH_OPTIONS } from './formats';
import type { GraphOptions } from './formats';
import type { ExportProvenance } from './model';
import { buildOnnxBytes } from './model';
import { exportView } from './network-view';
import { openSession, runOneShot, runStepped } from './onnx-runner';
import { decodeModel } from './proto';
import { compare } from './verify';
import { checkWithPython, pythonOnnx, syntheticDataset, tinyNetwork } from './test-fixtures';

const PROVENANCE: ExportProvenance = {
  apicalVersion: 'test', dataset: 'synthetic', datasetHash: 'f'.repeat(64), classes: ['0', '1', '2'],
  testAccuracy: 0.5, testSamples: 64, epoch: 3, checkpoint: 'latest.safetensors',
};
const SAMPLES = 64;
const dataset = syntheticDataset(SAMPLES);

const NEURONS: [string, CircuitInput['neuron']][] = [
  ['reset zero', { reset: 'zero' }],
  ['reset subtract', { reset: 'subtract' }],
  ['reset zero, refractory 2', { reset: 'zero', refractory: 2 }],
  ['reset subtract, refractory 1, tau_m 3', { reset: 'subtract', refractory: 1, tauM: 3 }],
];

function options(o: Partial<GraphOptions>): GraphOptions {
  return { ...DEFAULT_GRAPH_OPTIONS, ...o };
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe.each(NEURONS)('spiking exports, %s', (_name, neuron) => {
  it('the unrolled model, and the step model driven for T steps, equal the engine exactly', async () => {
    const net = tinyNetwork({ neuron });
    try {
      const view = exportView(net);
      const engine = engineOutputs(net, dataset, SAMPLES, { batch: 20 });
      const active = Array.from(engine.counts).filter((c) => c > 0 && c < net.circuit.steps).length;
      expect(active).toBeGreaterThan(SAMPLES / 2); // the check means something only if cells spike
      const unrolled = await runOneShot(await openSession(buildOnnxBytes(view, options({ membrane: true }), PROVENANCE)), dataset, SAMPLES, net.classes);
      expect(compare(engine, unrolled)).toEqual({ predictionMismatches: 0, predictionAgreement: 1, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
      const stepped = await runStepped(await openSession(buildOnnxBytes(view, options({ format: 'step' }), PROVENANCE)), view, dataset, SAMPLES);
      expect(compare({ ...unrolled, classes: net.classes }, stepped)).toMatchObject({ predictionMismatches: 0, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
      expect(compare(engine, stepped)).toMatchObject({ predictionMismatches: 0, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
    } finally {
      net.dispose();
    }
  });
});

describe('model structure', () => {
  it('writes opset 17, IR 8, a symbolic batch dimension and the metadata', () => {
    const net = tinyNetwork();
    try {
      const model = decodeModel(buildOnnxBytes(exportView(net), options({}), PROVENANCE));
      expect(Number(model.irVersion)).toBe(8);
      expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
      const input = model.graph?.input?.[0];
      expect(input?.name).toBe('images');
      expect(input?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 10, 10, 1]);
      expect(model.graph?.output?.map((o) => o.name)).toEqual(['spike_counts', 'prediction']);
      const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      expect(meta).toMatchObject({ rule: 'microcircuit', seed: '7', steps: '8', dataset: 'synthetic', test_accuracy: '0.5', 'apical.version': 'test', 'apical.format': 'spiking' });
      expect(JSON.parse(meta.neuron ?? '{}')).toMatchObject({ tauM: 5, tauS: 2, vTh: 1, reset: 'zero' });
      expect(meta.weight_layout).toMatch(/\[in, out\]/);
      expect(meta.dataset_hash).toBe('f'.repeat(64));
      expect(model.graph?.initializer?.map((t) => t.name)).toContain('layers.0.weight');
    } finally {
      net.dispose();
    }
  });

  it('gives the step model one state input and output per layer state', () => {
    const net = tinyNetwork({ neuron: { refractory: 1 } });
    try {
      const model = decodeModel(buildOnnxBytes(exportView(net), options({ format: 'step' }), PROVENANCE));
      expect(model.graph?.input?.map((i) => i.name)).toEqual(['images', ...[0, 1, 2].flatMap((l) => ['u', 's', 'a', 'r'].map((k) => `${k}_${l}`))]);
      expect(model.graph?.output?.[0].name).toBe('spikes_out');
      expect(model.graph?.output?.length).toBe(1 + 3 * 4);
    } finally {
      net.dispose();
    }
  });
});

describe('rate export', () => {
  it('runs as Gemm + activation and matches a plain-JS clipped-ReLU network', async () => {
    const net = tinyNetwork();
    try {
      const view = exportView(net);
      const bytes = buildOnnxBytes(view, options({ format: 'rate', rateActivation: 'clipped-relu' }), PROVENANCE);
      expect(decodeModel(bytes).graph?.node?.filter((n) => n.opType === 'Gemm').length).toBe(3);
      const onnx = await runOneShot(await openSession(bytes), dataset, SAMPLES, net.classes);
      const x = Float32Array.from(dataset.test.images, (v) => v / 255);
      let a = Array.from({ length: SAMPLES }, (_, i) => Array.from(x.subarray(i * 100, i * 100 + 100)));
      for (const layer of view.layers) {
        const [inSize, outSize] = layer.weight?.shape ?? [0, 0];
        a = a.map((row) => Array.from({ length: outSize }, (_, j) => {
          let s = layer.bias?.data[j] ?? 0;
          for (let k = 0; k < inSize; k++) s += row[k] * (layer.weight?.data[k * outSize + j] ?? 0);
          return Math.min(1, Math.max(0, s));
        }));
      }
      a.flat().forEach((r, i) => expect(onnx.rates?.[i]).toBeCloseTo(r, 5));
    } finally {
      net.dispose();
    }
  });

  it('uses the LIF rate that a constant current really gives', async () => {
    const net = tinyNetwork({ layers: [{ kind: 'dense', units: 3 }] }, [1, 1, 1]);
    try {
      // one input pixel x = 1, W = identity-like row: the output layer's current is w_j + b_j
      const currents = [0.1, 0.25, 0.3, 0.55, 0.9, 1, 1.7, 3];
      const p = net.neuron;
      const view = exportView(net);
      const rates: number[] = [];
      for (const c of currents) {
        const layer = { ...view.layers[0], weight: { shape: [1, 3], data: new Float32Array([c, c, c]) }, bias: { shape: [3], data: new Float32Array(3) } };
        const bytes = buildOnnxBytes({ ...view, layers: [layer] }, options({ format: 'rate' }), PROVENANCE);
        const out = await (await openSession(bytes)).run({ images: new ort.Tensor('float32', new Float32Array([1]), [1, 1, 1, 1]) });
        rates.push((out.rates.data as Float32Array)[0]);
      }
      expect(rates).toEqual(currents.map((c) => simulatedRate(c, p.tauM, p.vTh)));
    } finally {
      net.dispose();
    }
  });
});

/** Steady-state rate of the engine's LIF (reset zero) under a constant current, by simulation. */
function simulatedRate(current: number, tauM: number, vTh: number): number {
  let u = 0;
  let s = 0;
  const spikes: number[] = [];
  for (let t = 0; t < 400; t++) {
    u = u * (1 - s) * (1 - 1 / tauM) + current;
    s = u >= vTh ? 1 : 0;
    if (s) spikes.push(t);
  }
  if (spikes.length < 2) return 0;
  return Math.fround(1 / (spikes[spikes.length - 1] - spikes[spikes.length - 2]));
}

describe('onnx.checker (Debian python3-onnx)', () => {
  const py = pythonOnnx();
  it.skipIf(!py.ok)('accepts every format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const net = tinyNetwork({ neuron: { refractory: 1 } });
    try {
      const files = (['spiking', 'step', 'rate'] as const).map((format) => {
        const file = join(dir, `${format}.onnx`);
        writeFileSync(file, buildOnnxBytes(exportView(net), options({ format, membrane: true }), PROVENANCE));
        return file;
      });
      const r = checkWithPython(files);
      expect(r.output).toBe(files.map((f) => `${f}: ok 8 17\n`).join(''));
      expect(r.ok).toBe(true);
    } finally {
      net.dispose();
    }
  });
  if (!py.ok) console.log(`skipping onnx.checker: ${py.reason}`);
});
