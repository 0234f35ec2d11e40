import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit } from '../../../src-shared/circuit';
import type { BackendInfo, EpochEvent, TrainEvent } from '../../../src-shared/events';
import type { Dataset } from '../datasets/dataset';
import { permutation, subsetIndices } from '../datasets/shuffle';
import { Network } from '../network';
import { mixSeed } from '../random';
import { bpttGradients } from '../rules/bptt';
import { createRule } from '../rules/registry';
import type { LayerGradients, LearningRule } from '../rules/rule';
import { AlignmentMeter, layerCosines } from './alignment';
import { batchRanges, gatherBatch } from './batches';
import type { CheckpointSnapshot } from './checkpoint-state';
import { restoreSnapshot, takeSnapshot } from './checkpoint-state';
import { evaluate } from './evaluate';
import { Optimizer } from './optimizer';
import { disposeGradients } from './simulate';
import { computeShard, mergeStats } from './batch-step';
import { ShardPool, combineGradients } from '../parallel/shard-pool';
import { EpochTally } from './tally';
import { firstSample, monitorSnapshot } from './snapshot';

/** Pause / stop from outside the loop (worker messages, Ctrl+C). */
export class TrainControl {
  stopped = false;
  private paused: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private readonly listeners = new Set<(command: 'pause' | 'resume' | 'stop') => void>();

  pause(): void {
    if (this.paused) return;
    this.paused = new Promise((resolve) => (this.release = resolve));
    this.emit('pause');
  }

  resume(): void {
    this.release?.();
    const was = this.paused !== null;
    this.paused = null;
    this.release = null;
    if (was) this.emit('resume');
  }

  stop(): void {
    this.stopped = true;
    this.resume();
    this.emit('stop');
  }

  /** Observes commands (a host forwards them to a worker process); returns an unsubscribe. */
  subscribe(listener: (command: 'pause' | 'resume' | 'stop') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(command: 'pause' | 'resume' | 'stop'): void {
    for (const l of this.listeners) l(command);
  }

  get isPaused(): boolean {
    return this.paused !== null;
  }

  /** Waits while paused; lets pending messages run between batches. */
  async checkpoint(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.paused) await this.paused;
  }
}

export interface TrainOptions {
  readonly circuit: Circuit;
  readonly dataset: Dataset;
  readonly backend: BackendInfo;
  readonly trainLimit?: number;
  readonly testLimit?: number;
  readonly control?: TrainControl;
  readonly onEvent: (e: TrainEvent) => void;
  /** called after every epoch with everything needed to resume; the host writes it */
  readonly onCheckpoint?: (snapshot: CheckpointSnapshot) => Promise<string | null> | string | null;
  /** continue from a snapshot (its epoch is the number of completed epochs) */
  readonly resume?: CheckpointSnapshot;
  /** minimum milliseconds between progress events */
  readonly progressIntervalMs?: number;
  /** minimum milliseconds between monitoring snapshots; 0 or absent: none */
  readonly snapshotIntervalMs?: number;
  /** CPU threads for data parallelism on the cpu and wasm backends (1 = this thread only) */
  readonly threads?: number;
}

export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

/**
 * Trains a circuit: epochs of shuffled mini-batches, the rule's update through the shared
 * optimiser, evaluation on the test set after each epoch, events throughout. A non-finite
 * loss or update stops the run with a NonFiniteError before anything bad is applied or saved.
 */
