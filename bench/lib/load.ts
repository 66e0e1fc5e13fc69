// Load generation: pre-encoded OTLP/HTTP protobuf requests sent by concurrent keep-alive
// connections, and a destination that only drains bodies (cheap, so the machine's CPU goes to
// the process under test).
import { Agent, createServer, request, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { encodeRequest } from '../../src/codecs/otlp/index.ts';
import type { KeyValue } from '../../src/model/common.ts';
import type { Signal } from '../../src/model/common.ts';
import type { SignalData } from '../../src/model/signal.ts';

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: v } });

const resource = {
  attributes: [
    str('service.name', 'checkout'),
    str('k8s.namespace.name', 'shop'),
    str('k8s.pod.name', 'checkout-7d9f8-abc'),
    str('host.name', 'node-1'),
  ],
  droppedAttributesCount: 0,
};
const scope = { name: 'io.opentelemetry.http', version: '1.0.0', attributes: [], droppedAttributesCount: 0 };
const now = () => BigInt(Date.now()) * 1_000_000n;

/** A realistic request: `n` items with ~10 attributes each. */
export function makeRequest(signal: Signal, n: number): Uint8Array {
  const attrs = (i: number): KeyValue[] => [
    str('http.request.method', 'GET'),
    str('http.route', '/api/items/{id}'),
    int('http.response.status_code', 200),
    str('url.path', `/api/items/${i}`),
    str('server.address', 'checkout.shop.svc.cluster.local'),
    int('server.port', 8080),
    str('network.protocol.version', '1.1'),
    str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64)'),
    str('client.address', `10.0.${i % 256}.${(i * 7) % 256}`),
    int('http.request.body.size', 512 + i),
  ];
  const t = now();
  let data: SignalData;
  if (signal === 'traces') {
    data = {
      resourceSpans: [
        {
          resource,
          schemaUrl: '',
          scopeSpans: [
            {
              scope,
              schemaUrl: '',
              spans: Array.from({ length: n }, (_, i) => ({
                traceId: randomBytes(16),
                spanId: randomBytes(8),
                traceState: '',
                parentSpanId: randomBytes(8),
                flags: 1,
                name: 'GET /api/items/{id}',
                kind: 2,
                startTimeUnixNano: t,
                endTimeUnixNano: t + 1_500_000n,
                attributes: attrs(i),
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 0, message: '' },
              })),
            },
          ],
        },
      ],
    };
  } else if (signal === 'logs') {
    data = {
      resourceLogs: [
        {
          resource,
          schemaUrl: '',
          scopeLogs: [
            {
              scope,
              schemaUrl: '',
              logRecords: Array.from({ length: n }, (_, i) => ({
                timeUnixNano: t,
                observedTimeUnixNano: t,
                severityNumber: 9,
                severityText: 'INFO',
                body: {
                  stringValue: `GET /api/items/${i} 200 1.5ms user=u${i} trace=abc123 served from cache`,
                },
                attributes: attrs(i),
                droppedAttributesCount: 0,
                flags: 0,
                traceId: randomBytes(16),
                spanId: randomBytes(8),
                eventName: '',
              })),
            },
          ],
        },
      ],
    };
  } else {
    data = {
      resourceMetrics: [
        {
          resource,
          schemaUrl: '',
          scopeMetrics: [
            {
              scope,
              schemaUrl: '',
              metrics: [
                {
                  name: 'http.server.request.count',
                  description: 'requests',
                  unit: '{request}',
                  metadata: [],
                  data: {
                    type: 'sum',
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: Array.from({ length: n }, (_, i) => ({
                      attributes: attrs(i),
                      startTimeUnixNano: t - 60_000_000_000n,
                      timeUnixNano: t,
                      asInt: i * 10,
                      exemplars: [],
                      flags: 0,
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    };
  }
  return encodeRequest(signal, data as SignalData<typeof signal>);
}

/** A destination that drains and acknowledges; counts requests and bytes. */
export async function nullSink(): Promise<{
  port: number;
  requests: () => number;
  bytes: () => number;
  close(): Promise<void>;
}> {
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    requests: () => requests,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export interface DriveStats {
  ok: number;
  refused: number;
  failed: number;
}

/**
 * Sends `body` (or, for a function, a body it picks per request) from `concurrency` connections
 * until `stopAt`; counts into `stats` as it goes.
 */
export async function drive(
  port: number,
  path: string,
  bodies: Uint8Array | (() => Uint8Array),
  concurrency: number,
  stopAt: () => boolean,
  stats: DriveStats,
): Promise<DriveStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const pick = typeof bodies === 'function' ? bodies : () => bodies;
  const one = () =>
    new Promise<void>((resolve) => {
      const body = pick();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) stats.ok++;
            else if (res.statusCode === 429 || res.statusCode === 503) stats.refused++;
            else stats.failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        stats.failed++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopAt()) await one();
    }),
  );
  agent.destroy();
  return stats;
}
