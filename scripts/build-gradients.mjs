#!/usr/bin/env node
// tfjs-core ships its gradient registrations only as browser-style ESM (directory imports
// that plain Node cannot load). This bundles them once, at install time, into one ESM file
// that registers every gradient into the shared tfjs engine. Bundlers (electron-vite) import
// the original module directly instead.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'register_all_gradients.js');
const outfile = path.join(root, 'src-main', 'engine', 'tensor', 'tfjs-gradients.generated.mjs');

await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', minify: true, outfile, logLevel: 'warning', legalComments: 'none' });
console.log(`apical: bundled tfjs gradients -> ${path.relative(root, outfile)}`);
