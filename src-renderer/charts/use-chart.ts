import { markRaw, onActivated, onBeforeUnmount, onDeactivated, onMounted, watch } from 'vue';
import type { Ref } from 'vue';
import type { ECharts, EChartsCoreOption } from 'echarts/core';
import { useAppStore } from '../stores/app';
import { invalidate, onFrame } from '../streaming/frame-loop';
import { echarts, themeName } from './echarts';
import { registerChart } from './registry';

export interface ChartSpec {
  /** the full option the chart starts from (axes, series names, styles) */
  readonly base: () => EChartsCoreOption;
  /** a partial option with the new data; called in an animation frame, and only when `version` moved */
  readonly update: () => EChartsCoreOption | null;
  /** changes whenever the chart's data changes */
  readonly version: () => number | string;
}

/** A chart redraws at most this often, however fast its data streams. */
const MIN_INTERVAL_MS = 400;

/**
 * One ECharts instance on an element: markRaw (never reactive), themed with the app,
 * resized with its box, fed by the frame loop with `setOption(…, { lazyUpdate: true })`
 * at most every 400 ms, and idle while its view is hidden or it is scrolled out of sight.
 */
export function useChart(name: string, el: Ref<HTMLElement | null>, spec: ChartSpec): { refresh: () => void } {
  const app = useAppStore();
  let chart: ECharts | null = null;
  let stop: Array<() => void> = [];
  let drawn: number | string | null = null;
  let lastDraw = 0;
  let deferred: ReturnType<typeof setTimeout> | null = null;
  let active = true;
  let visible = true;
  let resizePending = false;

  /** Resizes or draws new data if there is any and it is time; answers whether it did (and so used this frame). */
  const draw = (): boolean => {
    if (!chart || !active || !visible) return false;
    if (resizePending) {
      resizePending = false;
      chart.resize();
      return true;
    }
    if (spec.version() === drawn) return false;
    const wait = lastDraw + MIN_INTERVAL_MS - performance.now();
    if (wait > 0) {
      deferred ??= setTimeout(() => {
        deferred = null;
        invalidate();
      }, wait);
      return false;
    }
    lastDraw = performance.now();
    drawn = spec.version();
    const next = spec.update();
    if (next) chart.setOption(next, { lazyUpdate: true });
    return next !== null;
  };

  /** Starts over from the base option and draws the current data (ECharts' setTheme drops merged data). */
  const redraw = () => {
    if (!chart) return;
    chart.setOption(spec.base(), { notMerge: true, lazyUpdate: true });
    drawn = null;
    lastDraw = 0;
    invalidate();
  };

  onMounted(() => {
    if (!el.value) return;
    chart = markRaw(echarts.init(el.value, themeName(app.theme), { renderer: 'canvas' }));
    chart.setOption(spec.base());
    draw();
    // a window resize reaches every chart at once: each resizes in a frame of its own
    const resize = new ResizeObserver(() => {
      resizePending = true;
      invalidate();
    });
    resize.observe(el.value);
    // charts scrolled out of view wait until they are seen again
    const seen = new IntersectionObserver(([entry]) => {
      visible = entry.isIntersecting;
      if (visible) invalidate();
    });
    seen.observe(el.value);
    stop = [
      registerChart(name, chart), onFrame(draw), () => resize.disconnect(), () => seen.disconnect(),
      watch(() => app.theme, (t) => {
        chart?.setTheme(themeName(t));
        redraw();
      }),
    ];
  });
  onActivated(() => {
    active = true;
    invalidate();
  });
  onDeactivated(() => (active = false));
  onBeforeUnmount(() => {
    stop.forEach((s) => s());
    if (deferred) clearTimeout(deferred);
    chart?.dispose();
    chart = null;
  });

  return { refresh: redraw };
}
