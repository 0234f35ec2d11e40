import path from 'node:path';
import { BrowserWindow, nativeTheme } from 'electron';

/** The one main window: sandboxed renderer, context isolation, no Node, only the preload's verbs. */
export function createMainWindow(opts: { preload: string; url: string; icon?: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440, height: 900, minWidth: 960, minHeight: 600, show: false, title: 'Apical',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#14161a' : '#f7f7f5',
    icon: opts.icon,
    webPreferences: {
      preload: path.resolve(opts.preload),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}
