import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CircuitInput, RuleName } from '../../src-shared/circuit';
import type { LiveState, RunFrame, RunStateFrame } from '../../src-shared/contract';
import type { BackendInfo, DatasetInfo, ProgressEvent } from '../../src-shared/events';
import { call } from '../host/api';
import { liveRun } from '../streaming/live-run';
import { useAppStore } from './app';
import { useEditorStore } from './editor';
import { useProjectStore } from './project';

export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface TrainSettings {
  dataset: string;
  rule: RuleName;
  backend: BackendChoice;
  epochs: number;
  /** 0: the whole set */
  trainLimit: number;
  testLimit: number;
  alignmentEvery: number;
  seed: number;
}

const ACTIVE: readonly LiveState[] = ['starting', 'loading', 'running', 'paused', 'stopping'];

/** The circuit to train: the editor's draft with the training form's choices applied. */
export function circuitToTrain(draft: CircuitInput, s: TrainSettings): CircuitInput {
  const rule = draft.rule?.name === s.rule ? { ...draft.rule, alignmentEvery: s.alignmentEvery } : { name: s.rule, alignmentEvery: s.alignmentEvery };
  return { ...draft, input: { ...draft.input, dataset: s.dataset }, rule: rule as CircuitInput['rule'], epochs: s.epochs, seed: s.seed };
}

/** The run on the training view: its settings, state and the latest scalars (the series live in liveRun). */
export const useTrainingStore = defineStore('training', () => {
  const settings = ref<TrainSettings>({ dataset: 'mnist', rule: 'microcircuit', backend: 'auto', epochs: 5, trainLimit: 0, testLimit: 0, alignmentEvery: 0, seed: 1 });
  const runId = ref<string | null>(null);
  const state = ref<LiveState | null>(null);
  const failure = ref<{ code: string; message: string } | null>(null);
  const progress = ref<Pick<ProgressEvent, 'epoch' | 'batch' | 'batches' | 'phase' | 'loss' | 'accuracy' | 'samplesPerSecond'> | null>(null);
  const backend = ref<BackendInfo | null>(null);
  const dataset = ref<DatasetInfo | null>(null);
  const epochs = ref(0);
  const epochsDone = ref(0);
  const testAccuracy = ref<number | null>(null);
  const hasConfusion = ref(false);
  /** the scalars on screen change at most 5 times a second (the charts get every frame) */
  let progressShown = 0;

  const isActive = () => state.value !== null && ACTIVE.includes(state.value);

  function show(id: string, initial: LiveState): void {
    runId.value = id;
    state.value = initial;
    failure.value = null;
    progress.value = null;
    backend.value = null;
    dataset.value = null;
    epochsDone.value = 0;
    testAccuracy.value = null;
    hasConfusion.value = false;
    liveRun.reset(id);
  }

  /** Takes the draft's dataset, rule, epochs and seed into the form. */
  function adoptDraft(draft: CircuitInput): void {
    settings.value = {
      ...settings.value, dataset: draft.input?.dataset ?? 'mnist', rule: (draft.rule?.name ?? 'microcircuit') as RuleName,
      epochs: draft.epochs ?? 10, seed: draft.seed ?? 1, alignmentEvery: draft.rule?.alignmentEvery ?? 0,
    };
  }

  async function start(): Promise<void> {
    const editor = useEditorStore();
    const s = settings.value;
    try {
      const circuitName = editor.dirty ? null : editor.name;
      const { id } = await call('startRun', {
        circuitName, circuit: circuitToTrain(editor.draft, s), backend: s.backend,
        trainLimit: s.trainLimit > 0 ? s.trainLimit : undefined, testLimit: s.testLimit > 0 ? s.testLimit : undefined,
      });
      show(id, 'starting');
      epochs.value = s.epochs;
    } catch (e) {
      useAppStore().fail('start training', e);
    }
  }

  async function command(verb: 'pauseRun' | 'continueRun' | 'stopRun', what: string): Promise<void> {
    if (!runId.value) return;
    try {
      await call(verb, { id: runId.value });
    } catch (e) {
      useAppStore().fail(what, e);
    }
  }

  /** Shows a recorded run: its epochs from metrics.jsonl, its status and outcome. */
  async function open(id: string): Promise<void> {
    try {
      const detail = await call('readRun', { id });
      show(id, detail.summary.live ? 'running' : detail.summary.status);
      liveRun.loadEpochs(detail.epochs);
      if (detail.confusion) liveRun.push({ event: 'done', status: 'completed', testAccuracy: 0, epochs: 0, samplesPerSecond: 0, backend: '', seconds: 0, checkpoint: null, confusion: detail.confusion });
      backend.value = detail.record.backend;
      dataset.value = detail.record.dataset;
      liveRun.classes = detail.record.dataset?.classes ?? [];
      epochs.value = detail.record.circuit.epochs;
      epochsDone.value = detail.summary.epochs;
      testAccuracy.value = detail.summary.testAccuracy;
      failure.value = detail.summary.failure;
      hasConfusion.value = detail.confusion !== null;
    } catch (e) {
      useAppStore().fail(`open run ${id}`, e);
    }
  }

  async function resume(id: string): Promise<void> {
    try {
      await call('resumeRun', { id });
      await open(id);
      state.value = 'starting';
    } catch (e) {
      useAppStore().fail(`resume run ${id}`, e);
    }
  }

  /** A frame of the engine: series go to liveRun, a few scalars to the store. */
  function onFrame(frame: RunFrame): void {
    if (frame.runId !== runId.value) return;
    const e = frame.event;
    liveRun.push(e);
    if (e.event === 'start') {
      backend.value = e.backend;
      dataset.value = e.dataset;
      epochs.value = e.epochs;
    } else if (e.event === 'progress') {
      const now = performance.now();
      if (now - progressShown < 200 && e.batch < e.batches && e.phase === progress.value?.phase) return;
      progressShown = now;
      progress.value = { epoch: e.epoch, batch: e.batch, batches: e.batches, phase: e.phase, loss: e.loss, accuracy: e.accuracy, samplesPerSecond: e.samplesPerSecond };
    } else if (e.event === 'epoch') {
      epochsDone.value = e.epoch;
      testAccuracy.value = e.testAccuracy;
    } else if (e.event === 'done') {
      hasConfusion.value = e.confusion.length > 0;
    }
  }

  function onState(frame: RunStateFrame): void {
    if (frame.runId !== runId.value) return;
    state.value = frame.state;
    if (frame.failure) failure.value = frame.failure;
    if (!ACTIVE.includes(frame.state)) void useProjectStore().refreshRuns();
  }

  return {
    settings, runId, state, failure, progress, backend, dataset, epochs, epochsDone, testAccuracy, hasConfusion,
    isActive, adoptDraft, start, open, resume, onFrame, onState,
    pause: () => command('pauseRun', 'pause the run'),
    resumeTraining: () => command('continueRun', 'continue the run'),
    stop: () => command('stopRun', 'stop the run'),
  };
});
