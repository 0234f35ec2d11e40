/**
 * IDX files (the MNIST family's format): a 4-byte magic (0, 0, type 0x08 = ubyte,
 * number of dimensions), big-endian uint32 dimensions, then the raw bytes. Files may be
 * gzip-compressed; compression is detected by its magic bytes, not by the file name.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, DatasetSplit } from './dataset';
import { DatasetError } from './dataset';
import { ContentHash, gunzipIfNeeded, readFileChecked } from './files';

/** One parsed IDX file: its dimensions and a view on its payload bytes. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Explicit paths of the four IDX files of a data set. */
export interface IdxFiles {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/**
 * Parses an IDX buffer (already gunzipped). `file` is only used in error messages.
 * Accepts unsigned-byte data only; checks that the declared dimensions fit the data.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DatasetError(file, `not an IDX file: only ${bytes.length} bytes`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const ndim = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || ndim < 1) {
    throw new DatasetError(
      file,
      `not an unsigned-byte IDX file: magic 0x${magic.toString(16).padStart(8, '0')} (expected 0x00000801 or 0x00000803)`,
    );
  }
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) throw new DatasetError(file, `truncated IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let total = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    total *= d;
  }
  const available = bytes.length - headerSize;
  if (total > available) {
    throw new DatasetError(
      file,
      `truncated: dimensions [${dims.join(', ')}] need ${total} data bytes but the file holds ${available}`,
    );
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset + headerSize, total);
  return { dims, data };
}

/** Reads an IDX file, raw or gzip-compressed. Returns the parsed array and the file's bytes on disk. */
export function readIdxFile(file: string): { idx: IdxArray; raw: Buffer } {
  const raw = readFileChecked(file);
  return { idx: parseIdx(gunzipIfNeeded(raw, file), file), raw };
}

const IMAGE_SUFFIXES = ['-images-idx3-ubyte', '-images.idx3-ubyte', '-images-idx3.ubyte', '-images.idx3.ubyte'];
const LABEL_SUFFIXES = ['-labels-idx1-ubyte', '-labels.idx1-ubyte', '-labels-idx1.ubyte', '-labels.idx1.ubyte'];

function findOne(dir: string, listing: readonly string[], prefixes: readonly string[], suffixes: readonly string[]): string {
  const lower = new Map(listing.map((n) => [n.toLowerCase(), n]));
  for (const prefix of prefixes) {
    for (const suffix of suffixes) {
      for (const ext of ['', '.gz']) {
        const hit = lower.get(prefix + suffix + ext);
        if (hit !== undefined) return path.join(dir, hit);
      }
    }
  }
  throw new DatasetError(path.join(dir, `${prefixes[0]}${suffixes[0]}[.gz]`), 'file not found');
}

/**
 * Locates the four IDX files in a folder (`train-images-idx3-ubyte[.gz]`, ...; also the
 * `train-images.idx3-ubyte` spelling and `test-` instead of `t10k-`).
 * Throws a DatasetError naming the first missing file.
 */
export function findIdxFiles(dir: string): IdxFiles {
  let listing: string[];
  try {
    listing = fs.readdirSync(dir);
  } catch {
    throw new DatasetError(dir, 'folder not found');
  }
  return {
    trainImages: findOne(dir, listing, ['train'], IMAGE_SUFFIXES),
    trainLabels: findOne(dir, listing, ['train'], LABEL_SUFFIXES),
    testImages: findOne(dir, listing, ['t10k', 'test'], IMAGE_SUFFIXES),
    testLabels: findOne(dir, listing, ['t10k', 'test'], LABEL_SUFFIXES),
  };
}

/** True when the folder holds a recognisable set of IDX files. */
export function hasIdxFiles(dir: string): boolean {
  try {
    findIdxFiles(dir);
    return true;
  } catch {
    return false;
  }
}

interface SplitRead {
  split: DatasetSplit;
  shape: [number, number, number];
  maxLabel: number;
}

function readSplit(imagesFile: string, labelsFile: string, hash: ContentHash): SplitRead {
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  hash.update(images.raw).update(labels.raw);
  const idims = images.idx.dims;
  if (idims.length !== 3 && idims.length !== 4) {
    throw new DatasetError(imagesFile, `expected an image file (3 or 4 dimensions), got [${idims.join(', ')}]`);
  }
  if (labels.idx.dims.length !== 1) {
    throw new DatasetError(labelsFile, `expected a label file (1 dimension), got [${labels.idx.dims.join(', ')}]`);
  }
  const count = idims[0];
  if (labels.idx.dims[0] !== count) {
    throw new DatasetError(labelsFile, `holds ${labels.idx.dims[0]} labels but ${path.basename(imagesFile)} holds ${count} images`);
  }
  let maxLabel = 0;
  const l = labels.idx.data;
  for (let i = 0; i < l.length; i++) if (l[i] > maxLabel) maxLabel = l[i];
  return {
    split: { count, images: images.idx.data, labels: labels.idx.data },
    shape: [idims[1], idims[2], idims.length === 4 ? idims[3] : 1],
    maxLabel,
  };
}

function checkLabels(split: DatasetSplit, classes: number, file: string): void {
  const l = split.labels;
  for (let i = 0; i < l.length; i++) {
    if (l[i] >= classes) throw new DatasetError(file, `label ${l[i]} at index ${i} is out of range (${classes} classes)`);
  }
}

/**
 * Loads an IDX data set from a folder (see findIdxFiles) or from four explicit paths.
 * Without `classes`, class names are '0', '1', ... up to the largest label seen (at least 10).
 * The hash covers the four files' bytes as stored (compressed or not), in the order
 * train images, train labels, test images, test labels.
 */
export function loadIdxDataset(where: string | IdxFiles, name: string, classes?: readonly string[]): Dataset {
  const files = typeof where === 'string' ? findIdxFiles(where) : where;
  const hash = new ContentHash();
  const train = readSplit(files.trainImages, files.trainLabels, hash);
  const test = readSplit(files.testImages, files.testLabels, hash);
  if (train.shape.join() !== test.shape.join()) {
    throw new DatasetError(files.testImages, `image shape [${test.shape.join(', ')}] differs from the training images' [${train.shape.join(', ')}]`);
  }
  const names = classes ?? Array.from({ length: Math.max(10, train.maxLabel + 1, test.maxLabel + 1) }, (_, i) => String(i));
  checkLabels(train.split, names.length, files.trainLabels);
  checkLabels(test.split, names.length, files.testLabels);
  return {
    name,
    shape: train.shape,
    classes: [...names],
    train: train.split,
    test: test.split,
    source: typeof where === 'string' ? where : files.trainImages,
    hash: hash.hex(),
  };
}
