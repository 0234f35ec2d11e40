/**
 * The one contract between the UI and its hosts (Electron main through the preload, the
 * web host over HTTP + WebSocket, a mock in tests). Every request is a named verb with a
 * zod schema for its parameters, validated where it enters a host; every answer is a
 * Result. Channel strings appear in this file only: everything else names verbs.
 */
import { z } from 'zod';
import type { Circuit, CircuitInput, RuleName } from './circuit';
import type { TrainEvent } from './events';
import type { EpochLine, EpochMetric, ProjectInfo, RunRecord, RunStatus } from './project';
import { EPOCH_METRICS, RUN_STATUSES } from './project';

export type ApiErrorCode =
  | 'bad-request' | 'no-project' | 'unsupported' | 'internal'
  /** from projects (src-main/projects/errors.ts) */
  | 'not-found' | 'malformed' | 'locked' | 'read-only' | 'bad-name' | 'exists' | 'conflict' | 'io'
  /** from the engine (src-shared/events.ts ErrorEvent) */
  | 'non-finite' | 'bad-config' | 'dataset' | 'backend';

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** per JSON path, for invalid circuits and requests */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

const name = z.string().min(1).max(100);
const runId = z.string().min(1).max(200);
const dir = z.string().min(1).max(4096);
const none = z.object({});
const backend = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);

export const startRunSchema = z.object({
  /** the project circuit it starts from (null: an unsaved draft) */
  circuitName: name.nullable(),
  /** validated by the engine's circuit schema where it enters the host */
  circuit: z.unknown(),
  backend: backend.default('auto'),
  trainLimit: z.number().int().positive().optional(),
  testLimit: z.number().int().positive().optional(),
  tags: z.array(name).max(32).default([]),
  /** live snapshots (raster, membrane, histograms) at most this often; 0 = none */
  snapshotIntervalMs: z.number().int().min(0).max(60_000).default(250),
});
export type StartRunParams = z.input<typeof startRunSchema>;

/** Every request: its channel and the schema of its parameters. */
export const REQUESTS = {
  appInfo: { channel: 'app/info', params: none },
  pickFolder: { channel: 'dialog/pick-folder', params: z.object({ title: z.string().max(200).default('Choose a folder') }) },
  recentProjects: { channel: 'project/recent', params: none },
  forgetRecent: { channel: 'project/forget-recent', params: z.object({ dir }) },
  currentProject: { channel: 'project/current', params: none },
  createProject: { channel: 'project/create', params: z.object({ dir, name: name.optional(), description: z.string().max(10_000).optional() }) },
  openProject: { channel: 'project/open', params: z.object({ dir, readOnly: z.boolean().default(false) }) },
  closeProject: { channel: 'project/close', params: none },
  renameProject: { channel: 'project/rename', params: z.object({ name }) },
  listCircuits: { channel: 'circuit/list', params: none },
  readCircuit: { channel: 'circuit/read', params: z.object({ name }) },
  saveCircuit: { channel: 'circuit/save', params: z.object({ name, circuit: z.unknown(), overwrite: z.boolean().default(false) }) },
  renameCircuit: { channel: 'circuit/rename', params: z.object({ from: name, to: name }) },
  duplicateCircuit: { channel: 'circuit/duplicate', params: z.object({ from: name, to: name }) },
  deleteCircuit: { channel: 'circuit/delete', params: z.object({ name }) },
  listRuns: { channel: 'run/list', params: z.object({ status: z.array(z.enum(RUN_STATUSES)).optional(), rule: z.string().optional(), tag: z.string().optional() }) },
  readRun: { channel: 'run/read', params: z.object({ id: runId }) },
  startRun: { channel: 'run/start', params: startRunSchema },
  pauseRun: { channel: 'run/pause', params: z.object({ id: runId }) },
  continueRun: { channel: 'run/continue', params: z.object({ id: runId }) },
  stopRun: { channel: 'run/stop', params: z.object({ id: runId }) },
  resumeRun: { channel: 'run/resume', params: z.object({ id: runId }) },
  deleteRun: { channel: 'run/delete', params: z.object({ id: runId }) },
  tagRun: { channel: 'run/tag', params: z.object({ id: runId, add: z.array(name).max(32).default([]), remove: z.array(name).max(32).default([]) }) },
  writeNotes: { channel: 'run/notes', params: z.object({ id: runId, notes: z.string().max(1_000_000) }) },
  compareRuns: { channel: 'run/compare', params: z.object({ ids: z.array(runId).min(1).max(64), metric: z.enum(EPOCH_METRICS) }) },
  exportOnnx: {
    channel: 'run/export-onnx',
    params: z.object({ id: runId, format: z.enum(['spiking', 'step', 'rate']).default('spiking'), verifyLimit: z.number().int().positive().max(100_000).optional() }),
  },
} as const;

