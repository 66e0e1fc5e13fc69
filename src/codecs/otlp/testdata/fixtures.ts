// Rich OTLP payloads for codec tests, fuzzing and benchmarks (reusable by other components'
// tests). Every builder returns fresh objects, so callers may mutate them.
//
// tracesFixture / metricsFixture / logsFixture: every field of every message set at least once,
// every AnyValue kind, all five metric types, edge values (int64 extremes, −0, NaN, ±Infinity,
// non-ASCII and long strings, empty strings and values), several resource and scope groups, and
// "all defaults" items next to rich ones.
//
// realisticTraces(n) / realisticLogs(n) / realisticMetrics(n): benchmark-shaped payloads (n
// items with ~10 HTTP-ish attributes each, deterministic).
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../../model/common.ts';
import type { LogRecord, LogsData } from '../../../model/logs.ts';
import type { Exemplar, MetricsData } from '../../../model/metrics.ts';
import type { Span, TracesData } from '../../../model/traces.ts';

/** Deterministic bytes: n of them, varied by seed. */
export function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + 1) & 0xff);
}

/** One of every AnyValue kind, with edge values. */
export function everyValue(): AnyValue[] {
  return [
    { stringValue: 'plain' },
    { stringValue: '' },
    { stringValue: 'ünïcödé ✓ 日本語 — emoji 🐈 (a surrogate pair)' },
    { stringValue: 'a longer ASCII string that is past every short-string fast path: '.repeat(3) },
    { boolValue: true },
    { boolValue: false },
    { intValue: 0 },
    { intValue: -1 },
    { intValue: 127 },
    { intValue: 128 },
    { intValue: 2 ** 31 },
    { intValue: Number.MAX_SAFE_INTEGER },
    { intValue: Number.MIN_SAFE_INTEGER },
    { intValue: 9223372036854775807n },
    { intValue: -9223372036854775808n },
    { intValue: 9007199254740993n },
    { doubleValue: 3.25 },
    { doubleValue: 0 },
    { doubleValue: -0 },
    { doubleValue: NaN },
    { doubleValue: Infinity },
    { doubleValue: -Infinity },
    { doubleValue: 5e-324 },
    { bytesValue: bytes(5, 7) },
    { bytesValue: new Uint8Array(0) },
    { bytesValue: bytes(300, 3) },
    {
      arrayValue: {
        values: [{ stringValue: 'a' }, { intValue: 2 }, {}, { arrayValue: { values: [{ boolValue: true }] } }],
      },
    },
    { arrayValue: { values: [] } },
    {
      kvlistValue: {
        values: [
          { key: 'nested', value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 1.5 } }] } } },
          { key: '', value: {} },
          { key: 'b', value: { bytesValue: bytes(3, 1) } },
        ],
      },
    },
    { kvlistValue: { values: [] } },
    {},
  ];
}

/** One attribute per AnyValue kind, keys `<prefix>.<i>`. */
export function attrs(prefix: string, count?: number): KeyValue[] {
  return everyValue()
    .slice(0, count)
    .map((value, i) => ({ key: `${prefix}.${i}`, value }));
}

function resource(): Resource {
  return {
    attributes: [
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'k8s.pod.name', value: { stringValue: 'checkout-7d9f8-abc' } },
      // Lengths around the encoder's and decoder's fast-path limits, long and non-ASCII keys.
      { key: 'len.60', value: { stringValue: 'x'.repeat(60) } },
      { key: 'len.61', value: { stringValue: 'x'.repeat(61) } },
      { key: 'len.126', value: { stringValue: 'y'.repeat(126) } },
      { key: 'k'.repeat(300), value: { stringValue: 'long key' } },
      { key: 'clé.ünïcode', value: { stringValue: 'é' } },
      ...attrs('res'),
    ],
    droppedAttributesCount: 2,
  };
}

function scope(): InstrumentationScope {
  return { name: 'io.test', version: '1.0', attributes: attrs('scope', 3), droppedAttributesCount: 1 };
}

