/**
 * The one interface every data source is loaded into: 8-bit images in HWC order with
 * integer labels, held in memory. Loaders live beside this file, one per format.
 */
export interface DatasetSplit {
  /** number of samples */
  readonly count: number;
  /** images: count * height * width * channels bytes, sample-major, HWC order, 0..255 */
  readonly images: Uint8Array;
  /** labels: count bytes, each < classes.length */
  readonly labels: Uint8Array;
}

export interface Dataset {
  /** short name, e.g. 'mnist' or the folder's base name */
  readonly name: string;
  /** [height, width, channels] */
  readonly shape: readonly [number, number, number];
  /** class names, index = label */
  readonly classes: readonly string[];
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  /** where it was read from (file or folder paths) */
  readonly source: string;
  /** sha256 (hex) over the bytes of every file read, in a fixed order: the dataset's identity */
  readonly hash: string;
}

/** A clear, user-facing data error that names the offending file. */
export class DatasetError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DatasetError';
  }
}

/** Number of values in one sample. */
export function sampleSize(dataset: Pick<Dataset, 'shape'>): number {
  return dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
}