export type Verb = keyof typeof REQUESTS;
/** What a caller passes (defaults may be left out). */
export type Params<V extends Verb> = z.input<(typeof REQUESTS)[V]['params']>;
/** What a handler receives (validated, defaults filled in). */
export type ParsedParams<V extends Verb> = z.output<(typeof REQUESTS)[V]['params']>;

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'web';
  readonly platform: string;
  readonly rules: readonly { readonly name: RuleName; readonly summary: string }[];
  readonly backends: readonly string[];
  /** a native folder dialog is available (Electron) */
  readonly canPickFolder: boolean;
  /** where new projects go unless the user picks another folder */
  readonly defaultProjectsDir: string;
  /** this build has the ONNX exporter */
  readonly canExportOnnx: boolean;
}

export interface RecentProject {
  readonly dir: string;
  readonly name: string;
  readonly openedAt: string;
  readonly exists: boolean;
}

export interface ProjectView {
  readonly dir: string;
  readonly info: ProjectInfo;
  /** why it is read-only, or null */
  readonly readOnly: string | null;
  /** what happened on open: recovered lock, migration, interrupted runs */
  readonly notices: readonly string[];
}

export interface CircuitSummary {
  readonly name: string;
  readonly layers: string;
  readonly rule: RuleName;
  readonly dataset: string;
}

export interface FileProblemView {
  readonly file: string;
  readonly message: string;
}

export interface RunSummary {
  readonly id: string;
  readonly status: RunStatus;
  readonly circuitName: string | null;
  readonly rule: string;
  readonly seed: number;
  readonly dataset: string;
  readonly backend: string | null;
  readonly created: string;
  readonly ended: string | null;
  readonly epochs: number;
  readonly testAccuracy: number | null;
  readonly bestTestAccuracy: number | null;
  readonly tags: readonly string[];
  readonly failure: { readonly code: string; readonly message: string } | null;
  /** this host trains it now */
  readonly live: boolean;
  readonly resumable: boolean;
}

export interface RunDetail {
  readonly summary: RunSummary;
  readonly record: RunRecord;
  readonly epochs: readonly EpochLine[];
  readonly notes: string;
  /** from the last evaluation of this session, when the host saw it end */
  readonly confusion: readonly (readonly number[])[] | null;
  readonly warnings: readonly string[];
}

/** One line of a comparison: one run, or the mean ± SD of runs differing only in seed. */
export interface CompareSeries {
  readonly label: string;
  readonly runs: readonly string[];
  readonly epochs: readonly number[];
  readonly mean: readonly (number | null)[];
  /** present when the series aggregates more than one run */
  readonly sd: readonly (number | null)[] | null;
}

export interface Comparison {
  readonly metric: EpochMetric;
  readonly series: readonly CompareSeries[];
  /** configuration fields that differ between the runs, as `path: a | b` */
  readonly differences: readonly string[];
}

