// Rich payloads covering every field of every signal, for codec tests and benchmarks.
import type { AnyValue, KeyValue } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { TracesData } from '../../../model/traces.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

export const everyValue: AnyValue[] = [
  { stringValue: 'plain' },
  { stringValue: '' },
  { stringValue: 'ünïcödé ✓ 日本語 — a longer string that is past the short-string fast path' },
  { boolValue: true },
  { boolValue: false },
  { intValue: 0 },
  { intValue: -1 },
  { intValue: 2 ** 53 - 1 },
  { intValue: 9223372036854775807n },
  { intValue: -9223372036854775808n },
  { doubleValue: 3.25 },
  { doubleValue: -0.5 },
  { bytesValue: bytes(5, 7) },
  { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, { arrayValue: { values: [{ boolValue: true }] } }] } },
  { kvlistValue: { values: [{ key: 'nested', value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 1.5 } }] } } }] } },
  {},
];

export const attrs = (prefix: string): KeyValue[] => everyValue.map((value, i) => ({ key: `${prefix}.${i}`, value }));

const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, ...attrs('res')], droppedAttributesCount: 2 };
const scope = { name: 'io.test', version: '1.0', attributes: attrs('scope').slice(0, 3), droppedAttributesCount: 1 };

export function tracesFixture(): TracesData {
  return {
    resourceSpans: [
      {
        resource,
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          {
            scope,
            schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
            spans: [
              {
                traceId: bytes(16, 1),
                spanId: bytes(8, 2),
                traceState: 'vendor=abc',
                parentSpanId: bytes(8, 3),
                flags: 0x301,
                name: 'GET /items',
                kind: 2,
                startTimeUnixNano: 1_700_000_000_123_456_789n,
                endTimeUnixNano: 1_700_000_000_223_456_789n,
                attributes: attrs('span'),
                droppedAttributesCount: 3,
                events: [{ timeUnixNano: 1_700_000_000_200_000_000n, name: 'retry', attributes: attrs('ev').slice(0, 2), droppedAttributesCount: 1 }],
                droppedEventsCount: 4,
                links: [{ traceId: bytes(16, 9), spanId: bytes(8, 10), traceState: 'x=y', attributes: attrs('link').slice(0, 2), droppedAttributesCount: 0, flags: 1 }],
                droppedLinksCount: 5,
                status: { code: 2, message: 'boom' },
              },
              {
                traceId: bytes(16, 4),
                spanId: bytes(8, 5),
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
                status: { code: 0, message: '' },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function logsFixture(): LogsData {
  return {
    resourceLogs: [
      {
        resource,
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: everyValue.map((body, i) => ({
              timeUnixNano: BigInt(1_700_000_000_000_000_000 + i),
              observedTimeUnixNano: 1_700_000_000_500_000_000n,
              severityNumber: (i % 24) + 1,
              severityText: i % 2 ? 'WARN' : 'INFO',
              body,
              attributes: attrs('log').slice(0, i % 5),
              droppedAttributesCount: i % 3,
              flags: i % 2,
              traceId: i % 2 ? bytes(16, i) : new Uint8Array(0),
              spanId: i % 2 ? bytes(8, i) : new Uint8Array(0),
              eventName: i === 3 ? 'app.login' : '',
            })),
          },
        ],
      },
    ],
  };
}

export function metricsFixture(): MetricsData {
  const t0 = 1_700_000_000_000_000_000n;
  const t1 = 1_700_000_060_000_000_000n;
  const exemplar = { filteredAttributes: attrs('ex').slice(0, 1), timeUnixNano: t1, asDouble: 1.5, spanId: bytes(8, 1), traceId: bytes(16, 1) };
  return {
    resourceMetrics: [
      {
        resource,
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: [
              { name: 'g', description: 'a gauge', unit: '1', metadata: attrs('meta').slice(0, 1), data: { type: 'gauge', dataPoints: [{ attributes: attrs('p').slice(0, 2), startTimeUnixNano: 0n, timeUnixNano: t1, asDouble: 0.75, exemplars: [exemplar], flags: 1 }] } },
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
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asInt: 42, exemplars: [{ filteredAttributes: [], timeUnixNano: t1, asInt: -7, spanId: bytes(8, 2), traceId: bytes(16, 2) }], flags: 0 },
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, asInt: 9007199254740993n, exemplars: [], flags: 0 },
                  ],
                },
              },
              {
                name: 'h',
                description: '',
                unit: 'ms',
                metadata: [],
                data: {
                  type: 'histogram',
                  aggregationTemporality: 1,
                  dataPoints: [{ attributes: attrs('h').slice(0, 1), startTimeUnixNano: t0, timeUnixNano: t1, count: 10, sum: 123.5, bucketCounts: [1, 2, 3, 4], explicitBounds: [1, 5, 10], exemplars: [], flags: 0, min: 0.5, max: 99 }],
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
                      attributes: [],
                      startTimeUnixNano: t0,
                      timeUnixNano: t1,
                      count: 12,
                      sum: 40,
                      scale: -2,
                      zeroCount: 1,
                      positive: { offset: -3, bucketCounts: [1, 0, 300] },
                      negative: { offset: 2, bucketCounts: [5] },
                      flags: 0,
                      exemplars: [],
                      min: -4,
                      max: 30,
                      zeroThreshold: 0.001,
                    },
                  ],
                },
              },
              { name: 'q', description: '', unit: '', metadata: [], data: { type: 'summary', dataPoints: [{ attributes: [], startTimeUnixNano: t0, timeUnixNano: t1, count: 3, sum: 7.5, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 0.99, value: 4 }], flags: 0 }] } },
              { name: 'empty', description: '', unit: '', metadata: [], data: null },
            ],
          },
        ],
      },
    ],
  };
}
