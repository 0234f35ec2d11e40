import path from 'node:path';
import os from 'node:os';
import { validateCircuit, parseCircuit } from '../../src-shared/circuit';
import type { AppInfo, ParsedParams, Value, Verb } from '../../src-shared/contract';
import { RESUMABLE_STATUSES } from '../../src-shared/project';
import { appVersion } from '../projects/app-version';
import { deleteCircuit, listCircuits, readCircuit, renameCircuit, saveCircuit } from '../projects/circuits';
import { METRICS_FILE } from '../projects/layout';
import { readMetrics, tailWarning } from '../projects/metrics';
import { deleteRun, getRun, listRuns, readNotes, setTags, writeNotes } from '../projects/runs';
import { compareRuns } from './compare';
import { exportRunOnnx } from './onnx-export';
import type { OnnxExportRunner } from './onnx-export';
import { ApiFailure } from './errors';
import type { ApiSession } from './session';
import { circuitSummary, projectView, runSummary } from './views';

export type Handlers = { readonly [V in Verb]: (params: ParsedParams<V>) => Promise<Value<V>> | Value<V> };

export interface HostCapabilities {
  readonly host: AppInfo['host'];
  /** a native folder dialog (Electron); absent in the browser */
  readonly pickFolder?: (title: string) => Promise<string | null>;
  /** live snapshot interval the UI gets when it does not ask (ms) */
  readonly snapshotIntervalMs?: number;
  /** the ONNX exporter's process, where this build has one */
  readonly onnxExport?: OnnxExportRunner;
}

/** Validates a circuit as the engine will; the error lists every bad JSON path. */
function checkedCircuit(json: unknown) {
  const issues = validateCircuit(json);
  if (issues.length > 0) throw new ApiFailure('bad-config', `the circuit is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return parseCircuit(json);
}

async function appInfo(caps: HostCapabilities): Promise<AppInfo> {
  const { RULES } = await import('../engine/rules/registry');
  return {
    version: appVersion(), host: caps.host, platform: process.platform,
    rules: RULES.map((r) => ({ name: r.name, summary: r.summary })),
    backends: ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'],
    canPickFolder: caps.pickFolder !== undefined,
    defaultProjectsDir: path.join(os.homedir(), 'apical-projects'),
    canExportOnnx: caps.onnxExport !== undefined,
  };
}

/** The contract's implementation over one session, for every host. */
export function createHandlers(session: ApiSession, caps: HostCapabilities): Handlers {
  const project = () => session.requireProject();
  const summary = (id: string) => {
    const entry = getRun(project(), id);
    return runSummary(entry, session.live.isLive(id), session.live.status(id));
  };
  return {
    appInfo: () => appInfo(caps),
    pickFolder: async ({ title }) => {
      if (!caps.pickFolder) throw new ApiFailure('unsupported', 'there is no folder dialog in the browser: type the folder path');
      return caps.pickFolder(title);
    },
    recentProjects: () => session.recent.list(),
    forgetRecent: ({ dir }) => {
      session.recent.forget(dir);
      return session.recent.list();
    },
    currentProject: () => (session.project ? projectView(session.project) : null),
    createProject: ({ dir, name, description }) => session.create(dir, name, description),
    openProject: ({ dir, readOnly }) => session.open(dir, readOnly),
    closeProject: () => {
      session.close();
      return null;
    },
    renameProject: ({ name }) => {
      project().rename(name);
      session.recent.add(project().dir, name);
      return projectView(project());
    },
    listCircuits: () => {
      const { circuits, problems } = listCircuits(project());
      return { circuits: circuits.map((c) => circuitSummary(c.name, c.circuit)), problems };
    },
    readCircuit: ({ name }) => readCircuit(project(), name),
    saveCircuit: ({ name, circuit, overwrite }) => {
      checkedCircuit(circuit);
      return saveCircuit(project(), name, circuit, { overwrite });
    },
    renameCircuit: ({ from, to }) => {
      renameCircuit(project(), from, to);
      return null;
    },
    duplicateCircuit: ({ from, to }) => {
      saveCircuit(project(), to, { ...readCircuit(project(), from), name: to });
      return null;
    },
    deleteCircuit: ({ name }) => {
      deleteCircuit(project(), name);
      return null;
    },
    listRuns: ({ status, rule, tag }) => {
      const { runs, problems } = listRuns(project(), { status, rule, tags: tag ? [tag] : undefined });
      return { runs: runs.map((r) => runSummary(r, session.live.isLive(r.id), session.live.status(r.id))).reverse(), problems };
    },
    readRun: ({ id }) => {
      const entry = getRun(project(), id);
      const metricsFile = path.join(entry.dir, METRICS_FILE);
      const metrics = readMetrics(metricsFile);
      const notes = readNotes(project(), id);
      const tail = tailWarning(metricsFile, metrics);
      return {
        summary: runSummary(entry, session.live.isLive(id), session.live.status(id)), record: entry.record, epochs: metrics.epochs,
        notes, confusion: session.live.confusion(id), warnings: [...entry.record.warnings, ...(tail ? [tail] : [])],
      };
    },
    startRun: async (p) => {
      const circuit = checkedCircuit(p.circuit);
      const id = await session.live.start(project(), {
        circuit, circuitName: p.circuitName, backend: p.backend, trainLimit: p.trainLimit, testLimit: p.testLimit,
        tags: p.tags, snapshotIntervalMs: p.snapshotIntervalMs ?? caps.snapshotIntervalMs ?? 250,
      });
      return { id };
    },
    pauseRun: ({ id }) => {
      session.live.pause(id);
      return null;
    },
    continueRun: ({ id }) => {
      session.live.continue(id);
      return null;
    },
    stopRun: ({ id }) => {
      session.live.stop(id);
      return null;
    },
    resumeRun: async ({ id }) => {
      const entry = getRun(project(), id);
      if (!RESUMABLE_STATUSES.includes(entry.status)) throw new ApiFailure('conflict', `run ${id} is ${entry.status}; only ${RESUMABLE_STATUSES.join(', ')} runs can be resumed`);
      return { id: await session.live.resume(project(), id, caps.snapshotIntervalMs ?? 250) };
    },
    deleteRun: ({ id }) => {
      if (session.live.isLive(id)) throw new ApiFailure('conflict', `run ${id} is training; stop it before deleting it`);
      deleteRun(project(), id);
      return null;
    },
    tagRun: ({ id, add, remove }) => {
      setTags(project(), id, { add, remove });
      return summary(id);
    },
    writeNotes: ({ id, notes }) => {
      writeNotes(project(), id, notes);
      return null;
    },
    compareRuns: ({ ids, metric }) => compareRuns(project(), ids, metric),
    exportOnnx: async ({ id, format, verifyLimit }) => {
      if (!caps.onnxExport) throw new ApiFailure('unsupported', 'this build of Apical has no ONNX exporter');
      const entry = getRun(project(), id);
      if (session.live.isLive(id)) throw new ApiFailure('conflict', `run ${id} is training; export it when it has stopped`);
      if (entry.record.progress.epochs === 0) throw new ApiFailure('conflict', `run ${id} has no completed epoch, so no checkpoint to export`);
      return exportRunOnnx(caps.onnxExport, entry.dir, { format, verifyLimit });
    },
  };
}
