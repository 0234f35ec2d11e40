import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Comparison } from '../../src-shared/contract';
import type { EpochMetric } from '../../src-shared/project';
import { call } from '../host/api';
import { useAppStore } from './app';

/** Runs chosen for comparison and the comparison the host computed (means ± SD across seeds). */
export const useCompareStore = defineStore('compare', () => {
  const selected = ref<string[]>([]);
  const metric = ref<EpochMetric>('testAccuracy');
  const comparison = ref<Comparison | null>(null);

  function toggle(id: string): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((x) => x !== id) : [...selected.value, id];
  }

  async function load(): Promise<void> {
    if (selected.value.length === 0) {
      comparison.value = null;
      return;
    }
    try {
      comparison.value = await call('compareRuns', { ids: selected.value, metric: metric.value });
    } catch (e) {
      useAppStore().fail('compare the runs', e);
    }
  }

  return { selected, metric, comparison, toggle, load };
});
