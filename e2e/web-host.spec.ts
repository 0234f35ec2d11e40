/**
 * The app end to end in Debian's Chromium against the web host (`apical serve`): create a
 * project, pick a template, change a layer size, train on an MNIST subset with live charts,
 * pause, continue, stop, and find the run listed as stopped with its metrics. Screenshots of
 * every view go to e2e/screenshots/; the worst long task of the renderer during training
 * is measured (PerformanceObserver) and must stay under 50 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../src-main/web/renderer-build';
import { CHROMIUM, CHROMIUM_ARGS, LONG_TASK_OBSERVER, chromiumMissing } from './support/chromium';
import { SCREENSHOTS, chartSeries, createProject, epochsDone, fillTrainingForm, newCircuitFromTemplate, screenshot, setField, showView, waitForChartData, waitForEpochs, waitForState } from './support/flow';
import { serve } from './support/serve';
import type { ServedApp } from './support/serve';

/** Above this many runnable processes per core, wall-time long tasks are not the app's doing. */
const MAX_LOAD_PER_CORE = 1.5;
const loadPerCore = () => os.loadavg()[0] / os.cpus().length;

const missing = chromiumMissing();
if (missing) console.warn(`e2e/web-host.spec.ts skipped: ${missing}`);

describe.skipIf(missing !== null)('the app in a browser, through the web host', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-e2e-'));
  const timings: Record<string, number> = {};
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let t0 = Date.now();
  const mark = (what: string) => (timings[what] = (Date.now() - t0) / 1000);

  beforeAll(async () => {
    t0 = Date.now();
    // this spec's screenshots from earlier runs (the Electron spec's are electron-*.png)
    for (const f of fs.existsSync(SCREENSHOTS) ? fs.readdirSync(SCREENSHOTS) : []) if (/^\d\d-.*\.png$/.test(f)) fs.rmSync(path.join(SCREENSHOTS, f));
    await buildRenderer({ quiet: true });
    mark('renderer built');
    [app, browser] = await Promise.all([serve({ APICAL_CONFIG_DIR: path.join(work, 'config') }), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })]);
    mark('host and browser up');
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(LONG_TASK_OBSERVER);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('favicon') && pageErrors.push(m.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`e2e timings (s since start): ${JSON.stringify(timings)}`);
  });

  it('refuses requests without the token', async () => {
    expect((await fetch(`${app.origin}/`)).status).toBe(401);
    const api = await fetch(`${app.origin}/api/app/info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    const withToken = await fetch(app.url);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('creates a project and a circuit from a template, and edits a layer size with inline validation and undo', async () => {
    await page.goto(app.url);
    await page.waitForSelector('[data-test="create-project"]');
    await screenshot(page, '01-projects-start');
    await createProject(page, path.join(work, 'e2e-project'), 'e2e-project');
    expect(await page.textContent('[data-test="project-name"]')).toContain('e2e-project');
    await newCircuitFromTemplate(page, 'mnist-mlp', 'mnist-small', () => screenshot(page, '02-new-circuit-from-template').then(() => undefined));

    await page.click('[data-node="layer-0"]');
    await setField(page, 'layers[0].units', '0');
    await page.waitForSelector('[data-error-for="layers[0].units"]');
    expect(await page.textContent('[data-test="issues"]')).toContain('layers[0].units');
    await setField(page, 'layers[0].units', '32');
    await page.keyboard.press('Control+z');
    await page.waitForSelector('[data-error-for="layers[0].units"]');
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(() => !document.querySelector('[data-error-for="layers[0].units"]'));
    expect(await page.textContent('[data-node="layer-0"]')).toContain('32 cells');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('[data-test="toast-info"]');
    await screenshot(page, '03-network-editor');
    mark('circuit edited');
  });

  it('trains on an MNIST subset with live charts, pauses, continues and stops', async () => {
    await page.click('[data-test="go-train"]');
    await fillTrainingForm(page, { backend: 'wasm', epochs: 50, trainLimit: 2048, testLimit: 256 });
    const loadAtStart = loadPerCore();
    const startedAt = await page.evaluate(() => performance.now());
    const since = async (what: string) => mark(`${what} (${((await page.evaluate(() => performance.now()) - startedAt) / 1000).toFixed(1)} s into training)`);
    await page.click('[data-test="start-training"]');
    await waitForState(page, 'running');
    await since('running');
    await waitForEpochs(page, 1);
    await since('epoch 1');
    for (const chart of ['loss', 'accuracy', 'throughput', 'raster', 'rates', 'weights', 'membrane']) await waitForChartData(page, chart);
    const loss = await chartSeries(page, 'loss');
    expect(loss.find((s) => s.name === 'train (running)')?.points).toBeGreaterThan(0);
    expect(loss.find((s) => s.name === 'test')?.points).toBeGreaterThanOrEqual(1);
    expect((await chartSeries(page, 'accuracy')).find((s) => s.name === 'test')?.points).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('[data-test="backend"]')).toContain('wasm');
    await since('charts checked');
    // the full-page screenshot resizes the window and captures it: its long tasks are the test's, not the app's
    const shotStart = await page.evaluate(() => performance.now());
    await screenshot(page, '04-training-live');
    const shotEnd = await page.evaluate(() => performance.now());
    await since('screenshot taken');

    await page.click('[data-test="pause"]');
    await waitForState(page, 'paused');
    // the engine pauses before its next batch: a batch or an evaluation under way still ends
    await page.waitForTimeout(1000);
    const pausedAt = await epochsDone(page);
    const progressAt = await page.textContent('[data-test="run-status"] [role="progressbar"]').catch(() => null);
    await page.waitForTimeout(1500);
    expect(await epochsDone(page)).toBe(pausedAt);
    expect(await page.textContent('[data-test="run-status"] [role="progressbar"]').catch(() => null)).toBe(progressAt);
    await page.click('[data-test="continue"]');
    await waitForState(page, 'running');
    await page.waitForTimeout(500);
    await page.click('[data-test="stop"]');
    await waitForState(page, 'stopped');
    const stoppedAt = await page.evaluate(() => performance.now());
    mark('stopped');

    const tasks = await page.evaluate(() => window.__longTasks ?? []);
    const during = tasks.filter((t) => t.start >= startedAt && t.start <= stoppedAt && (t.start + t.duration < shotStart || t.start > shotEnd));
    const inScreenshot = tasks.filter((t) => t.start + t.duration >= shotStart && t.start <= shotEnd);
    const worst = Math.max(0, ...during.map((t) => t.duration));
    const load = loadPerCore();
    const report = { worstMs: Math.round(worst), longTasks: during.length, at: during.map((t) => `${((t.start - startedAt) / 1000).toFixed(1)}s:${Math.round(t.duration)}ms`),
      duringScreenshot: inScreenshot.map((t) => Math.round(t.duration)), trainingSeconds: (stoppedAt - startedAt) / 1000, loadPerCore: { atStart: loadAtStart, atEnd: load }, timings };
    console.log(`renderer long tasks during training: ${JSON.stringify(report)}`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, 'long-tasks.json'), JSON.stringify(report, null, 2));
    // Long tasks are wall time: on a machine whose other work leaves the browser no core, they measure the machine, not the app.
    if (Math.max(loadAtStart, load) <= MAX_LOAD_PER_CORE || process.env.APICAL_E2E_STRICT === '1') expect(worst).toBeLessThan(50);
    else console.warn(`long-task bound not asserted: load ${Math.max(loadAtStart, load).toFixed(1)} per core (> ${MAX_LOAD_PER_CORE}); worst ${worst.toFixed(0)} ms`);
    await screenshot(page, '05-training-stopped');
  });

  it('lists the run as stopped with its metrics, exports it to ONNX and compares it', async () => {
    await showView(page, 'projects');
    const row = page.locator('[data-test="run-table"] tbody tr').first();
    await page.waitForFunction(() => document.querySelector('[data-test="run-table"] tbody tr')?.getAttribute('data-status') === 'stopped');
    expect(Number(await row.locator('[data-test="run-epochs"]').textContent())).toBeGreaterThanOrEqual(1);
    expect(await row.locator('[data-test="run-accuracy"]').textContent()).toMatch(/%$/);
    await row.click();
    await page.waitForSelector('[data-test="run-detail"]');
    expect(await page.textContent('[data-test="run-detail-status"]')).toContain('stopped');
    expect(await page.locator('[data-test="run-epochs-table"] tbody tr').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, '06-projects-runs');

    await page.fill('[data-test="onnx-export"] input[type="number"]', '64');
    await page.click('[data-test="onnx-export-button"]');
    await page.waitForSelector('[data-test="onnx-result"]', { timeout: 90_000 });
    expect(await page.textContent('[data-test="onnx-result"]')).toContain('verified');
    mark('exported to ONNX');
    await screenshot(page, '07-onnx-export');

    await row.locator('input[type="checkbox"]').check();
    await showView(page, 'compare');
    await waitForChartData(page, 'compare');
    await screenshot(page, '08-compare');
  });

  it('reads well in the dark theme', async () => {
    await page.click('[data-test="theme"]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, '09-compare-dark');
    await showView(page, 'train');
    await screenshot(page, '10-training-dark');
    await showView(page, 'editor');
    await screenshot(page, '11-network-editor-dark');
    await showView(page, 'projects');
    await screenshot(page, '12-projects-dark');
    expect(pageErrors).toEqual([]);
  });
});
