import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { EVENTS, REQUESTS } from '../../src-shared/contract';
import type { Verb } from '../../src-shared/contract';
import type { ApiService } from '../api/service';

/**
 * One IPC handler per verb of the contract; each checks that the call comes from the app's
 * own page and hands the raw parameters to the API, which validates them with zod.
 */
export function registerIpc(api: ApiService, isAppUrl: (url: string) => boolean): void {
  for (const verb of Object.keys(REQUESTS) as Verb[]) {
    ipcMain.handle(REQUESTS[verb].channel, (event: IpcMainInvokeEvent, raw: unknown) => {
      if (!isAppUrl(event.senderFrame?.url ?? '')) return { ok: false, error: { code: 'bad-request', message: 'request from a page that is not the app' } };
      return api.call(verb, raw);
    });
  }
}

/** Pushes the API's events to the window; returns the unsubscribe. */
export function forwardEvents(api: ApiService, win: BrowserWindow): () => void {
  return api.on((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENTS[event], payload);
  });
}
