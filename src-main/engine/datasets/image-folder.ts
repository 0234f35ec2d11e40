/**
 * Image-folder data sets (`root/<class>/*.png|jpg|jpeg`, optionally under `train/` and
 * `test/`), from a folder on disk or from a .tar / .tar.gz archive. Decoded results are
 * cached on disk (see dataset-cache), keyed by the archive's bytes or the folder listing.
 */
import path from 'node:path';
import { mixSeed } from '../random';
import type { Dataset, DatasetSplit } from './dataset';
import { DatasetError } from './dataset';
import { cacheFilePath, defaultCacheDir, readDatasetCache, writeDatasetCache } from './dataset-cache';
import { ContentHash, readFileChecked, sha256Hex } from './files';
import { decodeImage } from './image-decode';
import type { ClassFolder, ImageLayout, TreeDir, TreeFile } from './image-tree';
import { resolveLayout, treeFromFolder, treeFromTar } from './image-tree';
import { permutation } from './shuffle';
import { readTarMaybeGzip } from './tar';

/** Options for image-folder and archive loading. */
export interface ImageFolderOptions {
  /** data set name (default: the folder's or archive's base name) */
  name?: string;
  /** seed of the train/test split when there are no train/test folders (default 1) */
  seed?: number;
  /** share of each class that goes to the test split in that case (default 0.1) */
  testFraction?: number;
  /** cache folder (default $APICAL_CACHE_DIR or ~/.cache/apical/datasets) */
  cacheDir?: string;
  /** set false to neither read nor write the decode cache */
  cache?: boolean;
  /** called as images are decoded (and once with done === total on a cache hit) */
  onProgress?: (done: number, total: number) => void;
}

const KEY_VERSION = 'apical-image-dataset-v1';

interface Sample {
  file: TreeFile;
  label: number;
}

interface Plan {
  classes: string[];
  train: Sample[];
  test: Sample[];
}

/** Train/test sample lists: from the folders, or stratified per class by seed. */
function planSplits(layout: ImageLayout, seed: number, testFraction: number): Plan {
  const classes = layout.train.map((c) => c.name);
  const listAll = (folders: readonly ClassFolder[]): Sample[] =>
    folders.flatMap((c, label) => c.images.map((file) => ({ file, label })));
  if (layout.test) return { classes, train: listAll(layout.train), test: listAll(layout.test) };
  const train: Sample[] = [];
  const test: Sample[] = [];
  layout.train.forEach((c, label) => {
    const n = c.images.length;
    const nTest = Math.min(n, Math.round(n * testFraction));
    const isTest = new Uint8Array(n);
    const perm = permutation(n, mixSeed(seed, label), 0);
    for (let i = 0; i < nTest; i++) isTest[perm[i]] = 1;
    c.images.forEach((file, i) => (isTest[i] ? test : train).push({ file, label }));
  });
  return { classes, train, test };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Decoded {
  shape: [number, number, number];
  train: DatasetSplit;
  test: DatasetSplit;
}

function everyThird(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = rgb[j];
  return out;
}

/** Decodes all samples into HWC splits; 1 channel when every image is stored gray, else RGB. */
async function decodePlan(plan: Plan, hash: ContentHash | null, onProgress?: (d: number, t: number) => void): Promise<Decoded> {
  const total = plan.train.length + plan.test.length;
  const state = { first: null as { display: string; width: number; height: number } | null, allGray: true, done: 0 };
  const every = Math.max(1, Math.floor(total / 200));
  onProgress?.(0, total);
  const decodeList = async (samples: Sample[]): Promise<{ rgb: Uint8Array; labels: Uint8Array }> => {
    let rgb = new Uint8Array(0);
    const labels = new Uint8Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const { file, label } = samples[i];
      const bytes = file.read();
      hash?.update(bytes);
      const img = decodeImage(bytes, file.display);
      const first = (state.first ??= { display: file.display, width: img.width, height: img.height });
      if (img.width !== first.width || img.height !== first.height) {
        throw new DatasetError(
          file.display,
          `image is ${img.width}x${img.height} but ${first.display} is ${first.width}x${first.height}; all images must share one size`,
        );
      }
      if (rgb.length === 0) rgb = new Uint8Array(samples.length * img.rgb.length);
      rgb.set(img.rgb, i * img.rgb.length);
      labels[i] = label;
      state.allGray &&= img.gray;
      state.done++;
      if (state.done % every === 0 || state.done === total) {
        onProgress?.(state.done, total);
        await tick();
      }
    }
    return { rgb, labels };
  };
  const train = await decodeList(plan.train);
  const test = await decodeList(plan.test);
  const channels = state.allGray ? 1 : 3;
  const toSplit = (d: { rgb: Uint8Array; labels: Uint8Array }): DatasetSplit => ({
    count: d.labels.length,
    images: channels === 3 ? d.rgb : everyThird(d.rgb),
    labels: d.labels,
  });
  const shape: [number, number, number] = [state.first?.height ?? 0, state.first?.width ?? 0, channels];
  return { shape, train: toSplit(train), test: toSplit(test) };
}

