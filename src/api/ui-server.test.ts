// The web UI server: static files with types and caching, client-route fallback, /api handed to
// the API's handler, traversal refused, and a clear page when the UI is not built.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { silentLogger } from '../telemetry/logger.ts';
import { startUiServer, type UiServer } from './ui-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-ui-'));
const JS = `console.log(${JSON.stringify('x'.repeat(2000))});`;
let ui: UiServer;
let bare: UiServer;
const apiCalls: string[] = [];

before(async () => {
  mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'dist', 'assets', 'index-abc123.js'), JS);
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  const api = (req: { url?: string }, res: ServerResponse): void => {
    apiCalls.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  ui = await startUiServer({ address: '127.0.0.1:0', dir: join(dir, 'dist'), api, logger: silentLogger() });
  bare = await startUiServer({ address: '127.0.0.1:0', dir: join(dir, 'nope'), api, logger: silentLogger() });
});
after(async () => {
  await ui?.close();
  await bare?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('hashed assets: content type, a year immutable, gzip when accepted, 304 on a match', async () => {
  const r = await fetch(`${ui.url}/assets/index-abc123.js`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  assert.equal(await r.text(), JS);
  const raw = await fetch(`${ui.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(raw.headers.get('content-encoding'), null);
  assert.equal(await raw.text(), JS);
  const etag = r.headers.get('etag')!;
  const again = await fetch(`${ui.url}/assets/index-abc123.js`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  // Node's fetch gunzips; the bytes on the wire are gzip.
  const { request } = await import('node:http');
  const wire = await new Promise<Buffer>((resolve) =>
    request(`${ui.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).end(),
  );
  assert.equal(gunzipSync(wire).toString(), JS);
});

test('client routes get index.html (revalidated); missing files are 404; no way out of the directory', async () => {
  for (const path of ['/', '/pods/shop/web-1', '/traces?service=a']) {
    const r = await fetch(`${ui.url}${path}`);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.match(await r.text(), /id="root"/);
  }
  assert.equal((await fetch(`${ui.url}/assets/gone-123.js`)).status, 404);
  assert.equal((await fetch(`${ui.url}/favicon.ico`)).status, 404);
  assert.equal((await fetch(`${ui.url}/..%2fsecret.txt`)).status, 404);
  assert.equal((await fetch(`${ui.url}/%2e%2e/secret.txt`)).status, 404);
  assert.equal((await fetch(`${ui.url}/`, { method: 'POST' })).status, 405);
});

test('/api/* and /health go to the API handler', async () => {
  apiCalls.length = 0;
  for (const path of ['/api/v1/services?start=1', '/health']) {
    const r = await fetch(`${ui.url}${path}`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { ok: true });
  }
  assert.deepEqual(apiCalls, ['/api/v1/services?start=1', '/health']);
});

test('without a built UI every page says how to build it; the API still answers', async () => {
  const r = await fetch(`${bare.url}/pods`);
  assert.equal(r.status, 503);
  assert.match(await r.text(), /npm run build/);
  assert.equal((await fetch(`${bare.url}/health`)).status, 200);
});
