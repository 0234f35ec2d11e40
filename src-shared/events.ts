/**
 * What a training run reports, as plain serialisable records. The engine emits them, the
 * worker forwards them, the CLI prints them (`--json` prints them as is, one per line),
 * the project store appends epochs to metrics.jsonl and the UI charts them.
 */

/** Where the run computes. */
export interface BackendInfo {
  /** 'tensorflow' | 'webgpu' | 'wasm' | 'cpu' */
  readonly name: string;
  /** GPU adapter, when the backend has one */
  readonly adapter?: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string; readonly software: boolean };
  /** compute threads or workers in use */
  readonly threads?: number;
  /** why the automatic choice passed over faster backends */
  readonly notes?: readonly string[];
}

export interface DatasetInfo {
  readonly name: string;
  readonly source: string;
  readonly hash: string;
  readonly shape: readonly number[];
  readonly classes: readonly string[];
  /** samples used (after limits) */
  readonly train: number;
  readonly test: number;
}

export interface StartEvent {
  readonly event: 'start';
  readonly rule: string;
  readonly backend: BackendInfo;
  readonly dataset: DatasetInfo;
  readonly epochs: number;
  readonly batchesPerEpoch: number;
  /** first epoch of this session (> 0 when resumed) */
  readonly fromEpoch: number;
}

/** Within an epoch, decimated at the source (at most every 50 ms). */
export interface ProgressEvent {
  readonly event: 'progress';
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  /** running means over the epoch so far */
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
  /** load: decoding the dataset (batch/batches = images done/total) */
  readonly phase: 'load' | 'train' | 'test';
}

export interface EpochEvent {
  readonly event: 'epoch';
  /** 1-based */
  readonly epoch: number;
  /** E per sample, averaged over the epoch's training batches */
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** training samples per second (evaluation excluded) */
  readonly samplesPerSecond: number;
  /** wall time of the epoch including evaluation */
  readonly seconds: number;
  /** mean spikes per neuron per step, per layer */
  readonly firingRates: readonly number[];
  /** cosine between the rule's weight update and the BPTT gradient, per layer, mean over the epoch's probes; null when off */
  readonly alignment: readonly (number | null)[] | null;
  /** share of error-cell (cell x step) events that saturated (microcircuit only) */
  readonly errorCellSaturation?: number;
  readonly errorCellSpikeRate?: number;
  /** extra seconds the alignment probes cost this epoch */
  readonly alignmentSeconds?: number;
}

export interface DoneEvent {
  readonly event: 'done';
  readonly status: 'completed' | 'stopped';
  readonly testAccuracy: number;
  readonly epochs: number;
  readonly samplesPerSecond: number;
  readonly backend: string;
  readonly seconds: number;
  readonly checkpoint: string | null;
  /** rows = true class, columns = predicted, over the last evaluation */
  readonly confusion: readonly (readonly number[])[];
}

export interface ErrorEvent {
  readonly event: 'error';
  readonly code: 'non-finite' | 'bad-config' | 'dataset' | 'backend' | 'io' | 'internal';
  readonly message: string;
}

/** Live views of one sample (raster, membrane traces), for monitoring; decimated. */
export interface SnapshotEvent {
  readonly event: 'snapshot';
  readonly epoch: number;
  readonly batch: number;
  /** per layer: spikes of the first sample, steps x neurons (at most 128 neurons shown), as 0/1 */
  readonly raster: readonly { readonly layer: number; readonly neurons: number; readonly spikes: readonly number[][] }[];
  /** membrane potential of the first neurons of each layer over the steps: [layer][neuron][step] */
  readonly membrane: readonly (readonly (readonly number[])[])[];
  /** weight histograms per layer */
  readonly histograms: readonly { readonly layer: number; readonly edges: readonly number[]; readonly counts: readonly number[] }[];
}

export type TrainEvent = StartEvent | ProgressEvent | EpochEvent | DoneEvent | ErrorEvent | SnapshotEvent;
