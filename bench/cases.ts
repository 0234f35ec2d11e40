/**
 * What the bench measures: one entry per circuit template. Adding a template (the CIFAR-10
 * conv circuit, say) is one entry here; the engine side runs any template, the PyTorch
 * reference says by itself when it does not implement a network (and is then skipped).
 */
import { parseCircuit } from '../src-shared/circuit';
import type { Circuit, RuleName } from '../src-shared/circuit';
import { findTemplate } from '../src-shared/templates';
import type { Dataset, DatasetSplit } from '../src-main/engine/datasets/dataset';
import { loadDataset } from '../src-main/engine/datasets/registry';
import { Rng } from '../src-main/engine/random';

export interface BenchCase {
  /** template name (src-shared/templates.ts) */
  readonly template: string;
  /** [height, width, channels] and class count, for `--data random` without the data set */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  /** untimed then timed batches per rule: full run, and --quick */
  readonly warmup: number;
  readonly batches: number;
  readonly quick: { readonly warmup: number; readonly batches: number };
  /** part of a plain `npm run bench` (otherwise only with --templates) */
  readonly byDefault: boolean;
  /** the backends timed when --backends is not given (default: all of them) */
  readonly defaultBackends?: readonly string[];
}

export const BENCH_CASES: readonly BenchCase[] = [
  { template: 'mnist-mlp', inputShape: [28, 28, 1], classes: 10, warmup: 3, batches: 30, quick: { warmup: 1, batches: 2 }, byDefault: true },
  // conv batches take ~1 s on wasm (2026-11-28: 35 samples/s) but far longer on the cpu backend and on
  // a software WebGPU adapter: by default only wasm times them (--backends names others)
  { template: 'cifar10-conv', inputShape: [32, 32, 3], classes: 10, warmup: 1, batches: 5, quick: { warmup: 1, batches: 1 }, byDefault: true, defaultBackends: ['wasm'] },
];

/** The rules the bench times by default (the PyTorch reference implements exactly these). */
export const BENCH_RULES: readonly RuleName[] = ['frsf', 'microcircuit'];

export function findCase(template: string): BenchCase {
  const c = BENCH_CASES.find((x) => x.template === template);
  if (!c) throw new Error(`no bench case for template '${template}'; known: ${BENCH_CASES.map((x) => x.template).join(', ')}`);
  return c;
}

/** The template's circuit with `rule` (its defaults filled in) and one epoch. */
export function benchCircuit(template: string, rule: RuleName): Circuit {
  const base = findTemplate(template).circuit;
  return parseCircuit({ ...base, rule: { name: rule }, epochs: 1 });
}

/** 'real' loads the template's data set; 'random' is uniform noise of the same shape (no files needed). */
export type BenchData = 'real' | 'random';

/** A data set for the bench: the template's own, or noise with `trainCount` / `testCount` samples. */
export async function benchDataset(c: BenchCase, data: BenchData, trainCount: number, testCount: number): Promise<Dataset> {
  if (data === 'real') {
    const circuit = benchCircuit(c.template, BENCH_RULES[0]);
    return loadDataset(circuit.input.dataset);
  }
  const size = c.inputShape[0] * c.inputShape[1] * c.inputShape[2];
  const rng = new Rng(7);
  const split = (count: number): DatasetSplit => ({
    count,
    images: Uint8Array.from({ length: count * size }, () => rng.nextInt(256)),
    labels: Uint8Array.from({ length: count }, () => rng.nextInt(c.classes)),
  });
  return {
    name: 'random', shape: c.inputShape, classes: Array.from({ length: c.classes }, (_, i) => String(i)),
    train: split(trainCount), test: split(testCount), source: 'uniform noise', hash: 'random',
  };
}

/** Number of values in one input sample of a case. */
export function inputSize(c: BenchCase): number {
  return c.inputShape[0] * c.inputShape[1] * c.inputShape[2];
}

/** Layer sizes, input first, of a dense circuit (the reference's `--sizes`); null when a layer is not dense. */
export function denseSizes(c: BenchCase, circuit: Circuit): number[] | null {
  const units: number[] = [];
  for (const l of circuit.layers) {
    if (l.kind !== 'dense') return null;
    units.push(l.units);
  }
  return [inputSize(c), ...units];
}
