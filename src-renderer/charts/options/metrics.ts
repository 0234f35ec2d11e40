import type { EChartsCoreOption } from 'echarts/core';
import type { LiveRun } from '../../streaming/live-run';
import type { ChartSpec } from '../use-chart';
import { layerName, lineBase } from './common';

/** Progress and epoch charts redraw when either changes. */
const progressOrEpochs = (live: LiveRun) => () => live.versions.progress * 1e6 + live.versions.epochs;
const epochsOnly = (live: LiveRun) => () => live.versions.epochs;
/** Points drawn of a running series: enough for the eye, cheap to draw. */
const POINTS = 400;

/** The spiking error E per sample: running mean within epochs, and per epoch on train and test. */
export function lossChart(live: LiveRun): ChartSpec {
  return {
    version: progressOrEpochs(live),
    base: () => lineBase({ yName: 'loss E', series: ['train (running)', 'train', 'test'] }),
    update: () => ({ series: [{ data: live.progress.pairs('loss', POINTS) }, { data: live.epochs.map((e) => [e.epoch, e.loss]) }, { data: live.epochs.map((e) => [e.epoch, e.testLoss]) }] }),
  };
}

export function accuracyChart(live: LiveRun): ChartSpec {
  return {
    version: progressOrEpochs(live),
    base: () => lineBase({ yName: 'accuracy', yMin: 0, yMax: 1, percent: true, series: ['train (running)', 'train', 'test'] }),
    update: () => ({ series: [{ data: live.progress.pairs('accuracy', POINTS) }, { data: live.epochs.map((e) => [e.epoch, e.trainAccuracy]) }, { data: live.epochs.map((e) => [e.epoch, e.testAccuracy]) }] }),
  };
}

export function throughputChart(live: LiveRun): ChartSpec {
  return {
    version: progressOrEpochs(live),
    base: () => lineBase({ yName: 'samples/s', yMin: 0, series: ['running', 'epoch'] }),
    update: () => ({ series: [{ data: live.progress.pairs('samplesPerSecond', POINTS) }, { data: live.epochs.map((e) => [e.epoch, e.samplesPerSecond]) }] }),
  };
}

/** Mean spikes per neuron per step and layer: on the live snapshots, else per epoch. */
export function firingRateChart(live: LiveRun): ChartSpec {
  const layers = () => Math.max(live.rates.length, live.epochs[0]?.firingRates.length ?? 0);
  const seriesFor = (): EChartsCoreOption['series'] => {
    const n = layers();
    if (live.rates.length > 0) {
      return live.rates.map((r, k) => ({ name: layerName(k, n), type: 'line', showSymbol: false, sampling: 'lttb', data: Array.from({ length: r.length }, (_, i) => [live.rateX.at(i), r.at(i)]) }));
    }
    return Array.from({ length: n }, (_, k) => ({ name: layerName(k, n), type: 'line', data: live.epochs.map((e) => [e.epoch, e.firingRates[k] ?? null]) }));
  };
  return {
    version: () => live.versions.snapshot * 1e6 + live.versions.epochs,
    base: () => ({ ...lineBase({ yName: 'spikes / neuron / step', yMin: 0, series: [] }), series: [] }),
    update: () => ({ series: seriesFor() }),
  };
}

/** The angle between the rule's update and the BPTT gradient per layer (degrees; 0 = the same direction). */
export function alignmentChart(live: LiveRun): ChartSpec {
  const angle = (c: number | null | undefined) => (c === null || c === undefined ? null : (Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI);
  return {
    version: epochsOnly(live),
    base: () => ({ ...lineBase({ yName: 'angle to BPTT (°)', yMin: 0, yMax: 90, series: [] }), series: [] }),
    update: () => {
      const n = live.epochs.find((e) => e.alignment)?.alignment?.length ?? 0;
      return { series: Array.from({ length: n }, (_, k) => ({ name: layerName(k, n), type: 'line', data: live.epochs.map((e) => [e.epoch, angle(e.alignment?.[k])]) })) };
    },
  };
}
