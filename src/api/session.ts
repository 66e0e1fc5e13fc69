// Signing in to the web UI when the API needs a token (service.backend.api.auth.token).
//
// A browser cannot put an Authorization header on an EventSource (the logs' live tail) or on a
// link opened in a new tab, so the UI trades the token once for a cookie:
//   GET    /api/v1/session  → {authRequired, signedIn}   (no credentials needed)
//   POST   /api/v1/session  {token, remember?} → 204 + Set-Cookie, or 401
//   DELETE /api/v1/session  → 204, the cookie cleared
//
// Contract:
// - The cookie holds an HMAC of the token, not the token: it opens this API (and nothing the same
//   token might also open elsewhere), and stops working when the token changes.
// - HttpOnly (scripts cannot read it) and SameSite=Strict (no other site's page can make the
//   browser send it; every data endpoint is a GET without side effects). Without `remember` it
//   ends with the browser session; with it, after REMEMBER_S.
// - Wrong tokens are counted per client address: after MAX_FAILURES in a minute that address gets
//   429 until the minute is over (the table of addresses is bounded).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.ts';

export const SESSION_COOKIE = 'wc_session';
const REMEMBER_S = 30 * 24 * 3600;
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

function sessionValue(token: string): string {
  return createHmac('sha256', token).update('watchingcat ui session v1').digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && equal(m[1]!, token);
}

/** Whether a request carries the token: the Authorization header or the UI's session cookie. */
export function authorized(req: FastifyRequest, token: string): boolean {
  if (bearerMatches(req.headers.authorization, token)) return true;
  const c = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return c !== undefined && equal(c, sessionValue(token));
}

/** Paths that answer without credentials: probes, and the sign-in itself. */
export function isPublic(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/health' || path === '/api/v1/session';
}

function cookie(value: string, maxAgeS: number | undefined): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(maxAgeS !== undefined ? [`Max-Age=${maxAgeS}`] : []),
  ].join('; ');
}

class FailureCounter {
  private readonly byAddress = new Map<string, { since: number; count: number }>();
  blocked(addr: string, now: number): boolean {
    const e = this.byAddress.get(addr);
    return e !== undefined && now - e.since < FAILURE_WINDOW_MS && e.count >= MAX_FAILURES;
  }
  fail(addr: string, now: number): void {
    const e = this.byAddress.get(addr);
    if (e && now - e.since < FAILURE_WINDOW_MS) e.count += 1;
    else {
      this.byAddress.delete(addr);
      if (this.byAddress.size >= MAX_TRACKED) {
        for (const [k, v] of this.byAddress) if (now - v.since >= FAILURE_WINDOW_MS) this.byAddress.delete(k);
        // Still full: forget the oldest (insertion order) rather than grow.
        if (this.byAddress.size >= MAX_TRACKED) this.byAddress.delete(this.byAddress.keys().next().value!);
      }
      this.byAddress.set(addr, { since: now, count: 1 });
    }
  }
}

export function registerSessionRoutes(app: FastifyInstance, token: string | undefined): void {
  const failures = new FailureCounter();

  app.get('/api/v1/session', async (req: FastifyRequest) => ({
    authRequired: token !== undefined,
    signedIn: token === undefined || authorized(req, token),
  }));

  app.post('/api/v1/session', async (req: FastifyRequest, reply: FastifyReply) => {
    if (token === undefined)
      return sendError(
        reply,
        400,
        'bad_request',
        'this API needs no token (no service.backend.api.auth.token)',
      );
    const now = Date.now();
    if (failures.blocked(req.ip, now))
      return sendError(
        reply,
        429,
        'too_many_attempts',
        'too many wrong tokens from this address; wait a minute',
      );
    const body = req.body as { token?: unknown; remember?: unknown } | undefined;
    if (typeof body?.token !== 'string' || body.token === '')
      return sendError(
        reply,
        400,
        'bad_request',
        'token: expected a JSON body {"token": "...", "remember": false}',
      );
    if (body.remember !== undefined && typeof body.remember !== 'boolean')
      return sendError(reply, 400, 'bad_request', 'remember: expected true or false');
    if (!equal(body.token, token)) {
      failures.fail(req.ip, now);
      return sendError(
        reply,
        401,
        'unauthorized',
        'wrong token: use the one in service.backend.api.auth.token',
      );
    }
    reply.header('set-cookie', cookie(sessionValue(token), body.remember === true ? REMEMBER_S : undefined));
    return reply.code(204).send();
  });

  app.delete('/api/v1/session', async (_req: FastifyRequest, reply: FastifyReply) => {
    reply.header('set-cookie', cookie('', 0));
    return reply.code(204).send();
  });
}
