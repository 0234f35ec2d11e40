import fs from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { EVENTS, verbOfChannel } from '../../src-shared/contract';
import type { ApiService } from '../api/service';
import { cookieName, newToken, sameOriginLoopback, tokenSource } from './auth';
import { SECURITY_HEADERS } from './security-headers';
import { staticFile } from './static-files';

export interface WebHostOptions {
  readonly api: ApiService;
  /** the renderer build (index.html and assets/) */
  readonly rendererDir: string;
  /** 0: any free port */
  readonly port?: number;
  /** default: a fresh random token */
  readonly token?: string;
}

export interface WebHost {
  /** the URL to open, token included */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const API_PREFIX = '/api/';
const SOCKET_PATH = '/events';
const MAX_BODY = 16 * 1024 * 1024;

/**
 * The web host: the renderer build and the contract over HTTP (POST /api/<channel>, JSON
 * in, Result out) and a WebSocket (/events, every event as { channel, payload }), bound to
 * 127.0.0.1 only. Every request needs the token: the page gets it in its URL, API calls
 * send it in a header, the page's assets and socket get it from a same-site cookie.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newToken();
  const root = fs.realpathSync(options.rendererDir);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const server = http.createServer((req, res) => void handle(req, res).catch((e: unknown) => send(res, 500, 'text/plain', `internal error: ${(e as Error).message}`)));
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!sameOriginLoopback(req, port)) return send(res, 403, 'text/plain', 'forbidden: wrong host or origin');
    const source = tokenSource(req, url, token, port);
    if (source === null) return send(res, 401, 'text/plain', 'unauthorized: open the URL that `apical serve` printed (it carries the token)');
    if (url.pathname.startsWith(API_PREFIX)) return api(req, res, url, source === 'header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    const found = staticFile(root, url.pathname) ?? (url.pathname.includes('.') ? null : staticFile(root, '/'));
    if (!found) return send(res, 404, 'text/plain', 'not found');
    const headers: Record<string, string> = { 'cache-control': 'no-cache' };
    if (source === 'query') headers['set-cookie'] = `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    send(res, 200, found.type, fs.readFileSync(found.file), headers);
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, byHeader: boolean): Promise<void> {
    if (!byHeader) return send(res, 401, 'text/plain', 'unauthorized: API calls carry the token in the x-apical-token header');
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'API calls are POST');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'text/plain', 'API calls send application/json');
    const verb = verbOfChannel(url.pathname.slice(API_PREFIX.length));
    if (!verb) return send(res, 404, 'text/plain', `unknown request ${url.pathname}`);
    const body = await readBody(req);
    if (body === null) return send(res, 413, 'text/plain', 'request too large');
    let params: unknown;
    try {
      params = body.length ? JSON.parse(body) : {};
    } catch {
      return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: { code: 'bad-request', message: 'the request body is not JSON' } }));
    }
    send(res, 200, 'application/json', JSON.stringify(await options.api.call(verb, params)));
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== SOCKET_PATH || !sameOriginLoopback(req, port) || tokenSource(req, url, token, port) === null) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  const unsubscribe = options.api.on((event, payload) => {
    const text = JSON.stringify({ channel: EVENTS[event], payload });
    for (const ws of sockets.clients as Set<WebSocket>) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`, port, token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
