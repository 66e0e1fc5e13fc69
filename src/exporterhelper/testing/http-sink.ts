// Test support: an OTLP/HTTP destination on 127.0.0.1:0 that decodes requests with our codec,
// records them, and answers as the test scripts it.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { decodeJsonRequest, decodeRequest } from '../../codecs/otlp/index.ts';
import type { Signal } from '../../model/common.ts';
import { itemCount, type SignalData } from '../../model/signal.ts';

export interface SinkRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Bytes as they arrived (possibly gzip). */
  raw: Buffer;
  signal: Signal;
  data: SignalData;
  items: number;
  at: number;
}

export interface SinkAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

const PATHS: Record<string, Signal> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

export class HttpSink {
  /** Every request that reached the sink, answered or not. */
  readonly requests: SinkRequest[] = [];
  /** Requests answered 2xx: what was delivered. */
  readonly delivered: SinkRequest[] = [];
  /** Decides the answer; default 200 with an empty body. */
  answer: (req: SinkRequest) => SinkAnswer = () => ({ status: 200 });
  private server: Server | undefined;
  port = 0;
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  private readonly tls: { cert: Buffer; key: Buffer } | undefined;

  constructor(tls?: { cert: Buffer; key: Buffer }) {
    this.tls = tls;
  }

  async start(port = 0): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        // Any base path: only the /v1/<signal> suffix selects the signal.
        const signal = Object.entries(PATHS).find(([p]) => (req.url ?? '').endsWith(p))?.[1];
        if (!signal) {
          res.writeHead(404).end();
          return;
        }
        let data: SignalData;
        try {
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          data =
            req.headers['content-type'] === 'application/json'
              ? decodeJsonRequest(signal, body.toString('utf8'))
              : decodeRequest(signal, body);
        } catch (e) {
          res.writeHead(400).end(String(e));
          return;
        }
        const r: SinkRequest = {
          path: req.url ?? '',
          headers: req.headers,
          raw,
          signal,
          data,
          items: itemCount(signal, data),
          at: Date.now(),
        };
        this.requests.push(r);
        const a = this.answer(r);
        if (a.status >= 200 && a.status < 300) this.delivered.push(r);
        res.writeHead(a.status, a.headers).end(a.body === undefined ? undefined : Buffer.from(a.body));
      });
    };
    this.server = this.tls ? createTlsServer(this.tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Items delivered per signal. */
  items(signal: Signal): number {
    return this.delivered.filter((r) => r.signal === signal).reduce((a, r) => a + r.items, 0);
  }
}
