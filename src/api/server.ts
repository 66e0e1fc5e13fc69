// The backend REST API (DESIGN §6) on fastify. Every handler reads the shared Storage; errors
// are `{"error": {"code", "message"}}`: a bad parameter 400 (naming it), a missing token 401,
// an unknown trace or route 404, a storage failure 503. No request can crash the process.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { splitHostPort } from '../config/schema-helpers.ts';
import type { Storage } from '../storage/connection.ts';
import { QueryError, searchTraces, servicesSummary, traceById } from '../storage/queries.ts';
import type { Logger } from '../telemetry/logger.ts';
import { VERSION } from '../version.ts';
import { serviceJson, spanJson, traceSummaryJson } from './json.ts';
import { openApiDocument } from './openapi.ts';
import {
  BadRequest,
  one,
  parseAttributes,
  parseDurationNs,
  parseLimit,
  parseRange,
  type Query,
} from './params.ts';

export interface ApiOptions {
  /** HOST:PORT; port 0 picks a free one (see the returned url). */
  address: string;
  storage: Storage;
  /** When set, every endpoint but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  logger: Logger;
  /** For tests: the clock, in nanoseconds. */
  nowNs?: () => bigint;
}

export interface Api {
  /** http://host:port as bound. */
  readonly url: string;
  close(): Promise<void>;
}

/** How long the health check waits for the storage before calling it down. */
const HEALTH_TIMEOUT_MS = 2000;
const HEX32 = /^[0-9a-fA-F]{32}$/;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const got = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

const wallNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

export function buildApi(opts: Omit<ApiOptions, 'address'>): FastifyInstance {
  const { storage, logger } = opts;
  const now = opts.nowNs ?? wallNs;
  const app = Fastify({
    logger: false,
    // GET-only API: nothing large is ever uploaded.
    bodyLimit: 64 * 1024,
    requestTimeout: 60_000,
    routerOptions: { maxParamLength: 200 },
  });

  if (opts.token) {
    const token = opts.token;
    app.addHook('onRequest', async (req, reply) => {
      // Probes do not carry credentials; /health reveals nothing but up/down.
      if (req.url === '/health' || req.url.startsWith('/health?')) return;
      if (!tokenMatches(req.headers.authorization, token)) {
        reply.header('www-authenticate', 'Bearer');
        return sendError(
          reply,
          401,
          'unauthorized',
          'a valid "Authorization: Bearer <token>" header is required',
        );
      }
    });
  }

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

  app.get('/api/v1/traces', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const { startNs, endNs } = parseRange(q, now());
    const limit = parseLimit(q);
    const min = one(q, 'minDuration');
    const max = one(q, 'maxDuration');
    const minDurationNs = min === undefined ? undefined : parseDurationNs('minDuration', min);
    const maxDurationNs = max === undefined ? undefined : parseDurationNs('maxDuration', max);
    if (minDurationNs !== undefined && maxDurationNs !== undefined && maxDurationNs < minDurationNs)
      throw new BadRequest('maxDuration', 'maxDuration is below minDuration');
    const service = one(q, 'service');
    const operation = one(q, 'operation');
    const traces = await searchTraces(storage, {
      startNs,
      endNs,
      limit,
      attributes: parseAttributes(q),
      ...(service ? { service } : {}),
      ...(operation ? { operation } : {}),
      ...(minDurationNs !== undefined ? { minDurationNs } : {}),
      ...(maxDurationNs !== undefined ? { maxDurationNs } : {}),
    });
    return { start: String(startNs), end: String(endNs), limit, traces: traces.map(traceSummaryJson) };
  });

  app.get('/api/v1/traces/:traceId', async (req: FastifyRequest) => {
    const { traceId } = req.params as { traceId: string };
    if (!HEX32.test(traceId)) throw new BadRequest('traceId', 'expected 32 hex digits');
    const spans = await traceById(storage, traceId);
    if (spans.length === 0) throw new HttpError(404, 'not_found', `trace ${traceId.toLowerCase()} not found`);
    return { traceId: traceId.toLowerCase(), spans: spans.map(spanJson) };
  });

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
    close: () => app.close(),
  };
}
