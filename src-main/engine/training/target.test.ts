import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import { Rng } from '../random';
import { decide, makeTarget, outputError, stepLoss } from './target';
import { useBackend } from '../testing/backends';
import { tinyCircuit, tinyNetwork } from '../testing/reference-network';
import { decide as refDecide, outputError as refOutputError, stepLoss as refStepLoss, targetTraces } from '../reference/training/target';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('target, output error, loss and decision', () => {
  it('ahat is the label unit\'s desired trace, e = ahat - a, E_t = 1/2 sum e^2 (golden, tau_s = 2, warm-up 1)', () => {
    const net = tinyNetwork(tinyCircuit());
    const labels = tf.tensor1d([2, 0], 'int32');
    const target = makeTarget(net, labels);
    expect(target.trace).toEqual([0, 0.5, 0.75, 0.875, 0.9375]);
    const a = tf.tensor2d([[0.5, 0, 0.25], [0.5, 0.5, 0]]);
    const e = outputError(target, 2, a);
    // sample 0: ahat = [0, 0, 0.75]; sample 1: ahat = [0.75, 0, 0]
    expect(Array.from(e.dataSync())).toEqual([-0.5, 0, 0.5, 0.25, -0.5, 0]);
    expect(stepLoss(e).dataSync()[0]).toBeCloseTo(0.5 * (0.25 + 0.25 + 0.0625 + 0.25), 6);
    const ref = targetTraces([2, 0], 3, 5, 1, 2);
    expect(ref[2]).toEqual([[0, 0, 0.75], [0.75, 0, 0]]);
    const refE = refOutputError(ref[2], [[0.5, 0, 0.25], [0.5, 0.5, 0]]);
    expect(refE).toEqual([[-0.5, 0, 0.5], [0.25, -0.5, 0]]);
    expect(refStepLoss(refE)).toBeCloseTo(0.40625, 12);
    tf.dispose([labels, target.oneHot, a, e]);
    net.dispose();
  });

  it('decides by spike count, the potential only breaking ties (golden)', () => {
    const counts = [[3, 1, 3], [0, 0, 0], [2, 5, 1], [4, 4, 4]];
    const potential = [[-2, 9, 0.5], [0.1, -0.3, 0.2], [9, -9, 9], [0.3, 0.3, 0.2]];
    const expected = [2, 2, 1, 0];
    expect(refDecide(counts, potential)).toEqual(expected);
    const got = tf.tidy(() => decide(tf.tensor2d(counts), tf.tensor2d(potential)).dataSync());
    expect(Array.from(got)).toEqual(expected);
  });

  it('engine and reference decide alike on random counts and potentials', () => {
    const rng = new Rng(8);
    const counts = Array.from({ length: 40 }, () => Array.from({ length: 5 }, () => rng.nextInt(4)));
    const potential = Array.from({ length: 40 }, () => Array.from({ length: 5 }, () => rng.nextFloat() * 4 - 2));
    const got = tf.tidy(() => decide(tf.tensor2d(counts), tf.tensor2d(potential)).dataSync());
    expect(Array.from(got)).toEqual(refDecide(counts, potential));
  });
});
