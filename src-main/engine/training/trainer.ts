import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit } from '../../../src-shared/circuit';
import type { BackendInfo, EpochEvent, TrainEvent } from '../../../src-shared/events';
import type { Dataset } from '../datasets/dataset';
import { permutation } from '../datasets/shuffle';
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
import { disposeGradients, disposeSimulation, simulate } from './simulate';
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
  if (opts.resume) fromEpoch = restoreSnapshot(opts.resume, net, optimizer);
  opts.onEvent({
    event: 'start', rule: circuit.rule.name, backend: opts.backend, epochs: circuit.epochs, batchesPerEpoch: ranges.length, fromEpoch,
    dataset: { name: dataset.name, source: dataset.source, hash: dataset.hash, shape: dataset.shape, classes: dataset.classes, train: trainCount, test: testCount },
  });
  const started = performance.now();
  let trainSeconds = 0;
  let samples = 0;
  let last = { testAccuracy: 0, checkpoint: null as string | null, confusion: [] as number[][] };
  let epoch = fromEpoch;
  try {
    for (; epoch < circuit.epochs && !control.stopped; epoch++) {
      const result = await trainEpoch({ opts, net, rule, optimizer, control, epoch, ranges, trainCount, testCount });
      trainSeconds += result.trainSeconds;
      samples += result.samples;
      if (result.stopped) break;
      const checkpoint = opts.onCheckpoint ? await opts.onCheckpoint(await takeSnapshot(net, optimizer, epoch + 1, circuit)) : null;
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
  readonly ranges: [number, number][];
  readonly trainCount: number;
  readonly testCount: number;
}

async function trainEpoch(ctx: EpochContext): Promise<{ event: EpochEvent; confusion: number[][]; trainSeconds: number; samples: number; stopped: boolean }> {
  const { opts, net, control, epoch, ranges } = ctx;
  const { circuit, dataset } = opts;
  const order = permutation(ctx.trainCount, circuit.seed, epoch);
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
    const { images, labels } = gatherBatch(dataset, dataset.train, order.subarray(ranges[b][0], ranges[b][1]));
    try {
      alignmentSeconds += await trainBatch(ctx, images, labels, batchIndex, tally, alignment);
      tally.addTime((performance.now() - t0) / 1000);
      if (opts.snapshotIntervalMs && performance.now() - lastSnapshot >= opts.snapshotIntervalMs) {
        lastSnapshot = performance.now();
        const sample = firstSample(images);
        try {
          opts.onEvent(await monitorSnapshot(net, sample, epoch + 1, b + 1));
        } finally {
          sample.dispose();
        }
      }
    } finally {
      tf.dispose([images, labels]);
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
  const event: EpochEvent = {
    event: 'epoch', epoch: epoch + 1, ...tally.summary(), testAccuracy: test.accuracy, testLoss: test.loss,
    seconds: (performance.now() - epochStart) / 1000, alignment: alignment.take(net.layers.length),
    ...(circuit.rule.alignmentEvery > 0 ? { alignmentSeconds } : {}),
  };
  return { event, confusion: test.confusion, trainSeconds: tally.seconds, samples: tally.samples, stopped: false };
}

/** One mini-batch: the rule's update, checked for finiteness, applied. Returns seconds spent on alignment probes. */
async function trainBatch(ctx: EpochContext, images: Tensor, labels: Tensor, batchIndex: number, tally: EpochTally, alignment: AlignmentMeter): Promise<number> {
  const { net, rule, optimizer, opts } = ctx;
  const encoderSeed = mixSeed(opts.circuit.seed, 5, batchIndex);
  let grads: LayerGradients;
  const result = simulate(net, images, { labels, rule: rule.kind === 'local' ? rule : null, batchIndex, encoderSeed });
  try {
    grads = rule.kind === 'local' ? (result.grads as LayerGradients) : autodiff(rule, net, images, labels, encoderSeed);
    // one read for both: the loss and the size of the update (NaN/Inf anywhere makes it non-finite)
    const check = tf.tidy(() => tf.stack([result.loss as Tensor, tf.addN([...grads.weight, ...grads.bias].filter((g): g is Tensor => g !== null).map((g) => tf.sum(tf.abs(g))))]));
    const [loss, updateNorm] = await check.data();
    check.dispose();
    if (!Number.isFinite(loss) || !Number.isFinite(updateNorm)) {
      throw new NonFiniteError(`non-finite ${Number.isFinite(loss) ? 'weight update' : 'loss'} at epoch ${ctx.epoch + 1}, batch ${batchIndex % ctx.ranges.length + 1}; the last good checkpoint is kept`);
    }
    await tally.addBatch(labels.shape[0], loss, result, labels);
    let probeSeconds = 0;
    const every = opts.circuit.rule.alignmentEvery;
    if (every > 0 && batchIndex % every === 0) {
      const t0 = performance.now();
      const reference = bpttGradients(net, images, labels, encoderSeed, true);
      alignment.add(await layerCosines(grads, reference.grads));
      disposeGradients(reference.grads);
      reference.loss.dispose();
      probeSeconds = (performance.now() - t0) / 1000;
    }
    optimizer.apply(net, grads, (batchIndex + 1) / (ctx.opts.circuit.epochs * ctx.ranges.length));
    if (rule.kind === 'autodiff') disposeGradients(grads);
    return probeSeconds;
  } finally {
    disposeSimulation(result);
  }
}

function autodiff(rule: LearningRule & { kind: 'autodiff' }, net: Network, images: Tensor, labels: Tensor, encoderSeed: number): LayerGradients {
  const { grads, loss } = rule.gradients(net, images, labels, encoderSeed);
  loss.dispose();
  return grads;
}
