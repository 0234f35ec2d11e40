import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json and out/ are). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_OUT = path.join(PACKAGE_ROOT, 'out', 'renderer');
export const RENDERER_CONFIG = path.join(PACKAGE_ROOT, 'src-renderer', 'vite.config.ts');

/**
 * Builds the renderer (Vue app) into out/renderer with Vite, the same build electron-vite
 * makes for the desktop app. `serve` calls it when no build is there; the e2e suite calls
 * it before its first page so it never tests a stale build.
 */
export async function buildRenderer(opts: { quiet?: boolean } = {}): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: RENDERER_CONFIG, logLevel: opts.quiet ? 'warn' : 'info' });
  return RENDERER_OUT;
}

/** The renderer build, built first when there is none. */
export async function ensureRendererBuild(): Promise<string> {
  if (fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) return RENDERER_OUT;
  process.stderr.write('building the renderer (first run) ...\n');
  return buildRenderer({ quiet: true });
}
