import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLayout, treeFromFolder, treeFromTar } from './image-tree';
import { readTar, writeTar } from './tar';

const one = new Uint8Array([1]);

describe('image tree layout', () => {
  it('skips wrapping folders and hidden entries, and finds train/test', () => {
    const tar = writeTar([
      { name: 'outer/' },
      { name: 'outer/inner/train/b/2.png', data: one },
      { name: 'outer/inner/train/b/1.png', data: one },
      { name: 'outer/inner/train/a/1.jpg', data: one },
      { name: 'outer/inner/test/a/1.jpeg', data: one },
      { name: 'outer/inner/test/b/1.PNG', data: one },
      { name: 'outer/inner/test/b/readme.md', data: one },
      { name: '__MACOSX/outer/._x', data: one },
      { name: 'outer/.DS_Store', data: one },
    ]);
    const layout = resolveLayout(treeFromTar(readTar(tar, 'd.tar'), 'd.tar'));
    expect(layout.root.display).toBe('d.tar:outer/inner');
    expect(layout.train.map((c) => c.name)).toEqual(['a', 'b']);
    expect(layout.train[1].images.map((f) => f.name)).toEqual(['1.png', '2.png']);
    expect(layout.test?.[1].images.map((f) => f.display)).toEqual(['d.tar:outer/inner/test/b/1.PNG']);
  });

  it('uses the root sub-folders as classes without train/test, from disk', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-'));
    for (const rel of ['cats/1.png', 'dogs/1.png', 'dogs/2.jpg']) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), one);
    }
    const tree = treeFromFolder(root);
    const layout = resolveLayout(tree);
    expect(layout.test).toBeNull();
    expect(layout.train.map((c) => [c.name, c.images.length])).toEqual([['cats', 1], ['dogs', 2]]);
    expect(layout.train[1].images[1].rel).toBe('dogs/2.jpg');
    expect(layout.train[1].images[1].size).toBe(1);
    expect([...layout.train[0].images[0].read()]).toEqual([1]);
  });
});
