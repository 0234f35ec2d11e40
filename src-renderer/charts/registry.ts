import type { ECharts } from 'echarts/core';

/** The live chart instances by name, so end-to-end tests can read what a chart holds (not just that it drew). */
const charts = new Map<string, ECharts>();

interface SeriesLike {
  name?: unknown;
  data?: unknown;
}

export function registerChart(name: string, chart: ECharts): () => void {
  charts.set(name, chart);
  return () => {
    if (charts.get(name) === chart) charts.delete(name);
  };
}

window.__apicalCharts = {
  names: () => [...charts.keys()],
  series: (name) => {
    const option = charts.get(name)?.getOption() as { series?: SeriesLike[] } | undefined;
    return (option?.series ?? []).map((s) => ({ name: String(s.name ?? ''), points: Array.isArray(s.data) ? s.data.length : 0 }));
  },
};
