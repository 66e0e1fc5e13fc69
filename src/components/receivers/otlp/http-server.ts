// OTLP/HTTP: POST /v1/{traces,metrics,logs} with protobuf or JSON bodies, optionally gzip,
// deflate or zstd compressed. Plain node:http(s) — this is the hot path.
//
// Order of checks: CORS preflight → authentication → path (404) → method (405) →
// Content-Type (415) → Content-Encoding (415) → size (413, on the wire and after decompression)
// → decode (400) → the pipeline. The response is written only after the pipeline's consume()
// settled: 200 acknowledges data the pipeline has accepted.
import { idempotencyKey } from './recent-keys.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../../../config/schema-helpers.ts';
import type { Signal } from '../../../model/common.ts';
import type { Authenticator } from '../../../pipeline/component.ts';
import type { Logger } from '../../../telemetry/logger.ts';
import { credentialsHeader, isAuthorized } from './auth.ts';
import type { HttpConfig } from './config.ts';
import { Cors } from './cors.ts';
import {
  BadEncodingError,
  BodyTooLargeError,
  decompress,
  parseContentEncoding,
  SUPPORTED_ENCODINGS,
} from './decompress.ts';
import { readBody } from './http-body.ts';
import type { BodyFormat, Intake } from './intake.ts';
import { listenError, normalizeIp } from './net.ts';
import { RpcCode, retryAfterSeconds, type Refusal } from './outcome.ts';
import { exportResponseBody, statusBody } from './replies.ts';
import type { ServerTlsMaterial } from './tls.ts';
import { http, https } from '../../../util/lean-require.ts';

const CONTENT_TYPES: Record<BodyFormat, string> = {
  proto: 'application/x-protobuf',
  json: 'application/json',
};

export interface HttpServerOptions {
  /** The receiver id, for messages ("otlp", "otlp/internal"). */
  receiver: string;
  config: HttpConfig;
  intake: Intake;
  logger: Logger;
  authenticator?: Authenticator;
  tls?: ServerTlsMaterial;
}

export class OtlpHttpServer {
  private readonly o: HttpServerOptions;
  private readonly server: Server;
  private readonly routes = new Map<string, Signal>();
  private readonly cors: Cors | undefined;
  private inFlight = 0;
  private closing = false;
  private onDrained: (() => void) | undefined;

  constructor(o: HttpServerOptions) {
    this.o = o;
    this.routes.set(o.config.traces_url_path, 'traces');
    this.routes.set(o.config.metrics_url_path, 'metrics');
    this.routes.set(o.config.logs_url_path, 'logs');
    this.cors = o.config.cors ? new Cors(o.config.cors) : undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    const common = { keepAlive: true, keepAliveTimeout: 60_000 };
    this.server = o.tls
      ? (https().createServer(
          {
            ...common,
            cert: o.tls.cert,
            key: o.tls.key,
            minVersion: o.tls.minVersion,
            ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
          },
          onRequest,
        ) as unknown as Server)
      : http.createServer(common, onRequest);
    // Long enough that SDKs exporting every few seconds reuse their connection.
    this.server.keepAliveTimeout = common.keepAliveTimeout;
  }

