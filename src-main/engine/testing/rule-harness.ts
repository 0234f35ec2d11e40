/**
 * Runs one batch through the engine and through the plain-JS reference, for tests that
 * hold a learning rule to its reference.
 */
import { expect } from 'vitest';
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit, RuleSpec } from '../../../src-shared/circuit';
import { ruleSchema } from '../../../src-shared/circuit';
import type { Network } from '../network';
import type { LocalRule } from '../rules/rule';
import { disposeSimulation, simulate } from '../training/simulate';
import type { Matrix } from '../reference/matrix';
import type { RefNetwork } from '../reference/network';
import type { RefRule } from '../reference/rules/rule';
import { bpSpatialReference, brsfReference, faReference, frsfReference, usfReference } from '../reference/rules/linear-feedback';
import { dfaReference } from '../reference/rules/dfa';
import { microcircuitReference } from '../reference/rules/microcircuit';
import type { RefSimulation } from '../reference/training/simulate';
import { simulateReference } from '../reference/training/simulate';
import { assertClose } from './compare';
import { batchTensors, brsfMagnitudes, poissonUniforms } from './reference-network';

/** The local rules, i.e. every rule but bptt. */
export const LOCAL_RULES = ['microcircuit', 'microcircuit-analog', 'frsf', 'usf', 'brsf', 'fa', 'dfa', 'bp-spatial'] as const;
export type LocalRuleName = (typeof LOCAL_RULES)[number];

/** A rule spec with defaults filled in. */
export function ruleSpec(input: { name: RuleSpec['name'] } & Record<string, unknown>): RuleSpec {
  return ruleSchema.parse(input);
}

/** The reference of a local rule spec. */
export function referenceRule(spec: RuleSpec, circuit: Circuit, ruleSeed: number, ref: RefNetwork): RefRule {
  switch (spec.name) {
    case 'microcircuit':
      return microcircuitReference({ errorCells: 'spiking', tauA: spec.tauA, errorDelay: spec.errorDelay, thetaE: spec.thetaE });
    case 'microcircuit-analog':
      return microcircuitReference({ errorCells: 'analog', tauA: spec.tauA, errorDelay: false, thetaE: { mode: 'fixed', value: 1 } });
    case 'frsf': return frsfReference();
    case 'usf': return usfReference();
    case 'brsf': return brsfReference(brsfMagnitudes(circuit, ruleSeed, ref));
    case 'fa': return faReference();
    case 'dfa': return dfaReference();
    case 'bp-spatial': return bpSpatialReference();
    case 'bptt': throw new Error('bptt is not a local rule');
  }
}

/** What one engine batch produced, read back. */
export interface EngineBatch {
  readonly weight: Float32Array[];
  readonly bias: Float32Array[];
  readonly loss: number;
  readonly counts: Float32Array;
  readonly potential: Float32Array;
  readonly prediction: number[];
  readonly stats: Record<string, number>;
}

/** Runs one batch; returns the tensors to read back and how to turn their values into an EngineBatch (which frees them). */
function startEngineBatch(net: Network, rule: LocalRule | null, images: Matrix, labels: readonly number[], opts: { batchIndex?: number; encoderSeed?: number }): { tensors: Tensor[]; finish: (values: Float32Array[]) => EngineBatch } {
  const batch = batchTensors(images, labels, net.shape.inputShape);
  const result = simulate(net, batch.images, { labels: batch.labels, rule, batchIndex: opts.batchIndex ?? 0, encoderSeed: opts.encoderSeed ?? 0 });
  tf.dispose([batch.images, batch.labels]);
  const statNames = Object.keys(result.ruleStats);
  const layers = result.grads ? result.grads.weight.length : 0;
  const empty = tf.zeros([0]);
  const grads = result.grads ? [...result.grads.weight, ...result.grads.bias].map((t) => t ?? empty) : [];
  const tensors = [result.loss as Tensor, result.counts, result.potential, result.prediction, ...statNames.map((k) => result.ruleStats[k]), ...grads];
  const finish = (values: Float32Array[]): EngineBatch => {
    disposeSimulation(result);
    empty.dispose();
    const g = values.slice(4 + statNames.length);
    return {
      weight: g.slice(0, layers),
      bias: g.slice(layers),
      loss: values[0][0],
      counts: values[1],
      potential: values[2],
      prediction: Array.from(values[3]),
      stats: Object.fromEntries(statNames.map((k, i) => [k, values[4 + i][0]])),
    };
  };
  return { tensors, finish };
}

/** One engine batch, read back synchronously (cpu, wasm). */
export function runEngineBatch(net: Network, rule: LocalRule | null, images: Matrix, labels: readonly number[], opts: { batchIndex?: number; encoderSeed?: number } = {}): EngineBatch {
  const { tensors, finish } = startEngineBatch(net, rule, images, labels, opts);
  return finish(tensors.map((t) => t.dataSync() as Float32Array));
}

/** One engine batch, read back asynchronously: any backend, webgpu included (it has no synchronous readback under Node). */
export async function runEngineBatchAsync(net: Network, rule: LocalRule | null, images: Matrix, labels: readonly number[], opts: { batchIndex?: number; encoderSeed?: number } = {}): Promise<EngineBatch> {
  const { tensors, finish } = startEngineBatch(net, rule, images, labels, opts);
  return finish(await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>)));
}

export function runReferenceBatch(ref: RefNetwork, rule: RefRule | null, images: Matrix, labels: readonly number[], opts: { batchIndex?: number; encoderSeed?: number } = {}): RefSimulation {
  const uniforms = ref.encoder.kind === 'poisson' ? poissonUniforms(opts.encoderSeed ?? 0, images.length, images[0].length) : undefined;
  return simulateReference(ref, images, { labels, rule: rule ?? undefined, batchIndex: opts.batchIndex ?? 0, uniforms });
}

/** Engine and reference gradients agree per layer within `rel` (relative to the largest entry), and are not all zero. */
export function expectSameGradients(engine: EngineBatch, ref: RefSimulation, rel: number, label = ''): void {
  const grads = ref.grads;
  expect(grads).not.toBeNull();
  if (!grads) return;
  grads.weight.forEach((w, l) => {
    assertClose(engine.weight[l], w.flat(), rel, `${label} layer ${l} weight gradient`);
    assertClose(engine.bias[l], grads.bias[l], rel, `${label} layer ${l} bias gradient`);
  });
}

/** Engine and reference forward passes agree: spike counts, loss, predictions. */
export function expectSameForward(engine: EngineBatch, ref: RefSimulation): void {
  expect(Array.from(engine.counts)).toEqual(ref.counts.flat());
  expect(engine.loss).toBeCloseTo(ref.loss as number, 4);
  expect(engine.prediction).toEqual(ref.prediction);
  assertClose(engine.potential, ref.potential.flat(), 1e-5, 'output potential');
}
