// A small Kubernetes API client for the hot path: GET, paginated LIST and streaming WATCH (and
// the two writes leader election needs: POST a new object, PUT a replacement), on
// node:http/node:https with one keep-alive agent. The generated API classes are not used here —
// they buffer, re-serialise and allocate per call; an informer needs little more than
// "GET this path with these query parameters, parse JSON".
//
// Contracts:
//   - Paths are API paths ("/api/v1/pods", "/apis/apps/v1/namespaces/x/deployments"); a server
//     URL with a path prefix (e.g. a proxy's "/k8s/clusters/c-1") is prepended.
//   - Non-2xx answers become `KubeApiError {code, reason, message}`, read from the metav1.Status
//     body when there is one (reason '' when the body is not a Status).
//   - 401: the connection's credentials are invalidated (token files re-read, exec plugins re-run)
//     and the request is retried exactly once.
//   - watch() resolves when the server ends the stream cleanly (its timeoutSeconds elapsed, or it
//     closed), and rejects on a transport error, a truncated stream, a line over `maxLineBytes`,
//     or an ERROR event (as KubeApiError — 410 Expired/Gone is how "resourceVersion too old" arrives).
//   - create()/replace() send JSON (POST/PUT) and return the stored object; a PUT carrying
//     metadata.resourceVersion is refused with 409 Conflict when the object has changed since —
//     optimistic concurrency, the only write the product makes (coordination.k8s.io Leases).
//   - Every buffer is bounded: response bodies by `maxBodyBytes` (error bodies by 64 KiB), watch
//     lines by `maxLineBytes`.
//   - node:http/node:https come through util/lean-require (CommonJS loading keeps an idle agent
//     smaller; https, hence TLS, loads only for an https server).
//   - TLS material is passed per request, not on the agent: Node's agent keys pooled sockets by
//     it, so a rotated client certificate from an exec plugin gets a fresh connection.
import type http from 'node:http';
import type https from 'node:https';
import { http as httpModule, https as httpsModule } from '../util/lean-require.ts';
import type { KubeConnection } from './config.ts';
import { LineSplitter, LineTooLongError } from './ndjson.ts';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** After the server-side watch timeout, how long we wait before declaring the stream dead. */
const WATCH_DEADLINE_GRACE_MS = 30_000;

/** An HTTP error from the API server, with the metav1.Status reason (e.g. 'Expired', 'NotFound'). */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  /** Seconds from Retry-After or status.details.retryAfterSeconds, if given. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: number, reason: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The stream broke the watch protocol: malformed or oversized line, unknown event, cut mid-event. */
export class KubeProtocolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeProtocolError';
  }
}

/** 410 Gone / reason Expired: the requested resourceVersion (or continue token) is too old. */
export function isGone(err: unknown): boolean {
  return (
    err instanceof KubeApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')
  );
}

/**
 * "Too large resource version": the server (or its watch cache) has not reached the requested
 * resourceVersion — e.g. after an API server or etcd restore. Waiting may help once; client-go
 * relists from the server's current state, and so do we.
 */
