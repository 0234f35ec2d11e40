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
 * whatever the network, so it can be streamed.
 */
export function monitorSnapshot(net: Network, image: Tensor, epoch: number, batch: number): SnapshotEvent {
  const layers = net.layers.filter((l) => l.hasCells);
  const raster = layers.map((l) => ({ layer: l.index, neurons: Math.min(RASTER_NEURONS, cells(l.synapse.outShape)), spikes: [] as number[][] }));
  const membrane: number[][][] = layers.map(() => []);
  const result = simulate(net, image, {
    onStep: (_t, states) => {
      layers.forEach((l, k) => {
        const lif = states[l.index].lif;
        if (!lif) return;
        const s = lif.s.dataSync();
        const u = lif.u.dataSync();
        raster[k].spikes.push(Array.from(s.subarray(0, raster[k].neurons)));
        const traces = membrane[k];
        for (let j = 0; j < Math.min(MEMBRANE_NEURONS, u.length); j++) (traces[j] ??= []).push(u[j]);
      });
    },
  });
  disposeSimulation(result);
  return { event: 'snapshot', epoch, batch, raster, membrane, histograms: layers.map((l) => histogram(l.index, l.weight as Tensor)) };
}

function cells(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function histogram(layer: number, weight: Tensor): { layer: number; edges: number[]; counts: number[] } {
  const values = weight.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1e-6;
  const width = (hi - lo) / HISTOGRAM_BINS;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - lo) / width))]++;
  return { layer, edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => lo + i * width), counts };
}

/** Takes the first sample of a batch as a [1, ...] tensor. */
export function firstSample(images: Tensor): Tensor {
  return tf.slice(images, 0, 1);
}
