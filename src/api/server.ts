// The backend REST API (DESIGN §6) on fastify. Every handler reads the shared Storage; errors
// are `{"error": {"code", "message"}}`: a bad parameter 400 (naming it), a missing token 401,
// an unknown trace or route 404, a storage failure 503. No request can crash the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { splitHostPort } from '../config/schema-helpers.ts';
import type { Storage } from '../storage/connection.ts';
import { dependencies, QueryError, servicesSummary, traceById } from '../storage/queries.ts';
import type { Logger } from '../telemetry/logger.ts';
import { VERSION } from '../version.ts';
import { HttpError, sendError } from './errors.ts';
import { dependenciesJson, serviceJson, spanJson } from './json.ts';
import { registerK8sRoutes } from './k8s.ts';
import { registerLogRoutes } from './logs.ts';
import { registerMetricRoutes } from './metrics.ts';
import { registerPipelineRoutes } from './pipeline.ts';
import { openApiDocument } from './openapi.ts';
import { authorized, isPublic, registerSessionRoutes } from './session.ts';
import { registerTailRoute, TailHub, type TailOptions } from './tail.ts';
import { registerTraceSearch } from './traces.ts';
import type { ApiContext } from './context.ts';
import { BadRequest, parseRange, type Query } from './params.ts';

export interface ApiOptions {
  /** HOST:PORT; port 0 picks a free one (see the returned url). */
  address: string;
  storage: Storage;
  /** When set, every endpoint but /health and /api/v1/session needs `Authorization: Bearer <token>` or the UI's session cookie (session.ts). */
  token?: string;
  logger: Logger;
  /** For tests: the clock, in nanoseconds. */
  nowNs?: () => bigint;
  /** Live tail limits and timing (defaults: poll 500 ms, at most 64 tails). */
  tail?: Partial<TailOptions>;
}

export interface Api {
  /** http://host:port as bound. */
  readonly url: string;
  /** The API's request handler, for another server in this process (the web UI's). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

/** How long the health check waits for the storage before calling it down. */
const HEALTH_TIMEOUT_MS = 2000;
const HEX32 = /^[0-9a-fA-F]{32}$/;
/** How long a closing server waits for requests in flight before cutting connections. */
const CLOSE_GRACE_MS = 3000;

const wallNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

export function buildApi(opts: Omit<ApiOptions, 'address'>): FastifyInstance {
  const { storage, logger } = opts;
  const now = opts.nowNs ?? wallNs;
  const app = Fastify({
    logger: false,
    // GET-only API but for the sign-in (a token): nothing large is ever uploaded.
    bodyLimit: 64 * 1024,
    requestTimeout: 60_000,
    routerOptions: { maxParamLength: 200 },
  });

  if (opts.token) {
    const token = opts.token;
    app.addHook('onRequest', async (req, reply) => {
      // Probes do not carry credentials (/health reveals nothing but up/down); the UI signs in
      // through /api/v1/session (session.ts).
      if (isPublic(req.url)) return;
      if (!authorized(req, token)) {
        reply.header('www-authenticate', 'Bearer');
        return sendError(
          reply,
          401,
          'unauthorized',
          'a valid "Authorization: Bearer <token>" header is required (the web UI asks for the token and signs in)',
        );
      }
    });
  }
  registerSessionRoutes(app, opts.token);

  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`),
  );
  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof BadRequest || err instanceof QueryError)
      return sendError(reply, 400, 'bad_request', err.message);
    if (err instanceof HttpError) return sendError(reply, err.status, err.code, err.message);
    const e = err as { statusCode?: number; message?: string };
    // fastify's own client errors (bad URL encoding, body too large, …).
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
      return sendError(reply, e.statusCode, 'bad_request', e.message ?? 'bad request');
    logger.warn({ error: e.message, url: req.url.split('?')[0] }, 'API request failed in storage');
    return sendError(reply, 503, 'storage_unavailable', `storage failed: ${e.message ?? String(err)}`);
  });

  app.get('/health', async (_req, reply) => {
    try {
      await Promise.race([
        storage.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json()),
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer in ${HEALTH_TIMEOUT_MS} ms`)),
            HEALTH_TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      return { status: 'ok', storage: { status: 'ok', kind: storage.kind, database: storage.database } };
    } catch (e) {
      return reply.code(503).send({
        status: 'unavailable',
        storage: { status: 'error', kind: storage.kind, database: storage.database },
        error: { code: 'storage_unavailable', message: (e as Error).message },
      });
    }
  });

  app.get('/api/v1/openapi.json', async () => openApiDocument(VERSION));

  app.get('/api/v1/services', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const { startNs, endNs } = parseRange(q, now());
    const services = await servicesSummary(storage, startNs, endNs);
    return {
      start: String(startNs),
      end: String(endNs),
      services: services.map(serviceJson),
    };
  });

  app.get('/api/v1/traces/:traceId', async (req: FastifyRequest) => {
    const { traceId } = req.params as { traceId: string };
    if (!HEX32.test(traceId)) throw new BadRequest('traceId', 'expected 32 hex digits');
    const spans = await traceById(storage, traceId);
    if (spans.length === 0) throw new HttpError(404, 'not_found', `trace ${traceId.toLowerCase()} not found`);
    return { traceId: traceId.toLowerCase(), spans: spans.map(spanJson) };
  });

  app.get('/api/v1/dependencies', async (req: FastifyRequest) => {
    const { startNs, endNs } = parseRange(req.query as Query, now());
    const edges = await dependencies(storage, { start: startNs, end: endNs });
    return { start: String(startNs), end: String(endNs), ...(dependenciesJson(edges) as object) };
  });

  const ctx: ApiContext = { storage, logger, now };
  registerTraceSearch(app, ctx);
  registerLogRoutes(app, ctx);
  registerTailRoute(app, ctx, new TailHub(opts.tail));
  registerMetricRoutes(app, ctx);
  registerK8sRoutes(app, ctx);
  registerPipelineRoutes(app, ctx);

  return app;
}

export async function startApi(opts: ApiOptions): Promise<Api> {
  const app = buildApi(opts);
  const { host, port } = splitHostPort(opts.address);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await app.close();
    throw new Error(`REST API cannot listen on ${opts.address}: ${(e as Error).message}`, { cause: e });
  }
  const addr = app.server.address();
  const bound = addr && typeof addr === 'object' ? addr : { address: host, port };
  const h = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  const url = `http://${h}:${bound.port}`;
  opts.logger.info({ url }, 'REST API listening');
  return {
    url,
    handle: (req, res) => app.routing(req, res),
    async close() {
      // Live tails end at once (preClose); a request still running gets CLOSE_GRACE_MS, and a
      // connection that never sent a request would otherwise hold the close until the client
      // gives up on it.
      const timer = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