export function isTooLargeResourceVersion(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 504 && /too large resource version/i.test(err.message);
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutSeconds?: number;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ListResult<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface WatchOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Asks the server to end the watch cleanly after this long (we add a client deadline on top). */
  timeoutSeconds?: number;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface KubeClientOptions {
  userAgent?: string;
  /** Cap for one watch event line. Default 16 MiB (etcd's object limit is ~1.5 MiB). */
  maxLineBytes?: number;
  /** Cap for a GET/LIST response body. Default 512 MiB. */
  maxBodyBytes?: number;
  /** Timeout for GET/LIST (whole response). Default 60 s. */
  requestTimeoutMs?: number;
  /**
   * Pooled connections per host for GET/LIST. Default 16. Watches do not count against it: each
   * open watch holds its own connection for its lifetime (HTTP/1.1 cannot multiplex), so a
   * cap shared with watches would starve lists once that many watches were open.
   */
  maxSockets?: number;
}

export interface KubeClient {
  readonly server: string;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  list<T>(path: string, opts?: ListOptions, signal?: AbortSignal): Promise<ListResult<T>>;
  watch<T>(
    path: string,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** POST `body` to a collection path; resolves with the created object. */
  create<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  /** PUT `body` to an object path; resolves with the stored object (409 Conflict on a stale resourceVersion). */
  replace<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  /** Closes pooled connections. Requests in flight are not aborted (use their signals). */
  close(): void;
}

export function createKubeClient(conn: KubeConnection, opts: KubeClientOptions = {}): KubeClient {
  return new HttpKubeClient(conn, opts);
}

class HttpKubeClient implements KubeClient {
  readonly server: string;
  private readonly conn: KubeConnection;
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  private readonly secure: boolean;
  private readonly agent: http.Agent;
  /** Watches' own connections, uncapped (see KubeClientOptions.maxSockets). */
  private readonly watchAgent: http.Agent;
  private readonly userAgent: string;
  private readonly maxLineBytes: number;
  private readonly maxBodyBytes: number;
  private readonly requestTimeoutMs: number;

  constructor(conn: KubeConnection, opts: KubeClientOptions) {
    this.conn = conn;
    this.server = conn.server;
    this.base = new URL(conn.server);
    const secure = this.base.protocol === 'https:';
    if (!secure && this.base.protocol !== 'http:') throw new Error(`unsupported server URL ${conn.server}`);
    this.secure = secure;
    this.transport = secure ? httpsModule() : httpModule;
    const agentOpts = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: opts.maxSockets ?? 16 };
    this.agent = secure ? new (httpsModule().Agent)(agentOpts) : new httpModule.Agent(agentOpts);
    const watchOpts = { keepAlive: true, keepAliveMsecs: 30_000 };
    this.watchAgent = secure ? new (httpsModule().Agent)(watchOpts) : new httpModule.Agent(watchOpts);
    this.userAgent = opts.userAgent ?? 'watchingcat';
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.getJson<T>(path, undefined, signal);
  }

  async list<T>(path: string, opts: ListOptions = {}, signal?: AbortSignal): Promise<ListResult<T>> {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    if (opts.limit !== undefined && opts.limit > 0) q.set('limit', String(opts.limit));
    if (opts.continue) q.set('continue', opts.continue);
    if (opts.resourceVersion !== undefined) q.set('resourceVersion', opts.resourceVersion);
    if (opts.resourceVersionMatch) q.set('resourceVersionMatch', opts.resourceVersionMatch);
    if (opts.timeoutSeconds !== undefined) q.set('timeoutSeconds', String(opts.timeoutSeconds));
    const body = await this.getJson<ListResult<T>>(path, q, signal);
    if (!body || typeof body !== 'object' || !Array.isArray(body.items)) {
      throw new Error(`GET ${path}: response is not a list`);
    }
    body.metadata ??= {};
    return body;
  }

  async watch<T>(
    path: string,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const q = new URLSearchParams({ watch: 'true' });
    if (opts.resourceVersion !== undefined) q.set('resourceVersion', opts.resourceVersion);
    if (opts.allowWatchBookmarks) q.set('allowWatchBookmarks', 'true');
    if (opts.timeoutSeconds !== undefined) q.set('timeoutSeconds', String(opts.timeoutSeconds));
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const deadlineMs =
      opts.timeoutSeconds !== undefined ? opts.timeoutSeconds * 1000 + WATCH_DEADLINE_GRACE_MS : undefined;
    const res = await this.open(path, q, signal, deadlineMs, this.watchAgent);
    const splitter = new LineSplitter(this.maxLineBytes);
    const handleLine = (line: string, atEnd = false): void => {
      let ev: { type?: string; object?: unknown };
      try {
        ev = JSON.parse(line) as typeof ev;
      } catch {
        throw new KubeProtocolError(
          atEnd
            ? `watch ${path}: stream ended mid-event`
            : `watch ${path}: malformed event line (${line.length} chars)`,
        );
      }
      if (ev.type === 'ERROR') throw statusError(ev.object, 500);
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') {
        throw new KubeProtocolError(`watch ${path}: unknown event type ${String(ev.type)}`);
      }
      if (!ev.object || typeof ev.object !== 'object')
        throw new KubeProtocolError(`watch ${path}: event without object`);
      onEvent(ev as WatchEvent<T>);
    };
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const fail = (err: Error): void => {
        if (done) return;
        done = true;
        res.destroy();
        reject(err);
      };
      const onLine = (line: string): void => handleLine(line);
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        try {
          splitter.push(chunk, onLine);
        } catch (err) {
          fail(
            err instanceof LineTooLongError
              ? new KubeProtocolError(`watch ${path}: ${err.message}`)
              : (err as Error),
          );
        }
      });
      res.on('end', () => {
        if (done) return;
        try {
          const tail = splitter.finish();
          if (tail !== undefined) handleLine(tail, true); // a last event without '\n' may still be whole
        } catch (err) {
          fail(err as Error);
          return;
        }
        done = true;
        resolve();
      });
      res.on('error', (err) => fail(abortReason(signal) ?? err));
      res.on('close', () => {
        if (!done) fail(abortReason(signal) ?? new Error(`watch ${path}: connection closed mid-stream`));
      });
    });
  }

  async create<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.write<T>('POST', path, body, signal);
  }

  async replace<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.write<T>('PUT', path, body, signal);
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  // -------------------------------------------------------------------------------------------

  private async getJson<T>(path: string, q: URLSearchParams | undefined, signal?: AbortSignal): Promise<T> {
    const res = await this.open(path, q, signal, this.requestTimeoutMs);
    const text = await readBody(res, this.maxBodyBytes, `GET ${path}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`GET ${path}: response is not JSON (${text.length} chars)`);
    }
  }

  private async write<T>(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const res = await this.open(path, undefined, signal, this.requestTimeoutMs, this.agent, {
      method,
      body: payload,
    });
    const text = await readBody(res, this.maxBodyBytes, `${method} ${path}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} ${path}: response is not JSON (${text.length} chars)`);
    }
  }

  /** Sends a request (GET unless `write` says) and returns the 2xx response; non-2xx become KubeApiError (401 retried once). */
  private async open(
    path: string,
    q: URLSearchParams | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    agent: http.Agent = this.agent,
    write?: { method: 'POST' | 'PUT'; body: Buffer },
  ): Promise<http.IncomingMessage> {
    const method = write?.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(path, q, signal, timeoutMs, agent, write);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const text = await readBody(res, MAX_ERROR_BODY_BYTES, `${method} ${path}`, true).catch(() => '');
      const err = errorFromResponse(status, text, res.headers['retry-after']);
      if (status === 401 && attempt === 0) {
        this.conn.invalidate();
        continue;
      }
      throw err;
    }
  }

  private async send(
    path: string,
    q: URLSearchParams | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    agent: http.Agent,
    write?: { method: 'POST' | 'PUT'; body: Buffer },
  ): Promise<http.IncomingMessage> {
    signal?.throwIfAborted();
    const method = write?.method ?? 'GET';
    const creds = await this.conn.credentials();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
      ...this.conn.headers,
    };
    if (creds.authorization) headers.Authorization = creds.authorization;
    if (write) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(write.body.length);
    }
    const tls = this.conn.tls;
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const qs = q && q.size > 0 ? `?${q.toString()}` : '';
    const reqOpts: https.RequestOptions = {
      method,
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.base.port || undefined,
      path: `${prefix}${path}${qs}`,
      headers,
      agent,
      signal,
    };
    if (this.secure) {
      reqOpts.rejectUnauthorized = tls.rejectUnauthorized;
      if (tls.ca) reqOpts.ca = tls.ca;
      if (tls.servername) reqOpts.servername = tls.servername;
      const cert = creds.cert ?? tls.cert;
      const key = creds.cert ? creds.key : tls.key;
      if (cert) reqOpts.cert = cert;
      if (key) reqOpts.key = key;
    }
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      let timer: NodeJS.Timeout | undefined;
      const req = this.transport.request(reqOpts, (res) => {
        response = res;
        // The deadline also covers reading the body (or, for a watch, the whole stream).
        if (timer) res.once('close', () => clearTimeout(timer));
        resolve(res);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const err = new Error(`${method} ${path}: not complete within ${timeoutMs} ms`);
          if (response) response.destroy(err);
          else req.destroy(err);
        }, timeoutMs);
        timer.unref();
      }
      req.on('error', (err) => {
        if (!response) clearTimeout(timer);
        reject(abortReason(signal) ?? err);
      });
      req.end(write?.body);
    });
  }
}

function abortReason(signal: AbortSignal | undefined): Error | undefined {
  if (!signal?.aborted) return undefined;
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error('aborted');
}

/** Reads a response body up to `max` bytes; beyond it throws (or, for error bodies, truncates). */
function readBody(res: http.IncomingMessage, max: number, what: string, truncate = false): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    let done = false;
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      if (n + chunk.length > max) {
        if (truncate) {
          parts.push(chunk.subarray(0, max - n));
          n = max;
          done = true;
          res.destroy();
          resolve(Buffer.concat(parts, n).toString('utf8'));
          return;
        }
        done = true;
        res.destroy();
        reject(new Error(`${what}: response body exceeds ${max} bytes`));
        return;
      }
      parts.push(chunk);
      n += chunk.length;
    });
    res.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(parts, n).toString('utf8'));
    });
    res.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
    res.on('close', () => {
      if (done) return;
      done = true;
      reject(new Error(`${what}: connection closed before the response was complete`));
    });
  });
}

interface StatusBody {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
}

/** Builds a KubeApiError from a metav1.Status (as found in error bodies and watch ERROR events). */
export function statusError(obj: unknown, fallbackCode: number, retryAfter?: number): KubeApiError {
  const s = (obj && typeof obj === 'object' ? obj : {}) as StatusBody;
  const code = typeof s.code === 'number' && s.code > 0 ? s.code : fallbackCode;
  const reason = typeof s.reason === 'string' ? s.reason : '';
  const message = typeof s.message === 'string' && s.message !== '' ? s.message : `HTTP ${code}`;
  const ra =
    retryAfter ??
    (typeof s.details?.retryAfterSeconds === 'number' ? s.details.retryAfterSeconds : undefined);
  return new KubeApiError(code, reason, message, ra);
}

function errorFromResponse(status: number, text: string, retryAfterHeader: string | undefined): KubeApiError {
  const ra =
    retryAfterHeader !== undefined && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && (body as StatusBody).kind === 'Status') {
    const e = statusError(body, status, ra);
    // The HTTP status is authoritative for the code; the Status body carries reason and message.
    return e.code === status ? e : new KubeApiError(status, e.reason, e.message, e.retryAfterSeconds);
  }
  const snippet = text.trim().slice(0, 200);
  return new KubeApiError(status, '', snippet !== '' ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`, ra);
}
