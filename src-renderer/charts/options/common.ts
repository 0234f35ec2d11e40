import type { EChartsCoreOption } from 'echarts/core';

/** Shared chart settings: no animation on live data, compact grid, epoch on the x axis. */
export function lineBase(opts: { yName: string; yMin?: number; yMax?: number; percent?: boolean; series: string[]; xName?: string; log?: boolean }): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 36 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v, opts.percent) },
    xAxis: { type: 'value', name: opts.xName ?? 'epoch', nameLocation: 'middle', nameGap: 22, min: 0, minInterval: 1 },
    yAxis: {
      type: opts.log ? 'log' : 'value', name: opts.yName, nameLocation: 'middle', nameGap: 42, min: opts.yMin, max: opts.yMax, scale: opts.yMin === undefined,
      axisLabel: opts.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {},
    },
    series: opts.series.map((name, i) => ({
      name, type: 'line', data: [], showSymbol: i > 0, symbolSize: 6, sampling: 'lttb', lineStyle: { width: i === 0 ? 1 : 2 }, emphasis: { disabled: true }, animation: false,
    })),
  };
}

export function formatValue(v: unknown, percent?: boolean): string {
  if (typeof v !== 'number') return String(v);
  return percent ? `${(v * 100).toFixed(1)}%` : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

export function layerName(index: number, count: number): string {
  return index === count - 1 ? 'output' : `hidden ${index + 1}`;
}
