import { expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import { parseCircuit } from '../../../src-shared/circuit';
import type { NeuronParams } from '../../../src-shared/circuit';
import { describeEachBackend } from '../testing/backends';
import { lifTraceReference, lifTraceStep } from './lif-trace';
import { poissonSpikes, poissonUniform } from './poisson';
import { errorColumnReference, errorColumnStep } from './error-column';
import { adamReference, adamStep } from './adam';
import type { ErrorColumnAttrs } from './error-column';

const neuronCases: Partial<NeuronParams>[] = [
  {},
  { surrogateWidth: 2 },
  { surrogate: 'fast-sigmoid', reset: 'subtract', surrogateSlope: 3 },
  { tauM: 2, tauS: 4, vTh: 0.5 },
];

async function read(t: Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** A layer state with potentials spread around the threshold, a mix of spikes, traces. */
function layerState(seed: number) {
  return {
    current: tf.randomNormal([16, 96], 0.4, 0.6, 'float32', seed),
    u: tf.randomNormal([16, 96], 0.8, 0.7, 'float32', seed + 1),
    s: tf.cast(tf.greater(tf.randomNormal([16, 96], 0, 1, 'float32', seed + 2), 0.3), 'float32'),
    a: tf.randomUniform([16, 96], 0, 1, 'float32', seed + 3),
  };
}

describeEachBackend('fused soma + trace + gate kernel equals its plain-op reference', () => {
  for (const [i, neuron] of neuronCases.entries()) {
    it(`neuron ${JSON.stringify(neuron)}`, async () => {
      const p = parseCircuit({ layers: [{ kind: 'dense', units: 1 }], neuron }).neuron;
      const { current, u, s, a } = layerState(10 * i + 1);
      const fused = lifTraceStep(current, { u, s }, a, p, true);
      const reference = lifTraceReference(current, { u, s }, a, p, true);
      const pairs: [string, Tensor, Tensor][] = [
        ['u', fused.lif.u, reference.lif.u], ['s', fused.lif.s, reference.lif.s],
        ['a', fused.a, reference.a], ['gate', fused.gate as Tensor, reference.gate as Tensor],
      ];
      for (const [name, x, y] of pairs) {
        expect(Array.from(await read(x)), name).toEqual(Array.from(await read(y)));
      }
      // the case exercises both branches: some neurons spike, some are inside the gate window
      const spikes = (await read(fused.lif.s)).reduce((acc, v) => acc + v, 0);
      expect(spikes).toBeGreaterThan(0);
      expect(spikes).toBeLessThan(16 * 96);
      tf.dispose([current, u, s, a, fused.lif.u, fused.lif.s, fused.a, fused.gate as Tensor, reference.lif.u, reference.lif.s, reference.a, reference.gate as Tensor]);
    });
  }

  it('keeps the tensor count flat over many steps', async () => {
    const p = parseCircuit({ layers: [{ kind: 'dense', units: 1 }] }).neuron;
    const { current, u, s, a } = layerState(99);
    let state = { u: tf.clone(u), s: tf.clone(s), a: tf.clone(a) };
    const before = tf.memory().numTensors;
    for (let t = 0; t < 50; t++) {
      const next = lifTraceStep(current, state, state.a, p, true);
      tf.dispose([state.u, state.s, state.a, next.gate as Tensor]);
      state = { u: next.lif.u, s: next.lif.s, a: next.a };
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([current, u, s, a, state.u, state.s, state.a]);
  });
});

describeEachBackend('Poisson spikes drawn on the device', () => {
  it('are the same on every backend (a fixed checksum of a counter-based hash)', async () => {
    const x = tf.fill([4, 1000], 0.3);
    const spikes = poissonSpikes(x, 42, 3, 1);
    const values = await read(spikes);
    let checksum = 0;
    values.forEach((v, i) => (checksum += v * i));
    // the host formula for element i, computed without any backend
    let expected = 0;
    for (let i = 0; i < 4000; i++) expected += poissonUniform(42, 3, i) < Math.fround(0.3) ? i : 0;
    expect(checksum).toBe(expected);
    tf.dispose([x, spikes]);
  });

  it('fire at the requested rate and differ across steps and seeds', async () => {
    const x = tf.fill([8, 1000], 0.25);
    const a = await read(poissonSpikes(x, 7, 0, 0.8));
    const b = await read(poissonSpikes(x, 7, 1, 0.8));
    const c = await read(poissonSpikes(x, 8, 0, 0.8));
    const rate = a.reduce((s, v) => s + v, 0) / a.length;
    expect(rate).toBeGreaterThan(0.18);
    expect(rate).toBeLessThan(0.22);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    x.dispose();
  });
});

describeEachBackend('fused error-cell column equals its plain-op reference', () => {
  const cases: { label: string; attrs: ErrorColumnAttrs; state: number[] }[] = [
    { label: 'auto, first step of a batch', attrs: { mode: 'auto', scale: 0.5 }, state: [-Infinity, -Infinity, -Infinity] },
    { label: 'auto, with an EMA and a running max', attrs: { mode: 'auto', scale: 0.25 }, state: [0.3, 0.1, -Infinity] },
    { label: 'fixed theta', attrs: { mode: 'fixed', scale: 1 }, state: [-Infinity, -Infinity, 0.05] },
  ];
  for (const { label, attrs, state } of cases) {
    it(label, async () => {
      const shape = [8, 101]; // not a multiple of 4: exercises the SIMD kernel's tail
      const xPos = tf.relu(tf.randomNormal(shape, 0, 0.5, 'float32', 1));
      const xNeg = tf.relu(tf.randomNormal(shape, 0, 0.5, 'float32', 2));
      const gate = tf.mul(tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', 3), 0.3), 'float32'), 0.5);
      const cPos = tf.randomUniform(shape, 0, 0.1, 'float32', 4);
      const cNeg = tf.randomUniform(shape, 0, 0.1, 'float32', 5);
      const thetaState = tf.tensor1d(state);
      const fused = errorColumnStep(xPos, xNeg, gate, cPos, cNeg, thetaState, attrs);
      const reference = errorColumnReference(xPos, xNeg, gate, cPos, cNeg, thetaState, attrs);
      for (const key of ['rPos', 'rNeg', 'cPos', 'cNeg', 'input', 'stats'] as const) {
        expect(Array.from(await read(fused[key])), key).toEqual(Array.from(await read(reference[key])));
      }
      const [saturated, spikes] = await read(fused.stats);
      expect(spikes).toBeGreaterThan(0);
      expect(saturated).toBeGreaterThan(0);
      tf.dispose([xPos, xNeg, gate, cPos, cNeg, thetaState, ...Object.values(fused), ...Object.values(reference)]);
    });
  }
});

describeEachBackend('fused Adam step equals its plain-op reference', () => {
  it('on a tensor whose size is not a multiple of 4, over three steps', async () => {
    const shape = [37, 11];
    let w = tf.randomNormal(shape, 0, 0.1, 'float32', 1);
    let m = tf.zeros(shape);
    let v = tf.zeros(shape);
    let [wr, mr, vr] = [tf.clone(w), tf.clone(m), tf.clone(v)];
    for (let k = 1; k <= 3; k++) {
      const g = tf.randomNormal(shape, 0, 0.01, 'float32', 10 + k);
      const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, lr: 1e-3, c1: 1 - 0.9 ** k, c2: 1 - 0.999 ** k };
      const fused = adamStep(w, g, m, v, attrs);
      const ref = adamReference(wr, g, mr, vr, attrs);
      tf.dispose([w, m, v, wr, mr, vr, g]);
      [w, m, v, wr, mr, vr] = [fused.w, fused.m, fused.v, ref.w, ref.m, ref.v];
    }
    for (const [x, y] of [[w, wr], [m, mr], [v, vr]]) expect(Array.from(await read(x))).toEqual(Array.from(await read(y)));
    tf.dispose([w, m, v, wr, mr, vr]);
  });
});
