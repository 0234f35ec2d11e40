/**
 * The app's main flow as a user drives it, shared by the browser (web host) and Electron
 * specs: every step goes through the UI, and checks read what the UI shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Checks run in the page every 100 ms, not every frame: the test should not load the thread it measures. */
const POLL_MS = 100;

export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** A screenshot of the whole page: the window is made as tall as the page first, so every chart is in view and draws. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.waitForTimeout(900);
  await page.screenshot({ path: file });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
  return file;
}

export async function showView(page: Page, view: 'projects' | 'editor' | 'train' | 'compare'): Promise<void> {
  await page.click(`nav [data-view="${view}"]`);
}

export async function createProject(page: Page, dir: string, name: string): Promise<void> {
  await page.fill('[data-test="project-name-input"]', name);
  await page.fill('[data-test="project-dir-input"]', dir);
  await page.click('[data-test="create-project-submit"]');
  await page.waitForSelector('[data-test="projects-view"]');
}

export async function newCircuitFromTemplate(page: Page, template: string, name: string, beforeSubmit?: () => Promise<void>): Promise<void> {
  await page.click('[data-test="new-circuit"]');
  await page.check(`[data-test="template-${template}"]`);
  await page.fill('[data-test="circuit-name-input"]', name);
  await beforeSubmit?.();
  await page.click('[data-test="create-circuit-submit"]');
  await page.waitForSelector('[data-test="editor-view"]');
}

/** Types a value into an inspector field (by its JSON path) and leaves the field. */
export async function setField(page: Page, jsonPath: string, value: string): Promise<void> {
  const field = page.locator(`[data-test="inspector"] [data-path="${jsonPath}"]`);
  await field.fill(value);
  await field.press('Tab');
}

export interface TrainingChoice {
  readonly backend: string;
  readonly epochs: number;
  readonly trainLimit: number;
  readonly testLimit: number;
}

export async function fillTrainingForm(page: Page, c: TrainingChoice): Promise<void> {
  await page.selectOption('[data-test="train-backend"]', c.backend);
  for (const [test, value] of [['train-epochs', c.epochs], ['train-limit', c.trainLimit], ['test-limit', c.testLimit]] as const) {
    await page.fill(`[data-test="${test}"]`, String(value));
    await page.press(`[data-test="${test}"]`, 'Tab');
  }
}

export async function runState(page: Page): Promise<string> {
  return (await page.textContent('[data-test="run-state"]'))?.trim() ?? '';
}

export async function waitForState(page: Page, state: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction((s) => document.querySelector('[data-test="run-state"]')?.textContent?.trim() === s, state, { timeout, polling: POLL_MS });
}

export async function epochsDone(page: Page): Promise<number> {
  const text = (await page.textContent('[data-test="epochs-done"]')) ?? '0';
  return Number(text.split('/')[0].trim());
}

export async function waitForEpochs(page: Page, n: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction((k) => Number(document.querySelector('[data-test="epochs-done"]')?.textContent?.split('/')[0].trim() ?? 0) >= k, n, { timeout, polling: POLL_MS });
}

/** What a chart holds, read from its ECharts instance (series names and point counts). */
export async function chartSeries(page: Page, name: string): Promise<{ name: string; points: number }[]> {
  return page.evaluate((n) => window.__apicalCharts?.series(n) ?? [], name);
}

/** Scrolls a chart into view (charts out of sight do not draw) and waits until a series of it has data. */
export async function waitForChartData(page: Page, name: string, timeout = 30_000): Promise<void> {
  await page.locator(`[data-chart="${name}"]`).scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => (window.__apicalCharts?.series(n) ?? []).some((s) => s.points > 0), name, { timeout, polling: POLL_MS });
}
