import type { LiveRun } from '../../streaming/live-run';
import type { ChartSpec } from '../use-chart';

/** Rows = true class, columns = predicted, over the last evaluation (shown when the run ends). */
export function confusionChart(live: LiveRun): ChartSpec {
  return {
    version: () => live.versions.confusion,
    base: () => ({
      animation: false,
      grid: { left: 56, right: 70, top: 16, bottom: 40 },
      tooltip: { formatter: (p: { value: number[] }) => `true ${p.value[1]}, predicted ${p.value[0]}: ${p.value[2]}` },
      xAxis: { type: 'category', name: 'predicted', nameLocation: 'middle', nameGap: 26, data: [], splitArea: { show: false } },
      yAxis: { type: 'category', name: 'true class', nameLocation: 'middle', nameGap: 36, data: [], inverse: true },
      visualMap: { min: 0, max: 1, calculable: false, orient: 'vertical', right: 4, top: 'middle', itemHeight: 120, inRange: { color: ['#f2f5fb', '#3b7dd8', '#173a6b'] } },
      series: [{ name: 'confusion', type: 'heatmap', data: [], label: { show: true, fontSize: 10 } }],
    }),
    update: () => {
      const m = live.confusion;
      if (!m) return null;
      const labels = m.map((_, i) => live.classes[i] ?? String(i));
      const data = m.flatMap((row, i) => row.map((v, j) => [j, i, v]));
      const max = Math.max(1, ...data.map((d) => d[2]));
      return { xAxis: { data: labels }, yAxis: { data: labels }, visualMap: { max }, series: [{ data }] };
    },
  };
}
