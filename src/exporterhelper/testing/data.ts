// Test support: small OTLP payloads of each signal with a known item count.
import type { Signal } from '../../model/common.ts';
import type { LogsData } from '../../model/logs.ts';
import type { MetricsData } from '../../model/metrics.ts';
import type { SignalData } from '../../model/signal.ts';
import type { TracesData } from '../../model/traces.ts';

const resource = (name: string) => ({
  attributes: [{ key: 'service.name', value: { stringValue: name } }],
  droppedAttributesCount: 0,
});
const scope = { name: 'test', version: '1', attributes: [], droppedAttributesCount: 0 };

export function traces(names: string[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: resource('svc'),
        schemaUrl: '',
        scopeSpans: [
          {
            scope,
            schemaUrl: '',
            spans: names.map((name, i) => ({
              traceId: new Uint8Array(16).fill(i + 1),
              spanId: new Uint8Array(8).fill(i + 1),
              traceState: '',
              parentSpanId: new Uint8Array(0),
              flags: 0,
              name,
              kind: 2,
              startTimeUnixNano: 1_700_000_000_000_000_000n,
              endTimeUnixNano: 1_700_000_000_001_000_000n,
              attributes: [{ key: 'i', value: { intValue: i } }],
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
}

/** One gauge with `points` data points (value = index). */
export function metrics(points: number, name = 'test.gauge'): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: resource('svc'),
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: [
              {
                name,
                description: '',
                unit: '1',
                metadata: [],
                data: {
                  type: 'gauge',
                  dataPoints: Array.from({ length: points }, (_, i) => ({
                    attributes: [{ key: 'p', value: { intValue: i } }],
                    startTimeUnixNano: 0n,
                    timeUnixNano: 1_700_000_000_000_000_000n,
                    asDouble: i + 0.5,
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

export function logs(bodies: string[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: resource('svc'),
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: bodies.map((b) => ({
              timeUnixNano: 1_700_000_000_000_000_000n,
              observedTimeUnixNano: 1_700_000_000_000_000_000n,
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: b },
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: new Uint8Array(0),
              spanId: new Uint8Array(0),
              eventName: '',
            })),
          },
        ],
      },
    ],
  };
}

/** A payload of `n` items of the given signal; item names/bodies carry `tag`. */
export function sample<S extends Signal>(signal: S, n: number, tag = 'x'): SignalData<S> {
  const names = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  switch (signal) {
    case 'traces':
      return traces(names) as SignalData<S>;
    case 'metrics':
      return metrics(n, `${tag}.gauge`) as SignalData<S>;
    default:
      return logs(names) as SignalData<S>;
  }
}
