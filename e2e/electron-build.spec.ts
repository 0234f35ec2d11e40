/**
 * The desktop app's build, which needs no Electron binary: electron-vite builds main (with
 * the engine worker as its own entry), the sandboxed preload and the renderer, and the
 * built engine worker trains under plain Node as it will in a utility process.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../src-shared/run-config';
import { EngineProcess } from '../src-main/host/engine-process';
import { runTraining } from '../src-main/host/run-in-worker';
import { PACKAGE_ROOT } from '../src-main/web/renderer-build';

// inside the repository, so the bundles find node_modules; apart from out/, which other specs serve
const OUT = path.join(PACKAGE_ROOT, '.tmp', 'electron-build');

describe('the desktop app build', () => {
  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    process.env.APICAL_BUILD_OUT = OUT;
    const { build } = await import('electron-vite');
    await build({ configFile: path.join(PACKAGE_ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });
  });

  afterAll(() => {
    delete process.env.APICAL_BUILD_OUT;
    fs.rmSync(OUT, { recursive: true, force: true });
  });

  it('writes main, the engine and ONNX workers, preload and renderer', () => {
    for (const file of ['main/index.cjs', 'main/engine-worker.cjs', 'preload/index.cjs', 'renderer/index.html']) expect(fs.existsSync(path.join(OUT, file)), file).toBe(true);
  });

  it('bundles the preload for the sandbox: CommonJS that requires only electron', () => {
    const preload = fs.readFileSync(path.join(OUT, 'preload', 'index.cjs'), 'utf8');
    expect([...new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))]).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\)/);
  });

  it('the built engine worker trains, and the built ONNX export worker exports the result', async () => {
    const engine = new EngineProcess({ file: path.join(OUT, 'main', 'engine-worker.cjs'), execArgv: [] });
    const runDir = path.join(OUT, 'run');
    const config = runConfigSchema.parse({
      circuit: { layers: [{ kind: 'dense', units: 8 }, { kind: 'dense', units: 10 }], epochs: 1, batch: 32 }, backend: 'cpu', trainLimit: 64, testLimit: 32, outDir: runDir,
    });
    const events: string[] = [];
    const result = await runTraining(config, { process: engine, onEvent: (e) => events.push(e.event) });
    expect(result).toMatchObject({ status: 'completed', epochs: 1 });
    expect(events).toContain('epoch');

    const worker = path.join(OUT, 'main', 'export-worker.cjs');
    if (!fs.existsSync(worker)) return;
    const output = execFileSync(process.execPath, [worker], { env: { ...process.env, APICAL_EXPORT_ARGS: JSON.stringify(['onnx', '--run', runDir, '--json', '--verify-limit', '16']) }, encoding: 'utf8' });
    expect(JSON.parse(output.trim().split('\n').pop() ?? '{}')).toMatchObject({ event: 'export', report: { ok: true } });
  }, 120_000);
});
