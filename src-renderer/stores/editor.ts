import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { validateCircuit } from '../../src-shared/circuit';
import type { CircuitInput, LayerSpec } from '../../src-shared/circuit';
import { TEMPLATES } from '../../src-shared/templates';
import { call } from '../host/api';
import { cloneJson, getAt, setAt } from '../editor/draft-path';
import { EMPTY_HISTORY, record, redo as redoStep, undo as undoStep } from '../editor/history';
import type { History } from '../editor/history';
import { useAppStore } from './app';
import { useProjectStore } from './project';

const DEFAULT_LAYER: Readonly<Record<LayerSpec['kind'], LayerSpec>> = {
  dense: { kind: 'dense', units: 100 },
  conv: { kind: 'conv', filters: 16, kernel: 3, stride: 1, padding: 'same' },
  'avg-pool': { kind: 'avg-pool', size: 2 },
};

/**
 * The circuit being edited: the draft as the user writes it (defaults may be left out),
 * validated by the engine's own schema on every change, with undo/redo as JSON snapshots.
 */
export const useEditorStore = defineStore('editor', () => {
  const name = ref<string | null>(null);
  const draft = ref<CircuitInput>(cloneJson(TEMPLATES[0].circuit) as CircuitInput);
  const saved = ref(JSON.stringify(draft.value));
  const history = ref<History>(EMPTY_HISTORY);
  const selection = ref<string>('layer-0');

  const issues = computed(() => validateCircuit(draft.value));
  const dirty = computed(() => JSON.stringify(draft.value) !== saved.value);
  const canUndo = computed(() => history.value.past.length > 0);
  const canRedo = computed(() => history.value.future.length > 0);
  const issueAt = (path: string) => issues.value.find((i) => i.path === path)?.message ?? null;

  function replace(next: CircuitInput): void {
    history.value = record(history.value, JSON.stringify(draft.value));
    draft.value = next;
  }

  function set(path: string, value: unknown): void {
    if (JSON.stringify(getAt(draft.value, path)) === JSON.stringify(value)) return;
    replace(setAt(draft.value, path, value));
  }

  function load(circuitName: string | null, circuit: CircuitInput): void {
    name.value = circuitName;
    draft.value = cloneJson(circuit);
    saved.value = JSON.stringify(circuit);
    history.value = EMPTY_HISTORY;
    selection.value = 'layer-0';
  }

  async function open(circuitName: string): Promise<boolean> {
    try {
      load(circuitName, await call('readCircuit', { name: circuitName }));
      return true;
    } catch (e) {
      useAppStore().fail(`open circuit ${circuitName}`, e);
      return false;
    }
  }

  function addLayer(kind: LayerSpec['kind']): void {
    const layers = [...(draft.value.layers ?? [])];
    const at = Math.max(0, layers.length - 1);
    layers.splice(at, 0, { ...DEFAULT_LAYER[kind] });
    replace({ ...draft.value, layers });
    selection.value = `layer-${at}`;
  }

  function removeLayer(index: number): void {
    const layers = (draft.value.layers ?? []).filter((_, i) => i !== index);
    replace({ ...draft.value, layers });
    selection.value = 'input';
  }

  function applyHistory(step: typeof undoStep): void {
    const result = step(history.value, JSON.stringify(draft.value));
    if (!result) return;
    history.value = result.history;
    draft.value = JSON.parse(result.state) as CircuitInput;
  }

  /** Saves into the project (Ctrl+S); a draft without a name asks for one first. */
  async function save(asName?: string): Promise<boolean> {
    const target = asName ?? name.value;
    if (!target) return false;
    if (issues.value.length > 0) {
      useAppStore().notify('error', 'Not saved: the circuit is not valid', issues.value.map((i) => `• ${i.path}: ${i.message}`).join('\n'));
      return false;
    }
    try {
      await call('saveCircuit', { name: target, circuit: draft.value, overwrite: target === name.value });
      name.value = target;
      saved.value = JSON.stringify(draft.value);
      useAppStore().notify('info', `Saved circuit ${target}`);
      await useProjectStore().refresh();
      return true;
    } catch (e) {
      useAppStore().fail(`save circuit ${target}`, e);
      return false;
    }
  }

  return {
    name, draft, history, selection, issues, dirty, canUndo, canRedo, issueAt, set, load, open, addLayer, removeLayer, save,
    undo: () => applyHistory(undoStep), redo: () => applyHistory(redoStep),
  };
});
