import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiService } from '../api/service';
import { startWebHost } from './server';
import type { WebHost } from './server';

/** A raw request, so tests can send any Host and Origin headers. */
function request(port: number, opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web host', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apical-web-'));
  let host: WebHost;
  let api: ApiService;

  beforeAll(async () => {
    const renderer = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Apical</title>');
    fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'export {};');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    api = new ApiService({ host: 'web', configDir: path.join(dir, 'config') });
    host = await startWebHost({ api, rendererDir: renderer });
  });

  afterAll(async () => {
    await host.close();
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a random token in its URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses requests without the token', async () => {
    expect((await request(host.port, { path: '/', headers: { host: `127.0.0.1:${host.port}` } })).status).toBe(401);
    expect((await request(host.port, { path: '/?token=wrong', headers: { host: `127.0.0.1:${host.port}` } })).status).toBe(401);
    expect((await request(host.port, { path: '/assets/app.js' })).status).toBe(401);
  });

  it('serves the page with the token, then its assets by cookie, with the CSP', async () => {
    const page = await request(host.port, { path: `/?token=${host.token}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toContain(host.token);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await request(host.port, { path: '/assets/app.js', headers: { cookie } });
    expect(asset).toMatchObject({ status: 200, body: 'export {};' });
    expect((await request(host.port, { path: '/../secret.txt', headers: { cookie } })).body).not.toContain('secret');
    expect((await request(host.port, { path: '/%2e%2e/secret.txt', headers: { cookie } })).status).toBe(404);
  });

  it('answers API calls only with the token header, from its own origin', async () => {
    const call = (headers: Record<string, string>, channel = 'app/info', body = '{}') =>
      request(host.port, { path: `/api/${channel}`, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await call({ cookie: `apical-token-${host.port}=${host.token}` })).status).toBe(401);
    const info = await call({ 'x-apical-token': host.token });
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { host: 'web', canPickFolder: false } });
    expect((await call({ 'x-apical-token': host.token, host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await call({ 'x-apical-token': host.token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ 'x-apical-token': host.token }, 'no/such')).status).toBe(404);
    expect(JSON.parse((await call({ 'x-apical-token': host.token }, 'project/open', '{"dir":7}')).body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('pushes events over the WebSocket to token holders only', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${host.port}/events`);
    await expect(new Promise((resolve, reject) => { refused.on('open', resolve); refused.on('error', reject); })).rejects.toThrow(/401/);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${host.token}`);
    await new Promise((r) => ws.on('open', r));
    const message = new Promise<string>((r) => ws.once('message', (m) => r(String(m))));
    await api.call('createProject', { dir: path.join(dir, 'p') });
    expect(JSON.parse(await message)).toEqual({ channel: 'project/changed', payload: { what: 'project' } });
    ws.close();
  });
});
