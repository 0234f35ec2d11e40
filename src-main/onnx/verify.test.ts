import { describe, expect, it } from 'vitest';
import { decide } from './onnx-runner';
import { compare, judge } from './verify';

const side = (predictions: number[], counts: number[], membrane: number[]) => ({
  predictions: Int32Array.from(predictions), counts: Float32Array.from(counts), membrane: Float32Array.from(membrane), classes: 2,
});

describe('verification verdicts', () => {
  it('counts samples with any differing spike count, and fails a spiking export on them', () => {
    const engine = side([0, 1, 1], [3, 1, 0, 2, 1, 4], [0.5, 0.2, 0.1, 0.9, 0, 1]);
    const onnx = side([0, 1, 0], [3, 1, 0, 3, 1, 4], [0.5, 0.2, 0.1, 0.9, 0, 1.25]);
    const c = compare(engine, onnx);
    expect(c).toEqual({ predictionMismatches: 1, predictionAgreement: 2 / 3, spikeCountMismatches: 1, membraneMaxAbsDiff: 0.25 });
    const verdict = judge('spiking', c, null, { engine: 1, onnx: 1 }, 3);
    expect(verdict.ok).toBe(false);
    expect(verdict.verdict).toMatch(/^DISAGREES .* 1 prediction and 1 spike-count mismatches/);
    expect(judge('spiking', compare(engine, engine), null, { engine: 1, onnx: 1 }, 3).ok).toBe(true);
    expect(judge('step', compare(engine, engine), c, { engine: 1, onnx: 1 }, 3).ok).toBe(false);
    expect(judge('rate', c, null, { engine: 0.9, onnx: 0.8 }, 3)).toMatchObject({ ok: true, verdict: expect.stringMatching(/rate form accuracy 80\.00% vs spiking 90\.00%/) });
  });
});

describe('decide (the engine\'s decision in plain float32)', () => {
  it('takes the most spikes, breaks ties by membrane potential, then by the first class', () => {
    const counts = Float32Array.from([2, 5, 1, /**/ 3, 3, 0, /**/ 4, 4, 4, /**/ 8, 8, 0]);
    const u = Float32Array.from([9, 0, 0, /**/ 0.1, 0.3, 5, /**/ 0, 0, 0, /**/ 40, 50, 0]);
    // the last row: sigmoid(40) and sigmoid(50) both round to 1 in float32, so the first class wins, as in tfjs
    expect(Array.from(decide(counts, u, 3))).toEqual([1, 1, 0, 0]);
  });
});
