import { EVENTS, REQUESTS, eventOfChannel } from '../../src-shared/contract';
import type { ApicalApi, EventName, EventPayloads, Result, Verb } from '../../src-shared/contract';

type Listeners = { [E in EventName]: Set<(payload: EventPayloads[E]) => void> };

/** The token from the page's URL (kept for reloads in this tab). */
export function webToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem('apical-token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('apical-token') ?? '';
}

async function post(channel: string, token: string, params: unknown): Promise<Result<unknown>> {
  try {
    const res = await fetch(`/api/${channel}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-apical-token': token }, body: JSON.stringify(params ?? {}),
    });
    if (res.status === 200) return (await res.json()) as Result<unknown>;
    return { ok: false, error: { code: res.status === 401 ? 'bad-request' : 'internal', message: `${res.status}: ${await res.text()}` } };
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: `the web host does not answer (${(e as Error).message}); is 'apical serve' still running?` } };
  }
}

/**
 * The contract over the web host: requests are POST /api/<channel> with the token in a
 * header; events arrive on one WebSocket, which reconnects when the host comes back.
 */
export function webApi(token: string, onConnection: (connected: boolean) => void): ApicalApi {
  const listeners = Object.fromEntries((Object.keys(EVENTS) as EventName[]).map((e) => [e, new Set()])) as unknown as Listeners;
  let delay = 250;
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      delay = 250;
      onConnection(true);
    };
    ws.onmessage = (m) => {
      const { channel, payload } = JSON.parse(String(m.data)) as { channel: string; payload: never };
      const event = eventOfChannel(channel);
      if (event) for (const l of listeners[event]) (l as (p: never) => void)(payload);
    };
    ws.onclose = () => {
      onConnection(false);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();
  const verbs = Object.fromEntries((Object.keys(REQUESTS) as Verb[]).map((v) => [v, (p: unknown) => post(REQUESTS[v].channel, token, p)]));
  const on = Object.fromEntries((Object.keys(EVENTS) as EventName[]).map((e) => [e, (l: (p: unknown) => void) => {
    const set = listeners[e] as Set<(p: unknown) => void>;
    set.add(l);
    return () => set.delete(l);
  }]));
  return { ...verbs, on } as unknown as ApicalApi;
}