const emptyResource = (): Resource => ({ attributes: [], droppedAttributesCount: 0 });
const emptyScope = (): InstrumentationScope => ({ name: '', version: '', attributes: [], droppedAttributesCount: 0 });

/** A span with every field at its default (what an all-empty protobuf message decodes to). */
/** A log record with a string body and protobuf defaults elsewhere (observed = time unless given). */
export function textLog(
  time: bigint,
  body: string,
  severityNumber: number,
  extra: Partial<LogRecord> = {},
): LogRecord {
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber,
    severityText: '',
    body: { stringValue: body },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    eventName: '',
    ...extra,
  };
}

export function defaultSpan(): Span {
  return {
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
}

export function tracesFixture(): TracesData {
  const rich: Span = {
    traceId: bytes(16, 1),
    spanId: bytes(8, 2),
    traceState: 'vendor=abc,other=x',
    parentSpanId: bytes(8, 3),
    flags: 0x301,
    name: 'GET /items/{id}',
    kind: 2,
    startTimeUnixNano: 1_700_000_000_123_456_789n,
    endTimeUnixNano: 18_446_744_073_709_551_615n, // the largest fixed64
    attributes: attrs('span'),
    droppedAttributesCount: 3,
    events: [
      {
        timeUnixNano: 1_700_000_000_200_000_000n,
        name: 'retry',
        attributes: attrs('ev', 4),
        droppedAttributesCount: 1,
      },
      { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 4,
    links: [
      {
        traceId: bytes(16, 9),
        spanId: bytes(8, 10),
        traceState: 'x=y',
        attributes: attrs('link', 2),
        droppedAttributesCount: 7,
        flags: 0x100,
      },
      {
        traceId: new Uint8Array(0),
        spanId: new Uint8Array(0),
        traceState: '',
        attributes: [],
        droppedAttributesCount: 0,
        flags: 0,
      },
    ],
    droppedLinksCount: 5,
    status: { code: 2, message: 'boom — failed' },
  };
  const client: Span = {
    ...defaultSpan(),
    traceId: bytes(16, 1),
    spanId: bytes(8, 4),
    parentSpanId: bytes(8, 2),
    name: 'SELECT',
    kind: 3,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    status: { code: 1, message: '' },
    flags: 0xffffffff,
    droppedAttributesCount: 0xffffffff,
  };
  return {
    resourceSpans: [
      {
        resource: resource(),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          { scope: scope(), schemaUrl: 'https://opentelemetry.io/schemas/1.25.0', spans: [rich, client] },
          { scope: emptyScope(), schemaUrl: '', spans: [defaultSpan()] },
          { scope: { ...emptyScope(), name: 'no-spans' }, schemaUrl: '', spans: [] },
        ],
      },
      { resource: emptyResource(), schemaUrl: '', scopeSpans: [] },
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: emptyScope(), schemaUrl: '', spans: [{ ...defaultSpan(), name: 'only-name' }] }],
      },
    ],
  };
}

export function logsFixture(): LogsData {
  const records: LogRecord[] = everyValue().map((body, i) => ({
    timeUnixNano: BigInt(1_700_000_000_000_000_000 + i),
    observedTimeUnixNano: i % 3 === 0 ? 0n : 1_700_000_000_500_000_000n,
    severityNumber: i % 25,
    severityText: ['', 'INFO', 'WARN', 'ERROR'][i % 4]!,
    body,
    attributes: attrs('log', i % 6),
    droppedAttributesCount: i % 3,
    flags: i % 2,
    traceId: i % 2 ? bytes(16, i) : new Uint8Array(0),
    spanId: i % 2 ? bytes(8, i) : new Uint8Array(0),
    eventName: i % 5 === 0 ? `app.event.${i}` : '',
  }));
  return {
    resourceLogs: [
      {
        resource: resource(),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeLogs: [
          { scope: scope(), schemaUrl: 'https://opentelemetry.io/schemas/1.26.0', logRecords: records },
          {
            scope: emptyScope(),
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 0n,
                observedTimeUnixNano: 0n,
                severityNumber: 0,
                severityText: '',
                body: {},
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: new Uint8Array(0),
                spanId: new Uint8Array(0),
                eventName: '',
              },
            ],
          },
        ],
      },
      { resource: emptyResource(), schemaUrl: '', scopeLogs: [] },
    ],
  };
}

