// Puts one OTLP/HTTP request on the wire and classifies the answer as the OTLP specification
// says: 2xx delivered (possibly with a partial-success rejection count), 429/502/503/504 and
// network errors retryable (honouring Retry-After), every other status permanent — its body,
// a google.rpc.Status, is read for the message.
//
// With `encoding: json` the queued protobuf is decoded and re-encoded as OTLP/JSON at send time:
// the queue always holds protobuf (the persistent queue's format does not depend on this option),
// and JSON is rare enough in production that the extra decode is not worth a second format.
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { gzip as gzipCb } from 'node:zlib';
import {
  decodeExportResponse,
  decodeRequest,
  decodeRpcStatus,
  encodeJsonRequest,
} from '../../../codecs/otlp/index.ts';
import type { Signal } from '../../../model/common.ts';
import type { Authenticator } from '../../../pipeline/component.ts';
import type { SendRequest, SendResult } from '../../../exporterhelper/types.ts';
import type { ClientTlsMaterial } from '../../../exporterhelper/tls-files.ts';
import { VERSION } from '../../../version.ts';
import type { OtlpHttpExporterConfig } from './config.ts';
import { parseRetryAfter } from './retry-after.ts';
import { http, https, util } from '../../../util/lean-require.ts';

const gzip = util.promisify(gzipCb);

/** Response bodies beyond this are cut: only a status message or a partial-success count matters. */
const MAX_RESPONSE_BYTES = 1 << 20;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export class OtlpHttpSender {
  private readonly config: OtlpHttpExporterConfig;
  private readonly urls: Partial<Record<Signal, URL>>;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent | undefined;
  private readonly auth: Authenticator | undefined;

  constructor(
    config: OtlpHttpExporterConfig,
    urls: Partial<Record<Signal, URL>>,
    tls: ClientTlsMaterial,
    auth: Authenticator | undefined,
  ) {
    this.config = config;
    this.urls = urls;
    this.auth = auth;
    const pool = {
      keepAlive: !config.disable_keep_alives,
      maxFreeSockets: config.max_idle_conns || 1,
      maxSockets: config.max_conns_per_host || Infinity,
      // On an idle pooled socket this is the idle timeout (idle_conn_timeout).
      timeout: config.idle_conn_timeout,
    };
    this.httpAgent = new http.Agent(pool);
    // TLS (node:https) is loaded only when an endpoint needs it.
    const anyHttps = Object.values(urls).some((u) => u.protocol === 'https:');
    this.httpsAgent = anyHttps
      ? new (https().Agent)({
          ...pool,
          ...tls,
          rejectUnauthorized: !config.tls.insecure_skip_verify,
          minVersion: config.tls.min_version === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
          ...(config.tls.server_name_override ? { servername: config.tls.server_name_override } : {}),
        })
      : undefined;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent?.destroy();
  }

  send = async (req: SendRequest, abort: AbortSignal): Promise<SendResult> => {
    const url = this.urls[req.signal];
    if (!url) return { kind: 'permanent', message: `no endpoint configured for ${req.signal}` };
    const json = this.config.encoding === 'json';
    let body: Uint8Array;
    try {
      body = json ? toJson(req.signal, req.payload) : req.payload;
    } catch (e) {
      // Only a queue holding something other than an OTLP request gets here; retrying cannot help.
      return {
        kind: 'permanent',
        message: `cannot re-encode the queued request as JSON: ${(e as Error).message}`,
      };
    }
    const headers: Record<string, string> = {
      ...this.config.headers,
      ...this.auth?.clientHeaders(),
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      'user-agent': `WatchingCat/${VERSION}`,
    };
    // The same on every attempt at this request, also after a restart (see QueueItem.id).
    if (req.id) headers['idempotency-key'] = `"${req.id}"`;
    if (this.config.compression === 'gzip') {
      body = await gzip(body);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.byteLength);
    let res: RawResponse;
    try {
      res = await this.post(url, headers, body, abort);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const message = abort.aborted
        ? `request aborted: ${String((abort.reason as Error | undefined)?.message ?? abort.reason)}`
        : `${err.code ?? 'network error'}: ${err.message}`;
      return { kind: 'retryable', message };
    }
    return this.classify(req.signal, res);
  };

  private classify(signal: Signal, res: RawResponse): SendResult {
    const isJson = (res.contentType ?? '').toLowerCase().startsWith('application/json');
    if (res.status >= 200 && res.status < 300) {
      if (res.body.length === 0) return { kind: 'ok' };
      try {
        const r = decodeExportResponse(signal, res.body, isJson ? 'json' : 'proto');
        return { kind: 'ok', rejected: r.rejected, ...(r.errorMessage ? { message: r.errorMessage } : {}) };
      } catch (e) {
        // The data was accepted (2xx); an unreadable body must not cause a duplicate by retrying.
        return { kind: 'ok', message: `unreadable response body: ${(e as Error).message}` };
      }
    }
    const detail = statusMessage(res.body, isJson ? 'json' : isProto(res.contentType) ? 'proto' : 'text');
    const message = `HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
    if (RETRYABLE_STATUS.has(res.status)) {
      const retryAfterMs = parseRetryAfter(res.retryAfter);
      return { kind: 'retryable', message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { kind: 'permanent', message };
  }

  private post(
    url: URL,
    headers: Record<string, string>,
    body: Uint8Array,
    abort: AbortSignal,
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const https_ = url.protocol === 'https:';
      const req = (https_ ? https() : http).request(
        url,
        { method: 'POST', headers, agent: https_ ? this.httpsAgent : this.httpAgent, signal: abort },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) chunks.push(c);
            size += c.length;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              retryAfter: res.headers['retry-after'],
              body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

interface RawResponse {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: Buffer;
}

function toJson(signal: Signal, payload: Uint8Array): Uint8Array {
  const encoded: string | Uint8Array = encodeJsonRequest(signal, decodeRequest(signal, payload));
  return typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded;
}

function isProto(contentType: string | undefined): boolean {
  const t = (contentType ?? '').toLowerCase();
  return t.startsWith('application/x-protobuf') || t.startsWith('application/protobuf');
}

/** The message of a google.rpc.Status body (protobuf or JSON), else the body as text. */
function statusMessage(body: Buffer, kind: 'json' | 'proto' | 'text'): string {
  if (body.length === 0) return '';
  if (kind === 'json') {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // fall through to the raw text
    }
  } else if (kind === 'proto') {
    try {
      const st = decodeRpcStatus(body);
      if (st.message) return st.message;
    } catch {
      // not a Status: fall through to the raw text
    }
  }
  return body.toString('utf8', 0, Math.min(body.length, 512)).trim();
}