function splitTag(seed: number, testFraction: number): string {
  return `\0split seed=${seed} test=${testFraction}`;
}

/** Cache lookup: first the key for pre-split layouts, then the one for a seeded split. */
function cacheKeys(base: string, seed: number, testFraction: number): { fixed: string; seeded: string } {
  return { fixed: sha256Hex(`${KEY_VERSION}\0${base}\0fixed`), seeded: sha256Hex(`${KEY_VERSION}\0${base}${splitTag(seed, testFraction)}`) };
}

async function loadTree(
  tree: () => TreeDir,
  contentKey: string,
  source: string,
  defaultName: string,
  archiveHash: string | null,
  options: ImageFolderOptions,
): Promise<Dataset> {
  const seed = options.seed ?? 1;
  const testFraction = options.testFraction ?? 0.1;
  const name = options.name ?? defaultName;
  const useCache = options.cache !== false;
  const cacheDir = defaultCacheDir(options.cacheDir);
  const keys = cacheKeys(contentKey, seed, testFraction);
  if (useCache) {
    for (const key of [keys.fixed, keys.seeded]) {
      const hit = readDatasetCache(cacheFilePath(cacheDir, defaultName, key), key);
      if (hit) {
        const total = hit.train.count + hit.test.count;
        options.onProgress?.(total, total);
        return { ...hit, name, source };
      }
    }
  }
  const layout = resolveLayout(tree());
  const plan = planSplits(layout, seed, testFraction);
  const fileHash = archiveHash === null ? new ContentHash() : null;
  const decoded = await decodePlan(plan, fileHash, options.onProgress);
  const tag = layout.test ? '' : splitTag(seed, testFraction);
  const hash = fileHash ? fileHash.update(tag).hex() : tag ? sha256Hex(archiveHash + tag) : (archiveHash as string);
  const ds: Dataset = { name, shape: decoded.shape, classes: plan.classes, train: decoded.train, test: decoded.test, source, hash };
  if (useCache) {
    const key = layout.test ? keys.fixed : keys.seeded;
    writeDatasetCache(cacheFilePath(cacheDir, defaultName, key), key, ds);
  }
  return ds;
}

/** Base name of an archive without .tar, .tar.gz or .tgz. */
export function archiveBaseName(file: string): string {
  return path.basename(file).replace(/(\.tar\.gz|\.tgz|\.tar)$/i, '');
}

/**
 * Loads an image data set from a folder. The dataset hash is sha256 over every image's
 * bytes in load order (plus the split seed when split by seed); the cache key is derived
 * from the listing (relative names, sizes, mtimes).
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<Dataset> {
  const abs = path.resolve(root);
  const tree = treeFromFolder(abs);
  const listing: string[] = [];
  const collect = (d: TreeDir): void => {
    for (const f of d.files) listing.push(`${f.rel}\0${f.size}\0${Math.round(f.mtimeMs)}`);
    for (const c of [...d.dirs.values()]) collect(c);
  };
  collect(tree);
  listing.sort();
  const key = `folder\0${abs}\0${sha256Hex(listing.join('\n'))}`;
  return loadTree(() => tree, key, abs, path.basename(abs), null, options);
}

/**
 * Loads an image data set from a .tar or .tar.gz archive (gzip detected by magic bytes).
 * The dataset hash is sha256 of the archive file (plus the split seed when split by seed).
 */
export async function loadImageArchive(file: string, options: ImageFolderOptions = {}): Promise<Dataset> {
  const abs = path.resolve(file);
  const bytes = readFileChecked(abs);
  const archiveHash = sha256Hex(bytes);
  return loadTree(() => treeFromTar(readTarMaybeGzip(bytes, abs), abs), `archive\0${archiveHash}`, abs, archiveBaseName(abs), archiveHash, options);
}
