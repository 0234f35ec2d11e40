/**
 * The message protocol between a host (CLI, web host, Electron main) and the engine
 * worker process. One run per worker: the host forks, sends `start`, receives events,
 * and the worker exits when the run ends. Plain JSON-serialisable records only.
 */
import { z } from 'zod';
import { runConfigSchema } from './run-config';
import type { ErrorEvent, TrainEvent } from './events';

export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    config: runConfigSchema,
    /** emit monitoring snapshots (raster, membrane, histograms) at most this often; 0 = never */
    snapshotIntervalMs: z.number().int().min(0).max(60_000).default(0),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('status') }),
]);
export type WorkerRequest = z.input<typeof workerRequestSchema>;

export type WorkerState = 'idle' | 'loading' | 'running' | 'paused' | 'stopping' | 'finished' | 'failed';

export interface RunResult {
  readonly status: 'completed' | 'stopped';
  readonly testAccuracy: number;
  readonly epochs: number;
  readonly checkpoint: string | null;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'event'; readonly event: TrainEvent }
  | { readonly type: 'status'; readonly state: WorkerState; readonly epoch: number; readonly batch: number }
  | { readonly type: 'finished'; readonly result: RunResult }
  | { readonly type: 'failed'; readonly error: Pick<ErrorEvent, 'code' | 'message'> };

/** Why a worker process ended without finishing its run. */
export type WorkerExitReason = 'crashed' | 'killed' | 'oom' | 'launch-failed' | 'exited';

export interface WorkerExit {
  readonly reason: WorkerExitReason;
  readonly code: number | null;
  readonly signal: string | null;
  /** last lines the process wrote to stderr, for the error message */
  readonly detail: string;
}
