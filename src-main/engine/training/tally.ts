import type { BatchStats } from './batch-step';

/** Running sums over one epoch's training batches. */
export class EpochTally {
  samples = 0;
  seconds = 0;
  private loss = 0;
  private correct = 0;
  private spikes: number[];
  private stats = new Map<string, { sum: number; n: number }>();

  /** @param cellSteps per layer: cells x steps of one sample */
  constructor(private readonly cellSteps: number[]) {
    this.spikes = cellSteps.map(() => 0);
  }

  addBatch(b: BatchStats): void {
    this.samples += b.n;
    this.loss += b.loss;
    this.correct += b.correct;
    b.spikes.forEach((s, i) => (this.spikes[i] += s));
    for (const [k, v] of Object.entries(b.ruleStats)) {
      const s = this.stats.get(k) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      this.stats.set(k, s);
    }
  }

  addTime(seconds: number): void {
    this.seconds += seconds;
  }

  running(): { loss: number; accuracy: number; samplesPerSecond: number } {
    const n = Math.max(this.samples, 1);
    return { loss: this.loss / n, accuracy: this.correct / n, samplesPerSecond: this.seconds > 0 ? this.samples / this.seconds : 0 };
  }

  summary(): { loss: number; trainAccuracy: number; samplesPerSecond: number; firingRates: number[]; errorCellSaturation?: number; errorCellSpikeRate?: number } {
    const r = this.running();
    const out: ReturnType<EpochTally['summary']> = {
      loss: r.loss,
      trainAccuracy: r.accuracy,
      samplesPerSecond: r.samplesPerSecond,
      firingRates: this.spikes.map((s, i) => s / Math.max(this.samples * this.cellSteps[i], 1)),
    };
    for (const [k, s] of this.stats) (out as Record<string, unknown>)[k] = s.sum / s.n;
    return out;
  }
}
