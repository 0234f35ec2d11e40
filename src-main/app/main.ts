/**
 * The desktop app's main process: one window, the menu, native folder dialogs, and the
 * contract served over IPC by the same API the web host uses, with the engine in Electron
 * utility processes. Main keeps lifecycle only; training happens in the engine workers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Menu, app, dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import { EVENTS } from '../../src-shared/contract';
import type { MenuCommand } from '../../src-shared/contract';
import { ApiService } from '../api/service';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol';
import { utilityExportRunner } from './export-process';
import { forwardEvents, registerIpc } from './ipc';
import { buildMenu } from './menu';
import { devServerCsp, hardenWebContents } from './security';
import { utilityEngine } from './utility-engine';
import { createMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const devUrl = process.env.ELECTRON_RENDERER_URL ?? null;
const isAppUrl = (url: string) => url.startsWith(`${APP_ORIGIN}/`) || (devUrl !== null && url.startsWith(devUrl));

// a separate profile (recent projects, window state) for tests and portable use
if (process.env.APICAL_CONFIG_DIR) app.setPath('userData', process.env.APICAL_CONFIG_DIR);
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let api: ApiService | null = null;

async function start(): Promise<void> {
  hardenWebContents(isAppUrl);
  if (devUrl) devServerCsp(devUrl);
  else serveRenderer(path.join(here, '..', 'renderer'));
  api = new ApiService({
    host: 'electron', configDir: app.getPath('userData'), engine: utilityEngine(path.join(here, 'engine-worker.cjs')),
    onnxExport: utilityExportRunner(path.join(here, 'export-worker.cjs')),
    pickFolder: async (title) => {
      const result = win ? await dialog.showOpenDialog(win, { title, properties: ['openDirectory', 'createDirectory'] }) : null;
      return result && !result.canceled && result.filePaths[0] ? result.filePaths[0] : null;
    },
  });
  registerIpc(api, isAppUrl);
  const icon = path.join(app.getAppPath(), 'resources', 'icon.png');
  win = createMainWindow({ preload: path.join(here, '..', 'preload', 'index.cjs'), url: devUrl ?? `${APP_ORIGIN}/index.html`, icon: fs.existsSync(icon) ? icon : undefined });
  const service = api;
  const send = (c: MenuCommand) => win?.webContents.send(EVENTS.menuCommand, c);
  const refreshMenu = () => Menu.setApplicationMenu(buildMenu(service.session.recent.list(), send, devUrl !== null));
  refreshMenu();
  forwardEvents(service, win);
  let shownProject: string | null = null;
  service.on((event) => {
    const dir = service.session.project?.dir ?? null;
    if (event !== 'projectChanged' || dir === shownProject) return;
    shownProject = dir;
    refreshMenu();
    if (dir) app.addRecentDocument(dir);
  });
  win.on('closed', () => (win = null));
}

app.on('second-instance', () => {
  if (win?.isMinimized()) win.restore();
  win?.focus();
});
app.on('window-all-closed', () => app.quit());

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !api) return;
  event.preventDefault();
  quitting = true;
  void api.close().finally(() => app.quit());
});

app.whenReady().then(start).catch((e: unknown) => {
  dialog.showErrorBox('Apical could not start', e instanceof Error ? e.message : String(e));
  app.quit();
});
