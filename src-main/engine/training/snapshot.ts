import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { SnapshotEvent } from '../../../src-shared/events';
import type { Network } from '../network';
import { disposeSimulation, simulate } from './simulate';

const RASTER_NEURONS = 128;
const MEMBRANE_NEURONS = 8;
const HISTOGRAM_BINS = 30;

/**
 * A monitoring view of the network on one sample: the spike raster of each layer (first
 * 128 cells), membrane traces of its first 8 cells, and weight histograms. Bounded in size
 * whatever the network, so it can be streamed. Reads are asynchronous (GPU backends).
 */
export async function monitorSnapshot(net: Network, image: Tensor, epoch: number, batch: number): Promise<SnapshotEvent> {
  const layers = net.layers.filter((l) => l.hasCells);
  const widths = layers.map((l) => Math.min(RASTER_NEURONS, l.synapse.outShape.reduce((a, b) => a * b, 1)));
  // per step and layer: the first cells' spikes and potentials, flattened (kept until read)
  const recorded: { s: Tensor; u: Tensor }[][] = [];
  const result = simulate(net, image, {
    onStep: (_t, states) => {
      recorded.push(layers.map((l, k) => tf.tidy(() => {
        const lif = states[l.index].lif as { s: Tensor; u: Tensor };
        return { s: tf.keep(tf.slice(tf.reshape(lif.s, [-1]), 0, widths[k])), u: tf.keep(tf.slice(tf.reshape(lif.u, [-1]), 0, Math.min(MEMBRANE_NEURONS, widths[k]))) };
      })));
    },
  });
  disposeSimulation(result);
  const raster = layers.map((l, k) => ({ layer: l.index, neurons: widths[k], spikes: [] as number[][] }));
  const membrane: number[][][] = layers.map(() => []);
  for (const step of recorded) {
    for (let k = 0; k < layers.length; k++) {
      raster[k].spikes.push(Array.from(await step[k].s.data()));
      const u = await step[k].u.data();
      u.forEach((v, j) => (membrane[k][j] ??= []).push(v));
      tf.dispose([step[k].s, step[k].u]);
    }
  }
  const histograms = [];
  for (const l of layers) histograms.push(histogram(l.index, await (l.weight as Tensor).data()));
  return { event: 'snapshot', epoch, batch, raster, membrane, histograms };
}

function histogram(layer: number, values: ArrayLike<number>): { layer: number; edges: number[]; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  if (!(hi > lo)) hi = lo + 1e-6;
  const width = (hi - lo) / HISTOGRAM_BINS;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((values[i] - lo) / width))]++;
  return { layer, edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => lo + i * width), counts };
}

/** Takes the first sample of a batch as a [1, ...] tensor. */
export function firstSample(images: Tensor): Tensor {
  return tf.slice(images, 0, 1);
}
