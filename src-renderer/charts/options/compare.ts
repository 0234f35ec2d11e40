import type { EChartsCoreOption } from 'echarts/core';
import type { Comparison } from '../../../src-shared/contract';
import { PALETTE } from '../echarts';
import { formatValue } from './common';

const PERCENT = new Set(['testAccuracy', 'trainAccuracy']);

/** Overlaid runs per epoch; a group of seeds is its mean with a ±SD band (stacked areas on a category axis). */
export function compareOption(c: Comparison | null): EChartsCoreOption {
  const percent = c !== null && PERCENT.has(c.metric);
  const epochs = Math.max(0, ...(c?.series ?? []).map((s) => s.epochs.length));
  const series: object[] = [];
  (c?.series ?? []).forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (s.sd) {
      const stack = `band-${i}`;
      const lower = s.mean.map((m, k) => (m === null ? null : m - (s.sd?.[k] ?? 0)));
      const width = s.mean.map((m, k) => (m === null ? null : 2 * (s.sd?.[k] ?? 0)));
      series.push({ name: `${s.label} −SD`, type: 'line', stack, data: lower, symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true });
      series.push({ name: `${s.label} ±SD`, type: 'line', stack, data: width, symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.18 }, tooltip: { show: false }, silent: true });
    }
    series.push({ name: s.label, type: 'line', data: s.mean, symbolSize: 6, lineStyle: { width: 2, color }, itemStyle: { color } });
  });
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 40, bottom: 40 },
    legend: { top: 0, type: 'scroll', data: (c?.series ?? []).map((s) => s.label) },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v, percent) },
    xAxis: { type: 'category', name: 'epoch', nameLocation: 'middle', nameGap: 24, data: Array.from({ length: epochs }, (_, i) => String(i + 1)), boundaryGap: false },
    yAxis: { type: 'value', scale: !percent, min: percent ? 0 : undefined, max: percent ? 1 : undefined, name: c?.metric ?? '', nameLocation: 'middle', nameGap: 46, axisLabel: percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {} },
    series,
  };
}
