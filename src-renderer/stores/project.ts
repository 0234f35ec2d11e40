import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CircuitSummary, FileProblemView, ProjectView, RecentProject, RunDetail, RunSummary } from '../../src-shared/contract';
import type { CircuitInput } from '../../src-shared/circuit';
import { call } from '../host/api';
import { useAppStore } from './app';

/** The open project as listed: circuits, runs, the run shown in detail, the recent projects. */
export const useProjectStore = defineStore('project', () => {
  const current = ref<ProjectView | null>(null);
  const recent = ref<readonly RecentProject[]>([]);
  const circuits = ref<readonly CircuitSummary[]>([]);
  const runs = ref<readonly RunSummary[]>([]);
  const problems = ref<readonly FileProblemView[]>([]);
  const detail = ref<RunDetail | null>(null);
  const busy = ref(false);

  /** Runs an action, showing its error; answers whether it succeeded. */
  async function attempt(action: string, fn: () => Promise<void>): Promise<boolean> {
    busy.value = true;
    try {
      await fn();
      return true;
    } catch (e) {
      useAppStore().fail(action, e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function loadRecent(): Promise<void> {
    recent.value = await call('recentProjects', {});
  }

  async function restore(): Promise<void> {
    current.value = await call('currentProject', {});
    if (current.value) await refresh();
    await loadRecent();
  }

  async function refresh(): Promise<void> {
    if (!current.value) return;
    const [c, r] = await Promise.all([call('listCircuits', {}), call('listRuns', {})]);
    circuits.value = c.circuits;
    runs.value = r.runs;
    problems.value = [...c.problems, ...r.problems];
    if (detail.value) detail.value = await call('readRun', { id: detail.value.summary.id }).catch(() => null);
  }

  async function refreshRuns(): Promise<void> {
    if (!current.value) return;
    const r = await call('listRuns', {});
    runs.value = r.runs;
    if (detail.value && r.runs.some((x) => x.id === detail.value?.summary.id)) detail.value = await call('readRun', { id: detail.value.summary.id });
  }

  const opened = async (view: ProjectView) => {
    current.value = view;
    detail.value = null;
    await Promise.all([refresh(), loadRecent()]);
    for (const notice of view.notices) useAppStore().notify('info', 'Project opened', notice);
  };

  return {
    current, recent, circuits, runs, problems, detail, busy, loadRecent, restore, refresh, refreshRuns,
    create: (dir: string, name?: string) => attempt('create the project', async () => opened(await call('createProject', { dir, name }))),
    open: (dir: string) => attempt('open the project', async () => opened(await call('openProject', { dir }))),
    close: () => attempt('close the project', async () => {
      await call('closeProject', {});
      current.value = null;
      circuits.value = [];
      runs.value = [];
      detail.value = null;
    }),
    rename: (name: string) => attempt('rename the project', async () => {
      current.value = await call('renameProject', { name });
      await loadRecent();
    }),
    forget: (dir: string) => attempt('forget the project', async () => {
      recent.value = await call('forgetRecent', { dir });
    }),
    newCircuit: (name: string, circuit: CircuitInput) => attempt('create the circuit', async () => {
      await call('saveCircuit', { name, circuit });
      await refresh();
    }),
    duplicateCircuit: (from: string, to: string) => attempt('duplicate the circuit', async () => {
      await call('duplicateCircuit', { from, to });
      await refresh();
    }),
    renameCircuit: (from: string, to: string) => attempt('rename the circuit', async () => {
      await call('renameCircuit', { from, to });
      await refresh();
    }),
    deleteCircuit: (name: string) => attempt('delete the circuit', async () => {
      await call('deleteCircuit', { name });
      await refresh();
    }),
    showRun: (id: string | null) => attempt('read the run', async () => {
      detail.value = id ? await call('readRun', { id }) : null;
    }),
    deleteRun: (id: string) => attempt('delete the run', async () => {
      await call('deleteRun', { id });
      if (detail.value?.summary.id === id) detail.value = null;
      await refreshRuns();
    }),
    tagRun: (id: string, add: string[], remove: string[]) => attempt('tag the run', async () => {
      await call('tagRun', { id, add, remove });
      await refreshRuns();
    }),
    writeNotes: (id: string, notes: string) => attempt('save the notes', async () => {
      await call('writeNotes', { id, notes });
    }),
  };
});
