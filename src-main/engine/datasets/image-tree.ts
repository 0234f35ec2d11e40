/**
 * The folder tree of an image data set, read either from disk or from a tar archive, and
 * its layout: `root/<class>/*.png|jpg|jpeg`, or `root/{train,test}/<class>/...`, with a
 * single wrapping top-level folder skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError } from './dataset';
import type { TarEntry } from './tar';

/** A file of the tree; `display` is how errors name it. */
export interface TreeFile {
  readonly name: string;
  readonly display: string;
  /** path relative to the tree's top, '/'-separated */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
  read(): Uint8Array;
}

/** A folder of the tree. */
export interface TreeDir {
  readonly name: string;
  readonly display: string;
  readonly dirs: Map<string, TreeDir>;
  readonly files: TreeFile[];
}

/** One class: its folder name and its images in name order. */
export interface ClassFolder {
  readonly name: string;
  readonly dir: TreeDir;
  readonly images: readonly TreeFile[];
}

/** Where the samples come from: fixed train/test folders, or one set to be split. */
export interface ImageLayout {
  readonly root: TreeDir;
  readonly train: readonly ClassFolder[];
  /** null when the data set has no test folder and must be split by seed */
  readonly test: readonly ClassFolder[] | null;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;

function ignored(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX' || name === 'Thumbs.db';
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Walks a folder on disk (to `maxDepth` levels) into a tree, with sizes and mtimes. */
export function treeFromFolder(root: string, maxDepth = 6): TreeDir {
  const walk = (dir: string, rel: string, depth: number): TreeDir => {
    const node: TreeDir = { name: path.basename(dir), display: dir, dirs: new Map(), files: [] };
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new DatasetError(dir, `cannot list folder: ${(err as Error).message}`);
    }
    for (const e of entries) {
      if (ignored(e.name)) continue;
      const full = path.join(dir, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const st = e.isSymbolicLink() ? fs.statSync(full, { throwIfNoEntry: false }) : undefined;
      const isDir = st ? st.isDirectory() : e.isDirectory();
      const isFile = st ? st.isFile() : e.isFile();
      if (isDir && depth < maxDepth) node.dirs.set(e.name, walk(full, childRel, depth + 1));
      else if (isFile) {
        const s = st ?? fs.statSync(full);
        node.files.push({ name: e.name, display: full, rel: childRel, size: s.size, mtimeMs: s.mtimeMs, read: () => readChecked(full) });
      }
    }
    node.files.sort(byName);
    return node;
  };
  return walk(root, '', 0);
}

function readChecked(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new DatasetError(file, `cannot read: ${(err as Error).message}`);
  }
}

/** Builds a tree from tar entries; members are named `archive:path/in/archive` in errors. */
export function treeFromTar(entries: readonly TarEntry[], archive: string): TreeDir {
  const top: TreeDir = { name: path.basename(archive), display: archive, dirs: new Map(), files: [] };
  const dirOf = (parts: readonly string[]): TreeDir => {
    let node = top;
    for (let i = 0; i < parts.length; i++) {
      let next = node.dirs.get(parts[i]);
      if (!next) {
        next = { name: parts[i], display: `${archive}:${parts.slice(0, i + 1).join('/')}`, dirs: new Map(), files: [] };
        node.dirs.set(parts[i], next);
      }
      node = next;
    }
    return node;
  };
  for (const e of entries) {
    const parts = e.name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.some(ignored)) continue;
    if (e.type === 'dir') dirOf(parts);
    else if (e.type === 'file') {
      const name = parts[parts.length - 1];
      const data = e.data;
      dirOf(parts.slice(0, -1)).files.push({
        name,
        display: `${archive}:${parts.join('/')}`,
        rel: parts.join('/'),
        size: data.length,
        mtimeMs: e.mtime * 1000,
        read: () => data,
      });
    }
  }
  const sortAll = (d: TreeDir): void => {
    d.files.sort(byName);
    for (const c of d.dirs.values()) sortAll(c);
  };
  sortAll(top);
  return top;
}

function findDir(dir: TreeDir, name: string): TreeDir | undefined {
  for (const [k, v] of dir.dirs) if (k.toLowerCase() === name) return v;
  return undefined;
}

function classFolders(dir: TreeDir): ClassFolder[] {
  const subdirs = [...dir.dirs.values()].sort(byName);
  if (subdirs.length === 0) {
    throw new DatasetError(dir.display, 'no class folders found (expected <class>/*.png|*.jpg|*.jpeg sub-folders)');
  }
  return subdirs.map((d) => {
    const images = d.files.filter((f) => IMAGE_EXT.test(f.name));
    if (images.length === 0) throw new DatasetError(d.display, 'empty class folder: no .png, .jpg or .jpeg images');
    return { name: d.name, dir: d, images };
  });
}

/**
 * Finds the data set's layout in a tree: skips wrapping single folders, then uses
 * `train/` + `test/` when both exist, else the root's sub-folders as classes.
 * Throws a DatasetError for missing or empty class folders and for test classes that
 * differ from the training classes.
 */
export function resolveLayout(top: TreeDir): ImageLayout {
  let root = top;
  for (;;) {
    const only = root.dirs.size === 1 ? [...root.dirs.values()][0] : undefined;
    const hasImages = root.files.some((f) => IMAGE_EXT.test(f.name));
    if (!only || hasImages || ['train', 'test'].includes(only.name.toLowerCase())) break;
    root = only;
  }
  const trainDir = findDir(root, 'train');
  const testDir = findDir(root, 'test');
  if (!trainDir || !testDir) return { root, train: classFolders(root), test: null };
  const train = classFolders(trainDir);
  const test = classFolders(testDir);
  const trainNames = train.map((c) => c.name);
  const testNames = test.map((c) => c.name);
  if (trainNames.join('\0') !== testNames.join('\0')) {
    const missing = trainNames.filter((n) => !testNames.includes(n));
    const extra = testNames.filter((n) => !trainNames.includes(n));
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `not in train: ${extra.join(', ')}` : ''];
    throw new DatasetError(testDir.display, `test classes do not match the training classes (${parts.filter(Boolean).join('; ')})`);
  }
  return { root, train, test };
}
