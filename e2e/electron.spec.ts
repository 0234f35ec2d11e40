/**
 * The same flow as web-host.spec.ts in the desktop app itself (Playwright's _electron):
 * runs where an Electron binary exists, and is skipped with the reason printed where it
 * does not (our machines: the binary download is skipped).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from './support/electron-binary';
import { chartSeries, createProject, fillTrainingForm, newCircuitFromTemplate, screenshot, setField, showView, waitForChartData, waitForEpochs, waitForState } from './support/flow';
import { PACKAGE_ROOT } from '../src-main/web/renderer-build';

const binary = electronBinary();
if ('missing' in binary) console.warn(`e2e/electron.spec.ts skipped: no Electron binary: ${binary.missing}`);

describe.skipIf('missing' in binary)('the desktop app (Electron)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-electron-'));
  let app: ElectronApplication;
  let page: Page;

  // built inside the repository (the bundles load node_modules), apart from out/, which the web spec serves
  const out = path.join(PACKAGE_ROOT, '.tmp', 'electron-app');

  beforeAll(async () => {
    process.env.APICAL_BUILD_OUT = out;
    const { build } = await import('electron-vite');
    await build({ configFile: path.join(PACKAGE_ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined, args: [path.join(out, 'main', 'index.cjs')],
      env: { ...process.env, APICAL_CONFIG_DIR: path.join(work, 'config') },
    });
    page = await app.firstWindow();
    await page.waitForSelector('[data-test="create-project"]');
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('gives the page no Node, only the preload verbs', async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => location.href)).toMatch(/^app:\/\/renderer\//);
    expect(await page.evaluate(() => Object.keys((window as unknown as { apical: object }).apical))).toContain('startRun');
  });

  it('creates a project, edits a template, trains, pauses, continues and stops', async () => {
    await createProject(page, path.join(work, 'project'), 'electron-project');
    await newCircuitFromTemplate(page, 'mnist-mlp', 'mnist-small');
    await page.click('[data-node="layer-0"]');
    await setField(page, 'layers[0].units', '32');
    await screenshot(page, 'electron-network-editor');
    await page.click('[data-test="go-train"]');
    await fillTrainingForm(page, { backend: 'wasm', epochs: 30, trainLimit: 1024, testLimit: 256 });
    await page.click('[data-test="start-training"]');
    await waitForEpochs(page, 1);
    await waitForChartData(page, 'loss');
    expect((await chartSeries(page, 'loss')).some((s) => s.points > 0)).toBe(true);
    await page.click('[data-test="pause"]');
    await waitForState(page, 'paused');
    await page.click('[data-test="continue"]');
    await waitForState(page, 'running');
    await page.click('[data-test="stop"]');
    await waitForState(page, 'stopped');
    await screenshot(page, 'electron-training');
    await showView(page, 'projects');
    await page.waitForFunction(() => document.querySelector('[data-test="run-table"] tbody tr')?.getAttribute('data-status') === 'stopped');
  });
});
