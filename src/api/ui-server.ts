// The web UI's HTTP server (service.backend.ui.address, default 0.0.0.0:3001): the built UI
// (ui/dist) as static files, and /api/* and /health handed to the REST API's own request
// handler in this process — the browser talks to one origin and nothing is proxied over a socket.
//
// Contract:
// - Files under ui/dist are served with their content type; `assets/*` (content-hashed names)
//   are cached for a year as immutable, everything else (index.html) revalidates (ETag, 304).
//   Text files are gzipped when the client accepts it. Files are read once and kept in memory
//   (the whole UI is a few hundred KB).
// - Any other GET path without a file extension is a client route: index.html.
// - Without ui/dist (sources not built) every page is a 503 that says how to build it; the API
//   still answers.
// - GET and HEAD only (405 otherwise, outside /api).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { splitHostPort } from '../config/schema-helpers.ts';
import type { Logger } from '../telemetry/logger.ts';
import { http } from '../util/lean-require.ts';

export interface UiServerOptions {
  /** HOST:PORT; port 0 picks a free one. */
  address: string;
  /** The built UI; default: ui/dist of this checkout. */
  dir?: string;
  /** The REST API's request handler (fastify's `routing`). */
  api: (req: IncomingMessage, res: ServerResponse) => void;
  logger: Logger;
}

export interface UiServer {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** ui/dist of this checkout: src/api → ../../ui/dist; built into dist/src/api → ../../../ui/dist. */
export function defaultUiDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(d, 'ui', 'index.html')) || existsSync(join(d, 'ui', 'dist')))
      return join(d, 'ui', 'dist');
    d = dirname(d);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'dist');
}

interface File {
  body: Buffer;
  gz?: Buffer;
  type: string;
  etag: string;
}

const MISSING_PAGE = (dir: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WatchingCat — UI not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:60px auto;color:#1d2330}code{background:#eef0f4;padding:2px 5px;border-radius:4px}</style></head>
<body><h1>The web UI is not built</h1>
<p>This backend serves the UI from <code>${dir.replace(/[<>&]/g, '')}</code>, which does not exist.</p>
<p>Build it in the repository with <code>npm run build</code> (<code>npm ci</code> does this), then reload.</p>
<p>The REST API works meanwhile: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>, <a href="/health">/health</a>.</p>
</body></html>`;

export function uiHandler(
  dir: string,
  api: UiServerOptions['api'],
): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map<string, File | null>();
  const root = normalize(dir + sep);

  function load(rel: string): File | null {
    const hit = cache.get(rel);
    if (hit !== undefined) return hit;
    const path = normalize(join(dir, rel));
    let f: File | null = null;
    if (path.startsWith(root)) {
      try {
        if (statSync(path).isFile()) {
          const body = readFileSync(path);
          const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
          f = {
            body,
            type,
            etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
            ...(COMPRESSIBLE.test(type) && body.length > 512 ? { gz: gzipSync(body) } : {}),
          };
        }
      } catch {
        f = null;
      }
    }
    // index.html is cached too: a rebuild needs a restart (as any deployment of new assets).
    cache.set(rel, f);
    return f;
  }

  function send(req: IncomingMessage, res: ServerResponse, f: File, cacheControl: string): void {
    res.setHeader('content-type', f.type);
    res.setHeader('cache-control', cacheControl);
    res.setHeader('etag', f.etag);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === f.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const gzip = f.gz !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? f.gz! : f.body;
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === '/health' || path.startsWith('/api/') || path === '/api') return api(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const index = load('index.html');
    if (!index) {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : MISSING_PAGE(dir));
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('bad URL encoding\n');
      return;
    }
    if (rel !== '' && !rel.includes('\0')) {
      const f = load(rel);
      if (f) return send(req, res, f, rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
    }
    // A missing file (a name with an extension, or under assets/) is a 404, not the app.
    if (rel.startsWith('assets/') || /\.[a-z0-9]{1,8}$/i.test(rel)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : 'not found\n');
      return;
    }
    send(req, res, index, REVALIDATE);
  };
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const dir = opts.dir ?? defaultUiDir();
  const server = http.createServer({ requestTimeout: 60_000 }, uiHandler(dir, opts.api));
  const { host, port } = splitHostPort(opts.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: Error) => {
    throw new Error(`web UI cannot listen on ${opts.address}: ${e.message}`, { cause: e });
  });
  const addr = server.address();
  const bound = addr && typeof addr === 'object' ? addr : { address: host, port };
  const h = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  const url = `http://${h}:${bound.port}`;
  if (!existsSync(join(dir, 'index.html')))
    opts.logger.warn({ url, dir }, 'web UI listening, but the UI is not built (npm run build): pages say so');
  else opts.logger.info({ url }, 'web UI listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        // Live tails end when the API closes; idle keep-alive connections are cut here.
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3000).unref();
      }),
  };
}
