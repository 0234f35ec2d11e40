/**
 * Bridges between the engine and the plain-JS reference for tests: small circuits, seeded
 * inputs, and the engine's tensors read back as reference matrices.
 */
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit, CircuitInput } from '../../../src-shared/circuit';
import { parseCircuit } from '../../../src-shared/circuit';
import { Network } from '../network';
import { Rng, mixSeed } from '../random';
import { poissonUniform } from '../kernels/poisson';
import type { Matrix } from '../reference/matrix';
import { fromFlat } from '../reference/matrix';
import type { RefNetwork } from '../reference/network';
import type { LayerGradients } from '../rules/rule';
import type { RefGradients } from '../reference/training/hebbian';

/** Input shape of the tiny test network: 2 x 3 x 1 = 6 features. */
export const TINY_INPUT: [number, number, number] = [2, 3, 1];

/**
 * A 6-5-4-3 dense circuit, T = 5, with any field overridden. Init gain 4 and seed 7 make
 * every layer spike at init on seededBatch(5, 3, 6), so every gradient is non-trivial.
 */
export function tinyCircuit(overrides: Partial<CircuitInput> = {}): Circuit {
  return parseCircuit({
    layers: [{ kind: 'dense', units: 5 }, { kind: 'dense', units: 4 }, { kind: 'dense', units: 3 }],
    steps: 5,
    seed: 7,
    init: { gain: 4 },
    ...overrides,
  });
}

export function tinyNetwork(circuit: Circuit): Network {
  return new Network(circuit, { inputShape: TINY_INPUT, classes: 3 });
}

/** Seeded images in [0, 1], flat rows (B x features), and the labels 0, 1, 2, 0, ... */
export function seededBatch(seed: number, batch: number, features: number, classes = 3): { images: Matrix; labels: number[] } {
  const rng = new Rng(seed);
  const images = Array.from({ length: batch }, () => Array.from({ length: features }, () => rng.nextFloat()));
  return { images, labels: Array.from({ length: batch }, (_, i) => i % classes) };
}

/** The batch as engine tensors: images [B, ...shape], int32 labels. */
export function batchTensors(images: Matrix, labels: readonly number[], shape: readonly number[]): { images: Tensor; labels: Tensor } {
  return { images: tf.tensor(images.flat(), [images.length, ...shape]), labels: tf.tensor1d([...labels], 'int32') };
}

/** A rank-2 tensor (or any tensor, with its first axis as rows) as a reference matrix. */
export function toMatrix(t: Tensor): Matrix {
  const rows = t.shape[0] ?? 1;
  return fromFlat(t.dataSync(), rows, t.size / rows);
}

/** The engine's network read back as a reference network (a snapshot: later updates are not seen). */
export function referenceNetwork(net: Network): RefNetwork {
  return buildReference(net, networkTensors(net).map((t) => t.dataSync()));
}

/** referenceNetwork with asynchronous reads, for backends without synchronous readback (webgpu under Node). */
export async function referenceNetworkAsync(net: Network): Promise<RefNetwork> {
  return buildReference(net, await Promise.all(networkTensors(net).map((t) => t.data())));
}

/** Per layer: weight, bias, feedback, direct (an empty tensor stands for none; the caller never reads it). */
function networkTensors(net: Network): Tensor[] {
  return net.layers.flatMap((l) => [l.weight as Tensor, l.bias as Tensor, l.feedback ?? (l.bias as Tensor), l.direct ?? (l.bias as Tensor)]);
}

function buildReference(net: Network, values: ArrayLike<number>[]): RefNetwork {
  const matrix = (t: Tensor | null, v: ArrayLike<number>) => (t ? fromFlat(v, t.shape[0], t.size / t.shape[0]) : null);
  return {
    layers: net.layers.map((l, i) => ({
      weight: matrix(l.weight, values[4 * i]) as Matrix,
      bias: Array.from(values[4 * i + 1]),
      feedback: matrix(l.feedback, values[4 * i + 2]),
      direct: matrix(l.direct, values[4 * i + 3]),
    })),
    neuron: net.neuron,
    steps: net.circuit.steps,
    warmup: net.circuit.target.warmup,
    classes: net.classes,
    encoder: net.circuit.input.encoder,
  };
}

/** The uniform draws the engine's Poisson encoder makes at step t for a batch of `rows` x `cols` (kernels/poisson.ts: a hash of seed, step and flat element index). */
export function poissonUniforms(encoderSeed: number, rows: number, cols: number): (t: number) => Matrix {
  return (t) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => poissonUniform(encoderSeed >>> 0, t, i * cols + j)));
}

/** The magnitudes brsf draws for (layer, batch), as rules/brsf.ts documents: U(-g/sqrt(in), g/sqrt(in)) from a seeded Rng. */
export function brsfMagnitudes(circuit: Circuit, ruleSeed: number, ref: RefNetwork): (layer: number, batchIndex: number) => Matrix {
  return (layer, batchIndex) => {
    const w = ref.layers[layer].weight;
    const [rows, cols] = [w.length, w[0].length];
    const limit = circuit.init.feedbackGain / Math.sqrt(rows);
    return fromFlat(new Rng(mixSeed(ruleSeed, 4, layer, batchIndex)).uniformArray(rows * cols, limit), rows, cols);
  };
}

/** Flat arrays of the engine's gradients, per layer. */
export function readGradients(g: LayerGradients): { weight: Float32Array[]; bias: Float32Array[] } {
  return {
    weight: g.weight.map((t) => (t ? (t.dataSync() as Float32Array) : new Float32Array(0))),
    bias: g.bias.map((t) => (t ? (t.dataSync() as Float32Array) : new Float32Array(0))),
  };
}

/** Flat arrays of reference gradients, per layer. */
export function flatGradients(g: RefGradients): { weight: number[][]; bias: number[][] } {
  return { weight: g.weight.map((m) => m.flat()), bias: g.bias };
}
