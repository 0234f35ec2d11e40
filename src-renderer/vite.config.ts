import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The renderer build: the Vue app, one build for Electron (loaded through the app://
 * protocol) and the web host (served by `apical serve`). electron-vite uses it as its
 * renderer config; `npm run build:renderer` and the e2e suite build it alone.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: path.join(here, '..', 'out', 'renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: { input: path.join(here, 'index.html') },
  },
});
