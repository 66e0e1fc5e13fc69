// CORS for OTLP/HTTP, so browser SDKs can send (`cors:` under protocols.http). Only origins in
// `allowed_origins` get CORS headers; a preflight (OPTIONS with Access-Control-Request-Method)
// is answered here, before authentication, because browsers never send credentials on it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from './config.ts';

// Headers an OTLP browser exporter sends, always allowed (besides the configured ones).
const BASE_HEADERS = ['accept', 'content-type', 'content-encoding', 'origin', 'x-requested-with'];

export class Cors {
  private readonly origins: RegExp[];
  private readonly anyHeader: boolean;
  private readonly headers: Set<string>;
  private readonly maxAge: number;

  constructor(config: CorsConfig) {
    this.origins = config.allowed_origins.map(originPattern);
    this.anyHeader = config.allowed_headers.includes('*');
    this.headers = new Set([...BASE_HEADERS, ...config.allowed_headers.map((h) => h.toLowerCase())]);
    this.maxAge = config.max_age;
  }

  private allowed(origin: string): boolean {
    return this.origins.some((re) => re.test(origin));
  }

  /**
   * Adds CORS headers for an allowed origin. Returns true when the request was a preflight and
   * has been answered (the caller stops there).
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!origin || !this.allowed(origin)) {
      if (!preflight) return false;
      // Not allowed: answer without CORS headers; the browser then blocks the real request.
      res.writeHead(204, { vary: 'Origin' }).end();
      return true;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    if (!preflight) return false;

    const method = String(req.headers['access-control-request-method']).toUpperCase();
    const requested = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (method !== 'POST' || !(this.anyHeader || requested.every((h) => this.headers.has(h)))) {
      res.removeHeader('access-control-allow-origin');
      res.writeHead(204).end();
      return true;
    }
    res.setHeader('access-control-allow-methods', 'POST');
    if (requested.length) res.setHeader('access-control-allow-headers', requested.join(', '));
    if (this.maxAge > 0) res.setHeader('access-control-max-age', String(this.maxAge));
    res.writeHead(204).end();
    return true;
  }
}

/** "*" matches every origin; otherwise one "*" may stand for any run of characters. */
function originPattern(pattern: string): RegExp {
  if (pattern === '*') return /^/;
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}
