import type { EChartsCoreOption } from 'echarts/core';
import type { LiveRun } from '../../streaming/live-run';
import type { ChartSpec } from '../use-chart';
import { layerName } from './common';

const version = (live: LiveRun) => () => live.versions.snapshot;

/** Spikes of one sample across layers: x = time step, y = neuron, layers stacked with a gap. */
export function rasterChart(live: LiveRun): ChartSpec {
  return {
    version: version(live),
    base: () => ({
      animation: false,
      grid: { left: 64, right: 16, top: 30, bottom: 36 },
      legend: { top: 0, right: 8, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: number[] }) => `${p.seriesName}: neuron ${p.value[2]}, step ${p.value[0]}` },
      xAxis: { type: 'value', name: 'time step', nameLocation: 'middle', nameGap: 22, minInterval: 1, min: -0.5 },
      yAxis: { type: 'value', name: 'neuron', nameLocation: 'middle', nameGap: 44, min: 0, inverse: true, splitLine: { show: false } },
      series: [],
    }),
    update: () => {
      const snap = live.snapshot;
      if (!snap) return null;
      let offset = 0;
      const count = snap.raster.length;
      const series = snap.raster.map((layer, k) => {
        const data: number[][] = [];
        layer.spikes.forEach((step, t) => step.forEach((s, i) => s > 0 && data.push([t, offset + i, i])));
        const base = offset;
        offset += layer.neurons + 4;
        return { name: layerName(k, count), type: 'scatter', symbol: 'rect', symbolSize: [5, 3], large: true, largeThreshold: 200, data, markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { opacity: 0.3 }, data: [{ yAxis: base }] } };
      });
      return { xAxis: { max: (snap.raster[0]?.spikes.length ?? 1) - 0.5 }, yAxis: { max: offset }, series } as EChartsCoreOption;
    },
  };
}

/** Histograms of the forward weights of each layer (latest snapshot). */
export function weightChart(live: LiveRun): ChartSpec {
  return {
    version: version(live),
    base: () => ({
      animation: false,
      grid: { left: 56, right: 16, top: 30, bottom: 36 },
      legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'weight', nameLocation: 'middle', nameGap: 22, scale: true },
      yAxis: { type: 'value', name: 'share of weights', nameLocation: 'middle', nameGap: 42, min: 0 },
      series: [],
    }),
    update: () => {
      const snap = live.snapshot;
      if (!snap) return null;
      const count = snap.histograms.length;
      return {
        series: snap.histograms.map((h, k) => {
          const total = h.counts.reduce((a, b) => a + b, 0) || 1;
          return { name: layerName(k, count), type: 'line', step: 'middle', showSymbol: false, areaStyle: { opacity: 0.15 }, data: h.counts.map((c, i) => [(h.edges[i] + h.edges[i + 1]) / 2, c / total]) };
        }),
      };
    },
  };
}

/** Membrane potential u[t] of the first neurons of a chosen layer over the steps of one sample. */
export function membraneChart(live: LiveRun, choice: () => { layer: number; neurons: readonly number[] }, threshold: () => number): ChartSpec {
  return {
    version: () => `${live.versions.snapshot}:${choice().layer}:${choice().neurons.join(',')}`,
    base: () => ({
      animation: false,
      grid: { left: 56, right: 16, top: 30, bottom: 36 },
      legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'time step', nameLocation: 'middle', nameGap: 22, minInterval: 1 },
      yAxis: { type: 'value', name: 'membrane u', nameLocation: 'middle', nameGap: 42, scale: true },
      series: [],
    }),
    update: () => {
      const traces = live.snapshot?.membrane[choice().layer];
      if (!traces) return null;
      const chosen = choice().neurons.filter((n) => n < traces.length);
      const series = chosen.map((n) => ({ name: `neuron ${n}`, type: 'line', showSymbol: false, data: traces[n].map((u, t) => [t, u]) }));
      const line = { name: 'V_th', type: 'line', showSymbol: false, lineStyle: { type: 'dashed', width: 1 }, data: (traces[0] ?? []).map((_, t) => [t, threshold()]) };
      return { series: [...series, line] };
    },
  };
}
