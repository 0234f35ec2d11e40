/**
 * The conv and pooling currents alone, on random float traces: the `exact` graphs must
 * equal the tfjs cpu backend's Conv2D + bias and AvgPool bit for bit; a plain float32 ONNX
 * Conv sums in another order and does not (which is why the spiking export needs the exact
 * form: a potential within rounding of the threshold would spike differently).
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConvLayerSpec, LayerSpec, PoolLayerSpec } from '../../src-shared/circuit';
import { Rng } from '../engine/random';
import { initBackend } from '../engine/tensor/backend';
import { tf } from '../engine/tensor/tf';
import { avgPoolExporter } from './avg-pool';
import { convExporter, convGeometry } from './conv';
import { GraphBuilder } from './graph-builder';
import type { LayerExporter } from './layer-exporter';
import type { MatMulMode } from './matmul';
import type { ExportLayer } from './network-view';
import { IR_VERSION, OPSET, encodeModel } from './proto';

const BATCH = 3;

beforeAll(async () => {
  await initBackend('cpu');
});

/** Runs one layer's `current` graph in onnxruntime. */
async function onnxCurrent(exporter: LayerExporter, layer: ExportLayer, x: Float32Array, mode: MatMulMode): Promise<Float32Array> {
  const g = new GraphBuilder('current');
  const input = g.input('x', 'float', ['batch', ...layer.inShape]);
  const out = g.within('layer', () => exporter.prepare(g, layer, mode).current(input));
  g.output(out, 'y', 'float', ['batch', ...layer.outShape]);
  const bytes = encodeModel({ irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], graph: g.build() });
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ x: new ort.Tensor('float32', x, [BATCH, ...layer.inShape]) });
  return result.y.data as Float32Array;
}

function bitsDiffer(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

const CONVS: [string, ConvLayerSpec, [number, number, number]][] = [
  ['3x3 same, 16 -> 24 channels', { kind: 'conv', filters: 24, kernel: 3, stride: 1, padding: 'same' }, [9, 9, 16]],
  ['4x4 same stride 2 (odd padding after)', { kind: 'conv', filters: 8, kernel: 4, stride: 2, padding: 'same' }, [7, 7, 12]],
  ['3x3 valid stride 2', { kind: 'conv', filters: 10, kernel: 3, stride: 2, padding: 'valid' }, [9, 8, 20]],
];

describe.each(CONVS)('conv current, %s', (_name, spec, inShape) => {
  it('exact equals tfjs cpu conv2d + bias bit for bit; float32 Conv is close but not identical', async () => {
    const rng = new Rng(5);
    const geo = convGeometry(spec, inShape);
    const weightShape = [spec.kernel, spec.kernel, inShape[2], spec.filters];
    const weight = rng.uniformArray(weightShape.reduce((a, b) => a * b), 0.5);
    const bias = rng.uniformArray(spec.filters, 0.2);
    // traces: values in [0, 1) with many exact zeros, as spiking layers give
    const x = Float32Array.from(rng.uniformArray(BATCH * inShape[0] * inShape[1] * inShape[2], 1), (v) => Math.max(0, v));
    const layer = exportLayer(spec, inShape, [geo.outH, geo.outW, spec.filters], { shape: weightShape, data: weight }, { shape: [spec.filters], data: bias });
    const expected = tf.tidy(() => tf.add(
      tf.conv2d(tf.tensor4d(x, [BATCH, ...inShape]), tf.tensor4d(weight, weightShape as [number, number, number, number]), spec.stride, spec.padding),
      tf.tensor1d(bias),
    ).dataSync() as Float32Array);
    const exact = await onnxCurrent(convExporter, layer, x, 'exact');
    expect(bitsDiffer(exact, expected)).toBe(0);
    const plain = await onnxCurrent(convExporter, layer, x, 'float32');
    plain.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(bitsDiffer(plain, expected)).toBeGreaterThan(0);
  });
});

describe('avg-pool current', () => {
  it.each([2, 3])('size %i equals tfjs cpu avgPool bit for bit', async (size) => {
    const rng = new Rng(9);
    const inShape: [number, number, number] = [6, 12, 5];
    const x = Float32Array.from(rng.uniformArray(BATCH * 6 * 12 * 5, 1), (v) => Math.max(0, v) ** 3);
    const spec: PoolLayerSpec = { kind: 'avg-pool', size };
    const layer = exportLayer(spec, inShape, [6 / size, 12 / size, 5], null, null);
    const expected = tf.tidy(() => tf.avgPool(tf.tensor4d(x, [BATCH, ...inShape]), size, size, 'valid').dataSync() as Float32Array);
    expect(bitsDiffer(await onnxCurrent(avgPoolExporter, layer, x, 'exact'), expected)).toBe(0);
  });

  it('refuses a window that does not tile the input', () => {
    const layer = exportLayer({ kind: 'avg-pool', size: 2 }, [5, 4, 1], [2, 2, 1], null, null);
    expect(() => avgPoolExporter.prepare(new GraphBuilder('x'), layer, 'exact')).toThrow(/avg-pool of size 2 needs .* divisible by 2, got \[5, 4, 1\]/);
  });
});

function exportLayer(spec: LayerSpec, inShape: number[], outShape: number[], weight: ExportLayer['weight'], bias: ExportLayer['bias']): ExportLayer {
  return { index: 0, spec, inShape, outShape, hasCells: spec.kind !== 'avg-pool', weight, bias };
}