export async function train(opts: TrainOptions): Promise<{ testAccuracy: number; epochs: number; checkpoint: string | null; status: 'completed' | 'stopped' }> {
  const { circuit, dataset } = opts;
  const control = opts.control ?? new TrainControl();
  const net = new Network(circuit, { inputShape: dataset.shape, classes: dataset.classes.length });
  const rule = createRule(circuit.rule, circuit.seed);
  const optimizer = new Optimizer(circuit.optimizer);
  const trainCount = Math.min(dataset.train.count, opts.trainLimit ?? Infinity);
  const testCount = Math.min(dataset.test.count, opts.testLimit ?? Infinity);
  const ranges = batchRanges(trainCount, circuit.batch);
  let fromEpoch = 0;
  if (opts.resume) fromEpoch = restoreSnapshot(opts.resume, net, optimizer, rule);
  opts.onEvent({
    event: 'start', rule: circuit.rule.name, backend: opts.backend, epochs: circuit.epochs, batchesPerEpoch: ranges.length, fromEpoch,
    dataset: { name: dataset.name, source: dataset.source, hash: dataset.hash, shape: dataset.shape, classes: dataset.classes, train: trainCount, test: testCount },
  });
  const threads = opts.threads ?? 1;
  const pool = threads > 1 && (opts.backend.name === 'wasm' || opts.backend.name === 'cpu')
    ? await ShardPool.start(threads, circuit, dataset.source, opts.backend.name)
    : null;
  const started = performance.now();
  let trainSeconds = 0;
  let samples = 0;
  let last = { testAccuracy: 0, checkpoint: null as string | null, confusion: [] as number[][] };
  let epoch = fromEpoch;
  try {
    for (; epoch < circuit.epochs && !control.stopped; epoch++) {
      const result = await trainEpoch({ opts, net, rule, optimizer, control, epoch, ranges, trainCount, testCount, pool });
      trainSeconds += result.trainSeconds;
      samples += result.samples;
      if (result.stopped) break;
      const checkpoint = opts.onCheckpoint ? await opts.onCheckpoint(await takeSnapshot(net, optimizer, epoch + 1, circuit, rule)) : null;
      last = { testAccuracy: result.event.testAccuracy, checkpoint, confusion: result.confusion };
      opts.onEvent(result.event);
    }
    const status = control.stopped ? 'stopped' : 'completed';
    opts.onEvent({
      event: 'done', status, testAccuracy: last.testAccuracy, epochs: epoch, backend: opts.backend.name,
      samplesPerSecond: trainSeconds > 0 ? samples / trainSeconds : 0, seconds: (performance.now() - started) / 1000,
      checkpoint: last.checkpoint, confusion: last.confusion,
    });
    return { testAccuracy: last.testAccuracy, epochs: epoch, checkpoint: last.checkpoint, status };
  } finally {
    await pool?.close();
    rule.dispose();
    optimizer.dispose();
    net.dispose();
  }
}

interface EpochContext {
  readonly opts: TrainOptions;
  readonly net: Network;
  readonly rule: LearningRule;
  readonly optimizer: Optimizer;
  readonly control: TrainControl;
  readonly epoch: number;
  readonly pool: ShardPool | null;
  readonly ranges: [number, number][];
  readonly trainCount: number;
  readonly testCount: number;
}

async function trainEpoch(ctx: EpochContext): Promise<{ event: EpochEvent; confusion: number[][]; trainSeconds: number; samples: number; stopped: boolean }> {
  const { opts, net, control, epoch, ranges } = ctx;
  const { circuit, dataset } = opts;
  // the samples of the run (a fixed random subset under a limit), shuffled per epoch
  const pool = subsetIndices(dataset.train.count, ctx.trainCount);
  const order = permutation(ctx.trainCount, circuit.seed, epoch).map((i) => pool[i]);
  const tally = new EpochTally(net.layers.map((l) => l.synapse.outShape.reduce((a, b) => a * b, 1) * circuit.steps));
  const alignment = new AlignmentMeter();
  const epochStart = performance.now();
  let alignmentSeconds = 0;
  let lastProgress = 0;
  let lastSnapshot = 0;
  for (let b = 0; b < ranges.length; b++) {
    await control.checkpoint();
    if (control.stopped) return { event: null as never, confusion: [], trainSeconds: tally.seconds, samples: tally.samples, stopped: true };
    const batchIndex = epoch * ranges.length + b;
    const t0 = performance.now();
    const probe = await trainBatch(ctx, order.subarray(ranges[b][0], ranges[b][1]), batchIndex, tally, alignment);
    alignmentSeconds += probe.seconds;
    tally.addTime((performance.now() - t0) / 1000);
    try {
      if (opts.snapshotIntervalMs && performance.now() - lastSnapshot >= opts.snapshotIntervalMs) {
        lastSnapshot = performance.now();
        opts.onEvent(await monitorSnapshot(net, probe.sample, epoch + 1, b + 1));
      }
    } finally {
      probe.sample.dispose();
    }
    const now = performance.now();
    if (now - lastProgress >= (opts.progressIntervalMs ?? 50) || b === ranges.length - 1) {
      lastProgress = now;
      opts.onEvent({ event: 'progress', phase: 'train', epoch: epoch + 1, batch: b + 1, batches: ranges.length, ...tally.running() });
    }
  }
  const test = await evaluate(net, dataset, ctx.testCount, {
    batch: Math.max(circuit.batch, 256),
    onProgress: (done, total) => opts.onEvent({ event: 'progress', phase: 'test', epoch: epoch + 1, batch: done, batches: total, loss: 0, accuracy: 0, samplesPerSecond: 0 }),
    control,
  });
  // a stop during evaluation: the epoch is incomplete, so it is neither reported nor saved
  if (control.stopped) return { event: null as never, confusion: [], trainSeconds: tally.seconds, samples: tally.samples, stopped: true };
  const event: EpochEvent = {
    event: 'epoch', epoch: epoch + 1, ...tally.summary(), testAccuracy: test.accuracy, testLoss: test.loss,
    seconds: (performance.now() - epochStart) / 1000, alignment: alignment.take(net.layers.length),
    ...(circuit.rule.alignmentEvery > 0 ? { alignmentSeconds } : {}),
  };
  return { event, confusion: test.confusion, trainSeconds: tally.seconds, samples: tally.samples, stopped: false };
}

