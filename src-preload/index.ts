/**
 * The preload: exposes the contract to the sandboxed renderer as `window.apical`, one named
 * verb per request (`apical.openProject({ dir })`) and one subscription per event
 * (`apical.on.runFrame(listener)` returns its unsubscribe). The renderer never sees
 * ipcRenderer; channels come from the contract only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { EVENTS, REQUESTS } from '../src-shared/contract';
import type { ApicalApi, EventName, EventPayloads, Verb } from '../src-shared/contract';

function verbs(): Record<Verb, (params: unknown) => Promise<unknown>> {
  const out = {} as Record<Verb, (params: unknown) => Promise<unknown>>;
  for (const verb of Object.keys(REQUESTS) as Verb[]) {
    const channel = REQUESTS[verb].channel;
    out[verb] = (params) => ipcRenderer.invoke(channel, params ?? {});
  }
  return out;
}

function subscriptions(): Record<EventName, (listener: (payload: unknown) => void) => () => void> {
  const out = {} as Record<EventName, (listener: (payload: unknown) => void) => () => void>;
  for (const event of Object.keys(EVENTS) as EventName[]) {
    const channel = EVENTS[event];
    out[event] = (listener) => {
      const wrapped = (_e: IpcRendererEvent, payload: EventPayloads[typeof event]) => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => {
        ipcRenderer.removeListener(channel, wrapped);
      };
    };
  }
  return out;
}

const api = { ...verbs(), on: subscriptions() } as unknown as ApicalApi;
contextBridge.exposeInMainWorld('apical', api);
