import type { EpochEvent, SnapshotEvent, TrainEvent } from '../../src-shared/events';
import type { EpochLine } from '../../src-shared/project';
import { invalidate } from './frame-loop';
import { RingBuffer, RingColumns } from './ring-buffer';

const PROGRESS_POINTS = 4096;
const RATE_POINTS = 1024;

type EpochRecord = Pick<EpochEvent, 'epoch' | 'loss' | 'trainAccuracy' | 'testAccuracy' | 'testLoss' | 'samplesPerSecond' | 'firingRates' | 'alignment'>;

/**
 * The streamed data of the run on screen, outside Vue's reactivity: progress in ring
 * buffers, one record per epoch, the latest monitoring snapshot and per-layer firing rates
 * measured on the snapshots. Every change asks the frame loop for one chart merge;
 * `versions` tell charts whether their data changed since they last drew.
 */
export class LiveRun {
  runId: string | null = null;
  /** bumped on every change of the matching data, so each chart redraws only for its own */
  readonly versions = { progress: 0, epochs: 0, snapshot: 0, confusion: 0 };
  readonly progress = new RingColumns(['loss', 'accuracy', 'samplesPerSecond'] as const, PROGRESS_POINTS);
  epochs: EpochRecord[] = [];
  snapshot: SnapshotEvent | null = null;
  /** x (fractional epoch) and the mean firing rate of each layer on the snapshots */
  readonly rateX = new RingBuffer(RATE_POINTS);
  rates: RingBuffer[] = [];
  confusion: readonly (readonly number[])[] | null = null;
  classes: readonly string[] = [];

  reset(runId: string | null): void {
    this.runId = runId;
    this.progress.clear();
    this.epochs = [];
    this.snapshot = null;
    this.rateX.clear();
    this.rates = [];
    this.confusion = null;
    this.changed('progress', 'epochs', 'snapshot', 'confusion');
  }

  /** Fills the epoch series of a run read from its metrics.jsonl. */
  loadEpochs(epochs: readonly EpochLine[]): void {
    this.epochs = epochs.map((e) => ({ ...e }));
    this.changed('epochs');
  }

  push(e: TrainEvent): void {
    switch (e.event) {
      case 'start':
        this.classes = e.dataset.classes;
        return;
      case 'progress':
        if (e.phase !== 'train') return;
        this.progress.push(e.epoch - 1 + e.batch / Math.max(1, e.batches), { loss: e.loss, accuracy: e.accuracy, samplesPerSecond: e.samplesPerSecond });
        return this.changed('progress');
      case 'epoch':
        this.epochs = [...this.epochs.filter((x) => x.epoch < e.epoch), e];
        return this.changed('epochs');
      case 'snapshot':
        this.snapshot = e;
        this.pushRates(e);
        return this.changed('snapshot');
      case 'done':
        this.confusion = e.confusion.length ? e.confusion : this.confusion;
        return this.changed('confusion');
      case 'error':
        return;
      default:
        throw new Error(`unknown event ${(e as { event: string }).event}`);
    }
  }

  private pushRates(e: SnapshotEvent): void {
    const x = this.progress.x.last() ?? e.epoch - 1;
    this.rateX.push(x);
    e.raster.forEach((layer, k) => {
      this.rates[k] ??= new RingBuffer(RATE_POINTS);
      let spikes = 0;
      for (const step of layer.spikes) for (const s of step) spikes += s;
      this.rates[k].push(spikes / Math.max(1, layer.spikes.length * layer.neurons));
    });
  }

  private changed(...what: (keyof LiveRun['versions'])[]): void {
    for (const w of what) this.versions[w]++;
    invalidate();
  }
}

/** The one run the training view shows. */
export const liveRun = new LiveRun();
