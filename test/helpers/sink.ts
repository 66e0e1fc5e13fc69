// An OTLP/HTTP destination for end-to-end tests: decodes what it receives with the product's
// codec and records it. It can be switched "down" (connections refused) and back up on the
// same port, or made to answer slowly.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { decodeRequest } from '../../src/codecs/otlp/index.ts';
import type { Signal } from '../../src/model/common.ts';
import type { SignalData } from '../../src/model/signal.ts';

export class OtlpSink {
  readonly received: { [S in Signal]: SignalData<S>[] } = { traces: [], metrics: [], logs: [] };
  requests = 0;
  /** Delay before answering each request, to simulate a slow destination. */
  delayMs = 0;
  /**
   * Answer a request whose Idempotency-Key was accepted before with 200 and drop it, as the
   * product's own OTLP receiver does (recent-keys.ts); `repeats` counts them.
   */
  honorIdempotencyKey = false;
  repeats = 0;
  private readonly keys = new Set<string>();
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const signal = ({ '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' } as const)[
          req.url ?? ''
        ];
        if (!signal) {
          res.writeHead(404).end();
          return;
        }
        const answer = () => {
          const key = req.headers['idempotency-key'];
          if (this.honorIdempotencyKey && typeof key === 'string' && this.keys.has(key)) {
            this.repeats++;
            res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
            return;
          }
          try {
            const data = decodeRequest(signal, body);
            if (typeof key === 'string') this.keys.add(key);
            (this.received[signal] as SignalData[]).push(data);
            this.requests++;
            res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          } catch (e) {
            res.writeHead(400).end(String(e));
          }
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(port || this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** Stops listening and drops open connections: senders see connection refused. */
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
    return `http://127.0.0.1:${this.port}`;
  }

  spanNames(): string[] {
    return this.received.traces.flatMap((d) =>
      d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name))),
    );
  }
  logBodies(): string[] {
    return this.received.logs.flatMap((d) =>
      d.resourceLogs.flatMap((r) =>
        r.scopeLogs.flatMap((s) =>
          s.logRecords.map((x) => ('stringValue' in x.body ? x.body.stringValue : '')),
        ),
      ),
    );
  }
  metricPoints(): number {
    let n = 0;
    for (const d of this.received.metrics)
      for (const r of d.resourceMetrics)
        for (const s of r.scopeMetrics) for (const m of s.metrics) n += m.data?.dataPoints.length ?? 0;
    return n;
  }
}