export function metricsFixture(): MetricsData {
  const t0 = 1_700_000_000_000_000_000n;
  const t1 = 1_700_000_060_000_000_000n;
  const exemplars = (): Exemplar[] => [
    { filteredAttributes: attrs('ex', 2), timeUnixNano: t1, asDouble: 1.5, spanId: bytes(8, 1), traceId: bytes(16, 1) },
    { filteredAttributes: [], timeUnixNano: t1, asInt: -7, spanId: new Uint8Array(0), traceId: new Uint8Array(0) },
    { filteredAttributes: [], timeUnixNano: 0n, asInt: 9007199254740993n, spanId: bytes(8, 2), traceId: bytes(16, 2) },
    { filteredAttributes: [], timeUnixNano: 0n, asDouble: 0, spanId: new Uint8Array(0), traceId: new Uint8Array(0) },
    { filteredAttributes: [], timeUnixNano: 0n, spanId: new Uint8Array(0), traceId: new Uint8Array(0) },
  ];
  return {
    resourceMetrics: [
      {
        resource: resource(),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeMetrics: [
          {
            scope: scope(),
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            metrics: [
              {
                name: 'g',
                description: 'a gauge',
                unit: '1',
                metadata: attrs('meta', 2),
                data: {
                  type: 'gauge',
                  dataPoints: [
                    {
                      attributes: attrs('p', 3),
                      startTimeUnixNano: 0n,
                      timeUnixNano: t1,
                      asDouble: 0.75,
                      exemplars: exemplars(),
                      flags: 1,
                    },
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t1, asDouble: 0, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t1, asDouble: -0, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t1, asDouble: NaN, exemplars: [], flags: 0 },
                    // No value (a "no recorded value" point).
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t1, exemplars: [], flags: 1 },
                  ],
                },
              },
              {
                name: 's',
                description: '',
                unit: 'By',
                metadata: [],
                data: {
                  type: 'sum',
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asInt: 42, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asInt: 0, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asInt: -5, exemplars: [], flags: 0 },
                    {
                      attributes: [],
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      asInt: -9223372036854775808n,
                      exemplars: [],
                      flags: 0,
                    },
                  ],
                },
              },
              {
                name: 'updown',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'sum',
                  aggregationTemporality: 1,
                  isMonotonic: false,
                  dataPoints: [{ attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asDouble: -2.5, exemplars: [], flags: 0 }],
                },
              },
              {
                name: 'h',
                description: 'latency',
                unit: 'ms',
                metadata: [],
                data: {
                  type: 'histogram',
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: attrs('h', 2),
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 10,
                      sum: 123.5,
                      bucketCounts: [1, 2, 3, 4],
                      explicitBounds: [1, 5, 10],
                      exemplars: exemplars().slice(0, 2),
                      flags: 0,
                      min: 0.5,
                      max: 99,
                    },
                    // No sum/min/max (optional fields absent), zero sum present elsewhere.
                    {
                      attributes: [],
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 0,
                      bucketCounts: [],
                      explicitBounds: [],
                      exemplars: [],
                      flags: 1,
                    },
                    {
                      attributes: [],
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 2 ** 40,
                      sum: 0,
                      bucketCounts: [2 ** 40],
                      explicitBounds: [],
                      exemplars: [],
                      flags: 0,
                      min: -Infinity,
                    },
                  ],
                },
              },
              {
                name: 'e',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'exponentialHistogram',
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      attributes: attrs('x', 1),
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 312,
                      sum: 40,
                      scale: -2,
                      zeroCount: 1,
                      positive: { offset: -3, bucketCounts: [1, 0, 300, 2 ** 35] },
                      negative: { offset: 2, bucketCounts: [5] },
                      flags: 0,
                      exemplars: exemplars().slice(1, 3),
                      min: -4,
                      max: 30,
                      zeroThreshold: 0.001,
                    },
                    {
                      attributes: [],
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 0,
                      scale: 20,
                      zeroCount: 0,
                      positive: { offset: 0, bucketCounts: [] },
                      negative: { offset: -2147483648, bucketCounts: [] },
                      flags: 0,
                      exemplars: [],
                      zeroThreshold: 0,
                    },
                  ],
                },
              },
              {
                name: 'q',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'summary',
                  dataPoints: [
                    {
                      attributes: attrs('q', 1),
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 3,
                      sum: 7.5,
                      quantileValues: [
                        { quantile: 0, value: 1 },
                        { quantile: 0.5, value: 2 },
                        { quantile: 1, value: 0 },
                      ],
                      flags: 0,
                    },
                  ],
                },
              },
              { name: 'no-points', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [] } },
              { name: 'empty', description: '', unit: '', metadata: [], data: null },
            ],
          },
          { scope: emptyScope(), schemaUrl: '', metrics: [] },
        ],
      },
    ],
  };
}

