import type { Circuit } from '../../../src-shared/circuit';
import type { BatchStats } from '../training/batch-step';

/** Main thread -> shard thread. */
export type ShardRequest =
  | { readonly type: 'init'; readonly circuit: Circuit; readonly dataset: string; readonly backend: string }
  | {
    readonly type: 'batch';
    readonly id: number;
    /** parameters to load before computing (all of them the first time, then weights and biases) */
    readonly tensors: Record<string, Float32Array>;
    readonly indices: Uint32Array;
    readonly batchIndex: number;
    readonly encoderSeed: number;
  }
  | { readonly type: 'close' };

/** Shard thread -> main thread. */
export type ShardReply =
  | { readonly type: 'ready' }
  | {
    readonly type: 'result';
    readonly id: number;
    /** gradients by parameter name (layers.<i>.weight | bias), E averaged over the shard */
    readonly grads: Record<string, Float32Array>;
    readonly stats: BatchStats;
  }
  | { readonly type: 'error'; readonly id: number | null; readonly message: string };
