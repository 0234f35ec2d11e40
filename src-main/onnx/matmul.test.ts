import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../engine/random';
import { initBackend } from '../engine/tensor/backend';
import { tf } from '../engine/tensor/tf';
import { GraphBuilder } from './graph-builder';
import { TFJS_CPU_BLOCK, denseProduct } from './matmul';
import type { MatMulMode } from './matmul';
import { IR_VERSION, OPSET, encodeModel } from './proto';

beforeAll(async () => {
  await initBackend('cpu');
});

/** a . W through onnxruntime, with the product written in `mode`. */
async function onnxProduct(a: Float32Array, w: Float32Array, batch: number, inSize: number, outSize: number, mode: MatMulMode): Promise<Float32Array> {
  const g = new GraphBuilder('product');
  const input = g.input('a', 'float', ['batch', inSize]);
  const weight = g.initializer('w', 'float', [inSize, outSize], w);
  g.output(denseProduct(g, input, weight, inSize, outSize, mode), 'y', 'float', ['batch', outSize]);
  const bytes = encodeModel({ irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], graph: g.build() });
  const session = await ort.InferenceSession.create(bytes);
  return (await session.run({ a: new ort.Tensor('float32', a, [batch, inSize]) })).y.data as Float32Array;
}

describe('dense products', () => {
  it('uses the block size of the tfjs cpu backend', () => {
    expect((tf.backend() as unknown as { blockSize: number }).blockSize).toBe(TFJS_CPU_BLOCK);
  });

  it.each([1, 48, 49, 200])('exact mode is bit-identical to tfjs cpu matMul (inner size %i)', async (inSize) => {
    const rng = new Rng(inSize);
    const batch = 33;
    const outSize = 29;
    const a = Float32Array.from(rng.uniformArray(batch * inSize, 1), (v) => (v < -0.3 ? 0 : Math.fround((v + 1) / 2)));
    const w = rng.uniformArray(inSize * outSize, 0.3);
    const engine = tf.tidy(() => tf.matMul(tf.tensor(a, [batch, inSize]), tf.tensor(w, [inSize, outSize])).dataSync());
    const exact = await onnxProduct(a, w, batch, inSize, outSize, 'exact');
    expect(Array.from(exact)).toEqual(Array.from(engine));
    const plain = await onnxProduct(a, w, batch, inSize, outSize, 'float32');
    plain.forEach((v, i) => expect(v).toBeCloseTo(engine[i], 4));
  });
});