  /** Binds the endpoint; rejects with "… cannot listen on HOST:PORT: why". */
  async listen(): Promise<AddressInfo> {
    const { host, port } = splitHostPort(this.o.config.endpoint);
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => reject(listenError(this.o.receiver, this.o.config.endpoint, err));
      this.server.once('error', fail);
      this.server.listen(port, host, () => {
        this.server.off('error', fail);
        resolve();
      });
    });
    this.server.on('error', (err) => this.o.logger.error({ err }, 'otlp receiver: HTTP server error'));
    return this.server.address() as AddressInfo;
  }

  address(): AddressInfo | undefined {
    const a = this.server.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  /**
   * Stops accepting connections, lets requests in flight finish (their pipeline calls included)
   * for up to `drainMs`, then drops whatever connections remain.
   */
  async close(drainMs: number): Promise<void> {
    if (!this.server.listening) return;
    this.closing = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections();
    const drained =
      this.inFlight === 0
        ? Promise.resolve(true)
        : new Promise<boolean>((r) => (this.onDrained = () => r(true)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainMs)));
    const inTime = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!inTime) {
      this.o.logger.warn(
        { inFlight: this.inFlight },
        'otlp receiver: HTTP requests still running at shutdown; dropping them',
      );
    }
    // Nothing useful is left on any connection: in-flight requests are answered (or abandoned).
    this.server.closeAllConnections();
    await closed;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      if (this.closing && this.inFlight === 0) this.onDrained?.();
    });
    this.handle(req, res).catch((err: unknown) => {
      // Defensive: handle() turns every expected failure into a response itself.
      this.o.logger.error({ err }, 'otlp receiver: unexpected error handling an HTTP request');
      if (!res.headersSent) this.sendText(req, res, 500, 'internal error\n', true);
      else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.cors?.handle(req, res)) return;
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const signal = this.routes.get(path);
    const format = formatOf(req.headers['content-type']);

    if (!isAuthorized(this.o.authenticator, credentialsHeader(req.headers, this.o.authenticator))) {
      if (signal) this.o.intake.refuseEarly(signal, 'http', 'unauthenticated');
      const refusal = early(
        'unauthenticated',
        401,
        RpcCode.UNAUTHENTICATED,
        'missing or invalid credentials',
      );
      return this.sendRefusal(req, res, refusal, format ?? 'json', true);
    }
    if (!signal) {
      const known = [...this.routes.keys()].join(', ');
      return this.sendText(req, res, 404, `404 page not found: OTLP paths are ${known}\n`, true);
    }
    if (!this.o.intake.serves(signal)) {
      return this.sendText(req, res, 404, `this receiver is in no ${signal} pipeline\n`, true);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return this.sendText(req, res, 405, `405 method not allowed, supported: [POST]\n`, true);
    }
    if (!format) {
      this.o.intake.refuseEarly(signal, 'http', 'unsupported_media_type');
      const supported = Object.values(CONTENT_TYPES).join(', ');
      return this.sendText(req, res, 415, `415 unsupported media type, supported: [${supported}]\n`, true);
    }
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    if (!encoding) {
      this.o.intake.refuseEarly(signal, 'http', 'unsupported_media_type');
      const msg = `415 unsupported content encoding "${req.headers['content-encoding']}", supported: [${SUPPORTED_ENCODINGS.join(', ')}]\n`;
      return this.sendText(req, res, 415, msg, true);
    }

    const limit = this.o.config.max_request_body_size;
    const tooLarge = (what: string) => {
      this.o.intake.refuseEarly(signal, 'http', 'too_large');
      const refusal = early(
        'too_large',
        413,
        RpcCode.RESOURCE_EXHAUSTED,
        `${what} exceeds max_request_body_size (${limit} bytes)`,
      );
      // Close the connection rather than read an oversized body to its end.
      this.sendRefusal(req, res, refusal, format, false);
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) return tooLarge('request body');
    // Under memory pressure or with a full queue, refuse before reading the body at all.
    const busy = this.o.intake.admit(signal, 'http');
    if (busy) return this.sendRefusal(req, res, busy, format, true);

    const read = await readBody(req, limit);
    if (read.kind === 'aborted') return; // the sender is gone; nothing was acknowledged
    if (read.kind === 'too_large') return tooLarge('request body');

    let body: Buffer;
    try {
      body = await decompress(encoding, read.body, limit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return tooLarge('decompressed request body');
      if (err instanceof BadEncodingError) {
        this.o.intake.refuseEarly(signal, 'http', 'decode_error');
        return this.sendRefusal(
          req,
          res,
          early('decode_error', 400, RpcCode.INVALID_ARGUMENT, err.message),
          format,
          true,
        );
      }
      throw err;
    }

    const result = await this.o.intake.receive(
      signal,
      'http',
      body,
      format,
      {
        ...(req.socket.remoteAddress ? { clientAddress: normalizeIp(req.socket.remoteAddress)! } : {}),
        ...(this.o.config.include_metadata ? { metadata: headerMetadata(req) } : {}),
      },
      idempotencyKey(req.headers['idempotency-key']),
    );
    if (!result.ok) return this.sendRefusal(req, res, result.refusal, format, true);
    const out = exportResponseBody(signal, result.rejected, result.errorMessage, format);
    this.send(res, 200, { 'content-type': CONTENT_TYPES[format] }, out, true);
  }

  private sendRefusal(
    req: IncomingMessage,
    res: ServerResponse,
    refusal: Refusal,
    format: BodyFormat,
    keepAlive: boolean,
  ): void {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[format] };
    if (refusal.retryAfterMs !== undefined)
      headers['retry-after'] = String(retryAfterSeconds(refusal.retryAfterMs));
    this.send(
      res,
      refusal.httpStatus,
      headers,
      statusBody(refusal, format),
      keepAlive && bodyIsDone(req, this.o.config),
    );
  }

  private sendText(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    text: string,
    keepAlive: boolean,
  ): void {
    const headers = { 'content-type': 'text/plain; charset=utf-8' };
    this.send(res, status, headers, Buffer.from(text), keepAlive && bodyIsDone(req, this.o.config));
  }

  private send(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer,
    keepAlive: boolean,
  ): void {
    if (res.headersSent || res.destroyed) return;
    // While shutting down, every answer closes its connection so the server can finish.
    if (!keepAlive || this.closing) headers.connection = 'close';
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  }
}

/** Content-Type → body format ("application/json; charset=utf-8" counts as JSON). */
function formatOf(contentType: string | undefined): BodyFormat | undefined {
  const t = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (t === 'application/x-protobuf') return 'proto';
  if (t === 'application/json') return 'json';
  return undefined;
}

/**
 * Whether the connection may be kept after answering without reading the body: true when the
 * body was read, or when it is small enough (declared, ≤ the limit) for Node to discard it.
 * A chunked or oversized body would make the server read unbounded data, so it closes instead.
 */
function bodyIsDone(req: IncomingMessage, config: HttpConfig): boolean {
  if (req.complete) return true;
  // Neither Content-Length nor Transfer-Encoding: the request has no body (RFC 9112 §6.3).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    return true;
  const declared = Number(req.headers['content-length'] ?? NaN);
  return Number.isFinite(declared) && declared <= config.max_request_body_size;
}

function early(reason: string, httpStatus: number, grpcCode: number, message: string): Refusal {
  return { reason, httpStatus, grpcCode, message, expected: true };
}

/** Request headers as ConsumeContext.metadata: names lower-cased (Node does), repeats joined. */
function headerMetadata(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
