import { Worker } from 'node:worker_threads';
import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit } from '../../../src-shared/circuit';
import type { Network } from '../network';
import type { LayerGradients } from '../rules/rule';
import type { BatchStats } from '../training/batch-step';
import type { ShardReply, ShardRequest } from './shard-protocol';

/** Where the shard thread's entry is: TypeScript sources through tsx, or a bundled build. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './shard-worker-bootstrap.mjs' : './shard-worker.js', import.meta.url);
}

interface Pending {
  resolve: (r: Extract<ShardReply, { type: 'result' }>) => void;
  reject: (e: Error) => void;
}

/**
 * Data parallelism on the CPU: `threads - 1` shard threads next to the trainer's own, each
 * computing the gradients of its share of every batch. The trainer sums the shards'
 * gradients weighted by their sizes, applies the update, and sends the new weights with
 * the next batch. Results are deterministic for a given thread count.
 */
export class ShardPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private sentFixed = false;

  private constructor() {}

  static async start(threads: number, circuit: Circuit, dataset: string, backend: string): Promise<ShardPool> {
    const pool = new ShardPool();
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads - 1; i++) {
      const worker = new Worker(workerUrl());
      pool.workers.push(worker);
      ready.push(new Promise((resolve, reject) => {
        worker.on('message', (m: ShardReply) => {
          if (m.type === 'ready') resolve();
          else pool.onReply(m);
        });
        worker.on('error', (e) => {
          reject(e);
          pool.failAll(e);
        });
        worker.on('exit', (code) => {
          if (code !== 0) pool.failAll(new Error(`a shard thread exited with code ${code}`));
        });
      }));
      worker.postMessage({ type: 'init', circuit, dataset, backend } satisfies ShardRequest);
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** The parameters the workers need for the next batch (the fixed feedback ones only the first time). */
  async params(net: Network): Promise<Record<string, Float32Array>> {
    const tensors: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(net.namedTensors())) {
      if (this.sentFixed && (name.endsWith('.feedback') || name.endsWith('.direct'))) continue;
      // an array of our own (the cpu backend may hand out its storage), transferable to a thread
      tensors[name] = new Float32Array((await t.data()) as Float32Array);
    }
    this.sentFixed = true;
    return tensors;
  }

  /**
   * Sends every worker its share with the parameters (copied to all but the last, which
   * takes them over: `tensors` is unusable afterwards); resolves with their gradients and stats.
   */
  send(tensors: Record<string, Float32Array>, shares: Uint32Array[], batchIndex: number, encoderSeed: number): Promise<{ grads: Record<string, Float32Array>; stats: BatchStats }[]> {
    const last = this.workers.length - 1;
    return Promise.all(this.workers.map((worker, i) => new Promise<Extract<ShardReply, { type: 'result' }>>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      const transfer = i === last ? Object.values(tensors).map((a) => a.buffer as ArrayBuffer) : [];
      worker.postMessage({ type: 'batch', id, tensors, indices: shares[i], batchIndex, encoderSeed } satisfies ShardRequest, transfer);
    })));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private onReply(m: ShardReply): void {
    if (m.type === 'ready') return;
    if (m.type === 'error' && m.id === null) return this.failAll(new Error(m.message));
    const p = this.pending.get(m.id as number);
    if (!p) return;
    this.pending.delete(m.id as number);
    if (m.type === 'error') p.reject(new Error(`shard thread: ${m.message}`));
    else p.resolve(m);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** Adds worker gradients (plain arrays) to the trainer's own, weighting each shard by its size. */
export function combineGradients(own: LayerGradients, ownSize: number, others: { grads: Record<string, Float32Array>; n: number }[]): LayerGradients {
  const total = ownSize + others.reduce((a, o) => a + o.n, 0);
  const combine = (key: 'weight' | 'bias', i: number, g: Tensor | null): Tensor | null => {
    if (!g) return null;
    return tf.tidy(() => {
      const name = `layers.${i}.${key}`;
      let sum = tf.mul(g, ownSize / total);
      for (const o of others) sum = tf.add(sum, tf.mul(tf.tensor(o.grads[name], g.shape), o.n / total));
      return sum;
    });
  };
  const out: LayerGradients = {
    weight: own.weight.map((g, i) => combine('weight', i, g)),
    bias: own.bias.map((g, i) => combine('bias', i, g)),
  };
  return out;
}
