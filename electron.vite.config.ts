import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './src-renderer/vite.config';

const root = path.dirname(fileURLToPath(import.meta.url));
const at = (p: string) => path.join(root, p);
/** Where the build goes: out/ (electron-builder packs it), or another folder inside the repo for tests. */
const out = (p: string) => path.resolve(root, process.env.APICAL_BUILD_OUT ?? 'out', p);
/** The ONNX exporter's process is built only where the checkout has the exporter. */
const onnxWorker: Record<string, string> = fs.existsSync(at('src-main/onnx/export-onnx.ts')) ? { 'export-worker': at('src-main/app/export-worker.ts') } : {};

/**
 * The desktop app's build. Our sources are not under src/main|preload|renderer, so every
 * entry is named. Main has two entries: the app and the engine worker it starts with
 * utilityProcess.fork (out/main/engine-worker.cjs), and the ONNX exporter's process where the
 * checkout has it (out/main/export-worker.cjs). All are CommonJS: electron-vite's ESM
 * shim would declare a second `require` next to the engine's own createRequire. The
 * preload is one CommonJS file with its imports bundled, as a sandboxed preload must be.
 */
export default defineConfig({
  main: {
    build: {
      outDir: out('main'),
      externalizeDeps: true,
      lib: { entry: { index: at('src-main/app/main.ts'), 'engine-worker': at('src-main/worker/engine-worker.ts'), ...onnxWorker }, formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' } },
    },
  },
  preload: {
    build: {
      outDir: out('preload'),
      externalizeDeps: false,
      lib: { entry: { index: at('src-preload/index.ts') }, formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: { ...renderer, build: { ...renderer.build, outDir: out('renderer') } },
});
