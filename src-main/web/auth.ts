import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token for one web host; it goes into the URL the host prints. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that carries the token to the page's own assets and socket (cookies ignore ports, so the name holds it). */
export function cookieName(port: number): string {
  return `apical-token-${port}`;
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/**
 * Requests must come to 127.0.0.1/localhost by name (a DNS-rebinding page has another Host)
 * and, when a browser says where it comes from, from this host's own origin.
 */
export function sameOriginLoopback(req: IncomingMessage, port: number): boolean {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!allowed.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowed.some((h) => origin === `http://${h}`);
}

export type TokenSource = 'query' | 'header' | 'cookie';

/** Where a request shows the token, or null without a valid one. API calls must use the header. */
export function tokenSource(req: IncomingMessage, url: URL, token: string, port: number): TokenSource | null {
  if (sameToken(req.headers['x-apical-token'] as string | undefined, token)) return 'header';
  if (sameToken(url.searchParams.get('token'), token)) return 'query';
  if (sameToken(cookieValue(req, cookieName(port)), token)) return 'cookie';
  return null;
}