/**
 * One mini-batch: the rule's update (computed in shards when a pool of threads helps),
 * checked for finiteness, applied. Returns the seconds spent on alignment probes and the
 * batch's first sample (for monitoring; the caller disposes it).
 */
async function trainBatch(ctx: EpochContext, indices: Uint32Array, batchIndex: number, tally: EpochTally, alignment: AlignmentMeter): Promise<{ seconds: number; sample: Tensor }> {
  const { net, rule, optimizer, opts, pool } = ctx;
  const encoderSeed = mixSeed(opts.circuit.seed, 5, batchIndex);
  const shares = splitShares(indices, 1 + (pool?.size ?? 0));
  const others = pool ? pool.send(await pool.params(net), shares.slice(1), batchIndex, encoderSeed) : Promise.resolve([]);
  const { images, labels } = gatherBatch(opts.dataset, opts.dataset.train, shares[0]);
  let own: Awaited<ReturnType<typeof computeShard>> | null = null;
  let grads: LayerGradients | null = null;
  try {
    own = await computeShard(net, rule, images, labels, batchIndex, encoderSeed);
    const rest = await others;
    grads = rest.length > 0 ? combineGradients(own.grads, own.stats.n, rest.map((r) => ({ grads: r.grads, n: r.stats.n }))) : own.grads;
    const stats = mergeStats([own.stats, ...rest.map((r) => r.stats)]);
    if (!Number.isFinite(stats.loss) || !Number.isFinite(stats.updateNorm)) {
      throw new NonFiniteError(`non-finite ${Number.isFinite(stats.loss) ? 'weight update' : 'loss'} at epoch ${ctx.epoch + 1}, batch ${batchIndex % ctx.ranges.length + 1}; the last good checkpoint is kept`);
    }
    tally.addBatch(stats);
    let seconds = 0;
    const every = opts.circuit.rule.alignmentEvery;
    if (every > 0 && batchIndex % every === 0) {
      const t0 = performance.now();
      // the rule's update of this thread's share against the BPTT gradient of the same samples
      const reference = bpttGradients(net, images, labels, encoderSeed, true);
      alignment.add(await layerCosines(own.grads, reference.grads));
      disposeGradients(reference.grads);
      reference.loss.dispose();
      seconds = (performance.now() - t0) / 1000;
    }
    optimizer.apply(net, grads, (batchIndex + 1) / (opts.circuit.epochs * ctx.ranges.length));
    return { seconds, sample: firstSample(images) };
  } finally {
    if (own) disposeGradients(own.grads);
    if (grads && grads !== own?.grads) disposeGradients(grads);
    tf.dispose([images, labels]);
  }
}

/** Splits a batch's indices into `parts` consecutive shares of near-equal size. */
function splitShares(indices: Uint32Array, parts: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let p = 0; p < parts; p++) out.push(indices.subarray(Math.floor((p * indices.length) / parts), Math.floor(((p + 1) * indices.length) / parts)));
  return out;
}
