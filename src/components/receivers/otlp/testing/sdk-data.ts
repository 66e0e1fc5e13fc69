// Telemetry made by the real OpenTelemetry JS SDK, and the SDK's own OTLP serializers
// (@opentelemetry/otlp-transformer), so tests can send what an instrumented app sends.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { AnyValue, KeyValue, Signal } from '../../../../model/common.ts';

export const RESOURCE = {
  'service.name': 'cart',
  'service.version': '2.0.1',
  'k8s.pod.name': 'cart-0',
  'host.cpu.count': 4,
};

/** `count` spans: SERVER parents with typed attributes, CLIENT children with an event and link. */
export function makeSpans(prefix: string, pairs: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('recv-test', '1.0.0');
  for (let i = 0; i < pairs; i++) {
    const parent = tracer.startSpan(`${prefix}-parent-${i}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': `/item/${i}`,
        'http.status_code': 200 + i,
        ratio: i / 3,
        ok: i % 2 === 0,
        tags: ['x', 'y'],
      },
    });
    const child = tracer.startSpan(
      `${prefix}-child-${i}`,
      { kind: SpanKind.CLIENT, links: [{ context: parent.spanContext(), attributes: { why: 'follows' } }] },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.addEvent('retry', { attempt: i });
    child.setStatus({ code: SpanStatusCode.ERROR, message: `failed ${i}` });
    child.end();
    parent.end();
  }
  return exporter.getFinishedSpans();
}

export function makeLogs(prefix: string, count: number): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('recv-test', '1.0.0');
  for (let i = 0; i < count; i++) {
    logger.emit({
      body: `${prefix}-log-${i}`,
      severityNumber: i % 2 ? SeverityNumber.WARN : SeverityNumber.INFO,
      severityText: i % 2 ? 'WARN' : 'INFO',
      attributes: { 'log.index': i, user: `u${i}` },
    });
  }
  return exporter.getFinishedLogRecords();
}

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** A counter, a histogram and a gauge, one point per series each. */
export async function makeMetrics(prefix: string, series: number): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter('recv-test', '1.0.0');
  const counter = meter.createCounter(`${prefix}.requests`, { unit: '{request}', description: 'served' });
  const histogram = meter.createHistogram(`${prefix}.latency`, { unit: 'ms' });
  const gauge = meter.createGauge(`${prefix}.temperature`);
  for (let i = 0; i < series; i++) {
    counter.add(i + 1, { route: `/r/${i}` });
    histogram.record(i * 2.5, { route: `/r/${i}` });
    gauge.record(20 + i, { route: `/r/${i}` });
  }
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

/** A valid Export<Signal>ServiceRequest made by the SDK's serializers. */
export async function sdkRequest(
  signal: Signal,
  format: 'proto' | 'json',
  prefix = 'fixture',
): Promise<Uint8Array> {
  let out: Uint8Array | undefined;
  if (signal === 'traces') {
    const spans = makeSpans(prefix, 2);
    out = (format === 'proto' ? ProtobufTraceSerializer : JsonTraceSerializer).serializeRequest(spans);
  } else if (signal === 'logs') {
    const logs = makeLogs(prefix, 3);
    out = (format === 'proto' ? ProtobufLogsSerializer : JsonLogsSerializer).serializeRequest(logs);
  } else {
    const metrics = await makeMetrics(prefix, 2);
    out = (format === 'proto' ? ProtobufMetricsSerializer : JsonMetricsSerializer).serializeRequest(metrics);
  }
  if (!out) throw new Error(`the SDK serializer produced nothing for ${signal}/${format}`);
  return out;
}

/** Items in a request built by sdkRequest (2 span pairs, 3 logs, 3 metrics × 2 series). */
export const SDK_REQUEST_ITEMS: Record<Signal, number> = { traces: 4, logs: 3, metrics: 6 };

/** Our AnyValue as a plain JS value, to compare with SDK attributes. */
export function anyToJs(v: AnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return v.arrayValue.values.map(anyToJs);
  if ('kvlistValue' in v) return attrsToJs(v.kvlistValue.values);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  return undefined;
}

export function attrsToJs(kvs: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, anyToJs(kv.value)]));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** [seconds, nanos] → bigint nanoseconds. */
export function hrNanos(t: [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}