// ---- benchmark-shaped payloads -------------------------------------------------------------

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: v } });

function httpAttributes(i: number): KeyValue[] {
  return [
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
}

const benchResource = (): Resource => ({
  attributes: [
    str('service.name', 'checkout'),
    str('k8s.namespace.name', 'shop'),
    str('k8s.pod.name', 'checkout-7d9f8-abc'),
    str('host.name', 'node-1'),
  ],
  droppedAttributesCount: 0,
});
const benchScope = (): InstrumentationScope => ({
  name: 'io.opentelemetry.http',
  version: '1.0.0',
  attributes: [],
  droppedAttributesCount: 0,
});

/** `n` server spans with 10 attributes and one event each (ids derived from the index). */
export function realisticTraces(n: number): TracesData {
  const t = 1_700_000_000_000_000_000n;
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) {
    spans.push({
      traceId: bytes(16, i),
      spanId: bytes(8, i + 1),
      traceState: '',
      parentSpanId: bytes(8, i + 2),
      flags: 0x101,
      name: 'GET /api/items/{id}',
      kind: 2,
      startTimeUnixNano: t + BigInt(i) * 1000n,
      endTimeUnixNano: t + BigInt(i) * 1000n + 1_500_000n,
      attributes: httpAttributes(i),
      droppedAttributesCount: 0,
      events: [
        {
          timeUnixNano: t + BigInt(i) * 1000n + 500_000n,
          name: 'cache.miss',
          attributes: [str('cache.key', `item:${i}`)],
          droppedAttributesCount: 0,
        },
      ],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: i % 50 === 0 ? 2 : 0, message: i % 50 === 0 ? 'upstream timeout' : '' },
    });
  }
  return { resourceSpans: [{ resource: benchResource(), schemaUrl: '', scopeSpans: [{ scope: benchScope(), schemaUrl: '', spans }] }] };
}

/** `n` log records with 10 attributes and a string body each. */
export function realisticLogs(n: number): LogsData {
  const t = 1_700_000_000_000_000_000n;
  const logRecords: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    logRecords.push({
      timeUnixNano: t + BigInt(i),
      observedTimeUnixNano: t + BigInt(i) + 1000n,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `GET /api/items/${i} 200 1.5ms user=u${i} served from cache` },
      attributes: httpAttributes(i),
      droppedAttributesCount: 0,
      flags: 1,
      traceId: bytes(16, i),
      spanId: bytes(8, i),
      eventName: '',
    });
  }
  return { resourceLogs: [{ resource: benchResource(), schemaUrl: '', scopeLogs: [{ scope: benchScope(), schemaUrl: '', logRecords }] }] };
}

/** One cumulative sum with `n` data points of 10 attributes each. */
export function realisticMetrics(n: number): MetricsData {
  const t = 1_700_000_000_000_000_000n;
  return {
    resourceMetrics: [
      {
        resource: benchResource(),
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: benchScope(),
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
                    attributes: httpAttributes(i),
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
