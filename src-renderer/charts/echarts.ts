/** ECharts with only the parts the app draws, and the app's light and dark chart themes. */
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Theme } from '../stores/app';

echarts.use([LineChart, ScatterChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, MarkLineComponent, CanvasRenderer]);

const PALETTE = ['#3b7dd8', '#e0663d', '#2fa37a', '#a05bd6', '#d4a514', '#d6457a', '#4bb3c9', '#7d8a99'];

function chartTheme(dark: boolean): object {
  const text = dark ? '#c9ced6' : '#3a3f47';
  const faint = dark ? '#3a404b' : '#dde1e6';
  const axis = { axisLine: { lineStyle: { color: faint } }, axisTick: { lineStyle: { color: faint } }, axisLabel: { color: text }, splitLine: { lineStyle: { color: faint, opacity: 0.6 } }, nameTextStyle: { color: text } };
  return {
    color: PALETTE,
    backgroundColor: 'transparent',
    textStyle: { color: text, fontFamily: 'system-ui, sans-serif' },
    legend: { textStyle: { color: text } },
    tooltip: { backgroundColor: dark ? '#232831' : '#ffffff', borderColor: faint, textStyle: { color: text } },
    valueAxis: axis, categoryAxis: axis, logAxis: axis,
    visualMap: { textStyle: { color: text } },
  };
}

echarts.registerTheme('apical-light', chartTheme(false));
echarts.registerTheme('apical-dark', chartTheme(true));

export function themeName(theme: Theme): string {
  return theme === 'dark' ? 'apical-dark' : 'apical-light';
}

export { echarts, PALETTE };
