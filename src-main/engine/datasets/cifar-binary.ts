/**
 * CIFAR-10's original binary distribution (`cifar-10-batches-bin/`): data_batch_1..5.bin
 * and test_batch.bin, each a sequence of 3073-byte records (1 label byte, then a 32x32
 * red plane, green plane and blue plane), plus optional batches.meta.txt with class names.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, DatasetSplit } from './dataset';
import { DatasetError } from './dataset';
import { ContentHash, readFileChecked } from './files';

/** CIFAR-10 class names in label order. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILE = 'test_batch.bin';

/**
 * Decodes one batch file's bytes into `images` (HWC) and `labels`, starting at sample
 * `offset`. Returns the number of records. `file` is used in error messages.
 */
export function decodeCifarBatch(bytes: Uint8Array, file: string, images: Uint8Array, labels: Uint8Array, offset: number): number {
  if (bytes.length % RECORD !== 0) {
    throw new DatasetError(file, `size ${bytes.length} is not a multiple of the 3073-byte CIFAR-10 record`);
  }
  const n = bytes.length / RECORD;
  for (let r = 0; r < n; r++) {
    const src = r * RECORD;
    const label = bytes[src];
    if (label > 9) throw new DatasetError(file, `record ${r} has label ${label}, CIFAR-10 labels are 0..9`);
    labels[offset + r] = label;
    const dst = (offset + r) * 3 * PLANE;
    const red = src + 1;
    for (let p = 0; p < PLANE; p++) {
      const o = dst + 3 * p;
      images[o] = bytes[red + p];
      images[o + 1] = bytes[red + PLANE + p];
      images[o + 2] = bytes[red + 2 * PLANE + p];
    }
  }
  return n;
}

/**
 * The folder holding the batch files: `dir` itself, or its `cifar-10-batches-bin`
 * sub-folder. Returns null when neither holds data_batch_1.bin.
 */
export function findCifarBinaryDir(dir: string): string | null {
  for (const d of [dir, path.join(dir, 'cifar-10-batches-bin')]) {
    if (fs.existsSync(path.join(d, TRAIN_FILES[0]))) return d;
  }
  return null;
}

function readSplit(dir: string, names: readonly string[], hash: ContentHash): DatasetSplit {
  const blobs = names.map((n) => {
    const file = path.join(dir, n);
    const bytes = readFileChecked(file);
    hash.update(bytes);
    return { file, bytes };
  });
  const total = blobs.reduce((s, b) => s + Math.floor(b.bytes.length / RECORD), 0);
  const images = new Uint8Array(total * 3 * PLANE);
  const labels = new Uint8Array(total);
  let count = 0;
  for (const b of blobs) count += decodeCifarBatch(b.bytes, b.file, images, labels, count);
  return { count, images, labels };
}

function readClassNames(dir: string, hash: ContentHash): string[] {
  const file = path.join(dir, 'batches.meta.txt');
  if (!fs.existsSync(file)) return [...CIFAR10_CLASSES];
  const bytes = readFileChecked(file);
  hash.update(bytes);
  const names = bytes.toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 10) throw new DatasetError(file, `expected 10 class names, found ${names.length}`);
  return names;
}

/**
 * Loads CIFAR-10 binary batches from `dir` (or `dir/cifar-10-batches-bin`). Images are
 * converted from planar RGB to HWC. The hash covers data_batch_1..5, test_batch and
 * batches.meta.txt (when present), in that order.
 */
export function loadCifarBinary(dir: string, name = 'cifar10'): Dataset {
  const root = findCifarBinaryDir(dir) ?? dir;
  const hash = new ContentHash();
  const train = readSplit(root, TRAIN_FILES, hash);
  const test = readSplit(root, [TEST_FILE], hash);
  const classes = readClassNames(root, hash);
  return { name, shape: [SIDE, SIDE, 3], classes, train, test, source: root, hash: hash.hex() };
}