/** A run's latest checkpoint exported to ONNX and run in onnxruntime next to the engine. */
export interface OnnxExportView {
  readonly file: string;
  readonly reportFile: string;
  readonly format: 'spiking' | 'step' | 'rate';
  readonly bytes: number;
  readonly seconds: number;
  /** the export reproduces the engine (spiking/step: identical predictions and spike counts) */
  readonly ok: boolean;
  readonly verdict: string;
  readonly samples: number;
  readonly engineAccuracy: number;
  readonly onnxAccuracy: number;
}

export interface Values {
  appInfo: AppInfo;
  pickFolder: string | null;
  recentProjects: readonly RecentProject[];
  forgetRecent: readonly RecentProject[];
  currentProject: ProjectView | null;
  createProject: ProjectView;
  openProject: ProjectView;
  closeProject: null;
  renameProject: ProjectView;
  listCircuits: { readonly circuits: readonly CircuitSummary[]; readonly problems: readonly FileProblemView[] };
  readCircuit: Circuit;
  saveCircuit: Circuit;
  renameCircuit: null;
  duplicateCircuit: null;
  deleteCircuit: null;
  listRuns: { readonly runs: readonly RunSummary[]; readonly problems: readonly FileProblemView[] };
  readRun: RunDetail;
  startRun: { readonly id: string };
  pauseRun: null;
  continueRun: null;
  stopRun: null;
  resumeRun: { readonly id: string };
  deleteRun: null;
  tagRun: RunSummary;
  writeNotes: null;
  compareRuns: Comparison;
  exportOnnx: OnnxExportView;
}
export type Value<V extends Verb> = Values[V];

/** The live state of a run this host trains. */
export type LiveState = 'starting' | 'loading' | 'running' | 'paused' | 'stopping' | RunStatus;

/** Engine events of one run, decimated at the source. */
export interface RunFrame {
  readonly runId: string;
  readonly event: TrainEvent;
}

export interface RunStateFrame {
  readonly runId: string;
  readonly state: LiveState;
  /** why it failed: an engine error code, or how the engine process ended (crashed, oom, killed, launch-failed) */
  readonly failure: { readonly code: string; readonly message: string } | null;
}

export interface ProjectChange {
  readonly what: 'project' | 'circuits' | 'runs';
}

/** A command from the desktop app's menu, for the UI to carry out (the web host sends none). */
export interface MenuCommand {
  readonly command: 'new-project' | 'open-project' | 'open-recent' | 'close-project' | 'save' | 'undo' | 'redo' | 'toggle-theme' | 'show-view';
  /** open-recent: the project folder; show-view: the view name */
  readonly argument?: string;
}

/** Every event a host pushes, by name: its channel. */
export const EVENTS = {
  runFrame: 'run/frame',
  runState: 'run/state',
  projectChanged: 'project/changed',
  menuCommand: 'app/menu',
} as const;
export type EventName = keyof typeof EVENTS;

export interface EventPayloads {
  runFrame: RunFrame;
  runState: RunStateFrame;
  projectChanged: ProjectChange;
  menuCommand: MenuCommand;
}

/** The contract as the UI sees it: one method per verb, plus event subscriptions. */
export type ApicalApi = { readonly [V in Verb]: (params: Params<V>) => Promise<Result<Value<V>>> } & {
  readonly on: { readonly [E in EventName]: (listener: (payload: EventPayloads[E]) => void) => () => void };
};

/** The verb a channel belongs to, for hosts that receive channels (IPC, HTTP paths). */
export function verbOfChannel(channel: string): Verb | null {
  for (const verb of Object.keys(REQUESTS) as Verb[]) if (REQUESTS[verb].channel === channel) return verb;
  return null;
}

export function eventOfChannel(channel: string): EventName | null {
  for (const event of Object.keys(EVENTS) as EventName[]) if (EVENTS[event] === channel) return event;
  return null;
}

/** A draft circuit as the editor holds it: the user's input form. */
export type CircuitDraft = CircuitInput;
