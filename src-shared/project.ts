/**
 * The on-disk format of an experiment project, as schemas both the main process and the UI
 * use. A project is a plain folder:
 *
 *   apical.json                 format, version, name, description, created, modified
 *   circuits/<name>.json        circuit specs (src-shared/circuit.ts)
 *   runs/<run-id>/run.json      what ran and how it ended (RunRecord)
 *   runs/<run-id>/metrics.jsonl one TrainEvent ('epoch' or 'progress') per line, append-only
 *   runs/<run-id>/checkpoints/  latest.safetensors + epoch-NNNN.safetensors
 *   runs/<run-id>/notes.md      free text
 *   apical.lock                 the writing process (pid, host), while one has it open
 *
 * No I/O here.
 */
import { z } from 'zod';
import { circuitSchema } from './circuit';

export const PROJECT_FORMAT = 'apical.project';
export const RUN_FORMAT = 'apical.run';
/** The format version this build writes; older projects are migrated, newer ones opened read-only. */
export const PROJECT_FORMAT_VERSION = 1;

export const RUN_STATUSES = ['running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses a run can be resumed from. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['interrupted', 'stopped', 'failed'];

const isoTime = z.string().min(1).max(64);

export const projectFileSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.number().int().min(0),
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).default(''),
  created: isoTime,
  modified: isoTime,
});
export type ProjectInfo = z.infer<typeof projectFileSchema>;

export const backendInfoSchema = z.object({
  name: z.string(),
  adapter: z.object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), software: z.boolean() }).optional(),
  threads: z.number().optional(),
  notes: z.array(z.string()).readonly().optional(),
});

export const datasetInfoSchema = z.object({
  name: z.string(),
  source: z.string(),
  /** content hash (sha256) of the decoded data set */
  hash: z.string(),
  shape: z.array(z.number().int()).readonly(),
  classes: z.array(z.string()).readonly(),
  train: z.number().int(),
  test: z.number().int(),
});

/** One resume of a run, appended to run.json's history. */
export const resumeRecordSchema = z.object({
  at: isoTime,
  /** completed epochs restored from the checkpoint (0: started over) */
  fromEpoch: z.number().int().min(0),
  /** checkpoint file relative to the run folder, null when none was usable */
  checkpoint: z.string().nullable(),
  /** epochs that metrics.jsonl held beyond the checkpoint and that are computed again */
  discardedEpochs: z.number().int().min(0),
  /** bytes of an incomplete last line of metrics.jsonl that were dropped */
  droppedBytes: z.number().int().min(0),
  previousStatus: z.enum(RUN_STATUSES),
  appVersion: z.string(),
});
export type ResumeRecord = z.infer<typeof resumeRecordSchema>;

export const runFileSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.number().int().min(0),
  id: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  /** the project circuit it was started from, if any (the snapshot below is what ran) */
  circuitName: z.string().nullable(),
  /** the full circuit with defaults filled in: rule, hyper-parameters, seed */
  circuit: circuitSchema,
  /** copies of circuit.rule.name and circuit.seed, for listing and filtering */
  rule: z.string(),
  seed: z.number().int(),
  config: z.object({
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']),
    trainLimit: z.number().int().positive().nullable(),
    testLimit: z.number().int().positive().nullable(),
    keepCheckpoints: z.number().int().min(0),
    /** CPU threads (data-parallel shards) of the cpu and wasm backends */
    threads: z.number().int().min(1).default(1),
  }),
  /** from the start event; null until training started */
  dataset: datasetInfoSchema.nullable(),
  backend: backendInfoSchema.nullable(),
  appVersion: z.string(),
  created: isoTime,
  ended: isoTime.nullable(),
  /** the process recording the run while it is running */
  process: z.object({ pid: z.number().int(), host: z.string(), procStart: z.string().nullable() }).nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  tags: z.array(z.string()),
  resumes: z.array(resumeRecordSchema),
  /** the run this one repeats (apical runs rerun) */
  rerunOf: z.string().nullable(),
  /** summary of metrics.jsonl, updated every epoch */
  progress: z.object({
    epochs: z.number().int().min(0),
    testAccuracy: z.number().nullable(),
    bestTestAccuracy: z.number().nullable(),
  }),
  warnings: z.array(z.string()).default([]),
});
export type RunRecord = z.infer<typeof runFileSchema>;

/** A line of metrics.jsonl: an epoch event (src-shared/events.ts EpochEvent) as the engine sent it. */
export const epochLineSchema = z.looseObject({
  event: z.literal('epoch'),
  epoch: z.number().int().min(1),
  loss: z.number(),
  trainAccuracy: z.number(),
  testAccuracy: z.number(),
  testLoss: z.number(),
  samplesPerSecond: z.number(),
  seconds: z.number(),
  firingRates: z.array(z.number()),
  alignment: z.array(z.number().nullable()).nullable(),
});
export type EpochLine = z.infer<typeof epochLineSchema>;

/** A line of metrics.jsonl: training progress within an epoch, written at most every few seconds. */
export const progressLineSchema = z.looseObject({
  event: z.literal('progress'),
  epoch: z.number().int().min(1),
  batch: z.number().int().min(0),
  batches: z.number().int().min(0),
  loss: z.number(),
  accuracy: z.number(),
  samplesPerSecond: z.number(),
  phase: z.enum(['load', 'train', 'test']),
});
export type ProgressLine = z.infer<typeof progressLineSchema>;

export const metricsLineSchema = z.discriminatedUnion('event', [epochLineSchema, progressLineSchema]);
export type MetricsLine = z.infer<typeof metricsLineSchema>;

/** Per-epoch series the UI and `apical runs compare` can show. */
export const EPOCH_METRICS = ['testAccuracy', 'trainAccuracy', 'loss', 'testLoss', 'samplesPerSecond', 'seconds'] as const;
export type EpochMetric = (typeof EPOCH_METRICS)[number];

/** Whether a character is a C0 control character or DEL. */
export function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Why a user-given name (project, circuit, run, tag) is unusable, or null when it is fine.
 * Names become file names inside the project, so they may not leave it or trip a file
 * system: no separators or `..`, no leading dot (reserved for temp files), no control or
 * Windows-forbidden characters, no trailing space or dot, no device names like CON or NUL.
 */
export function nameProblem(name: string, what = 'name'): string | null {
  if (name.length === 0) return `${what} is empty`;
  if (name.length > 100) return `${what} is longer than 100 characters`;
  if ([...name].some(isControl)) return `${what} contains a control character`;
  if (/[/\\]/.test(name)) return `${what} '${name}' contains a path separator`;
  if (name.includes('..')) return `${what} '${name}' contains '..'`;
  if (name.startsWith('.')) return `${what} '${name}' starts with a dot`;
  if (/[<>:"|?*]/.test(name)) return `${what} '${name}' contains one of < > : " | ? *`;
  if (/[ .]$/.test(name) || /^ /.test(name)) return `${what} '${name}' starts or ends with a space, or ends with a dot`;
  if (WINDOWS_RESERVED.test(name)) return `${what} '${name}' is a reserved device name on Windows`;
  return null;
}
