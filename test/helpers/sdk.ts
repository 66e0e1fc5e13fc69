// Real OpenTelemetry JS SDK data and exporters, for sending to WatchingCat like an app would.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
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
import type { AnyValue, KeyValue } from '../../src/model/common.ts';

export const RESOURCE = {
  'service.name': 'checkout',
  'service.version': '1.2.3',
  'k8s.namespace.name': 'shop',
  'k8s.pod.name': 'checkout-7d9f8-abc',
  'host.cpu.count': 2,
};

/** Spans with every attribute type, events, links, status and parent/child relations. */
export function makeSpans(prefix: string, count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('e2e-tracer', '0.1.0');
  for (let i = 0; i < count; i++) {
    const parent = tracer.startSpan(`${prefix}-parent-${i}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200 + (i % 3),
        ratio: i / 7,
        ok: i % 2 === 0,
        tags: ['a', 'b'],
        ids: [1, 2, 3],
      },
    });
    const ctx = trace.setSpan(ROOT_CONTEXT, parent);
    const child = tracer.startSpan(
      `${prefix}-child-${i}`,
      { kind: SpanKind.CLIENT, links: [{ context: parent.spanContext(), attributes: { link: 'yes' } }] },
      ctx,
    );
    child.addEvent('retry', { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: `boom ${i}` });
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
  const logger = provider.getLogger('e2e-logger', '0.1.0');
  for (let i = 0; i < count; i++) {
    logger.emit({
      body: `${prefix}-log-${i}`,
      severityNumber: i % 2 ? SeverityNumber.WARN : SeverityNumber.INFO,
      severityText: i % 2 ? 'WARN' : 'INFO',
      attributes: { 'log.index': i, 'user.id': `u${i}`, flag: true },
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

/** Counter, up-down counter, histogram and gauge points, `series` attribute sets each. */
export async function makeMetrics(prefix: string, series: number): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter('e2e-meter', '0.1.0');
  const counter = meter.createCounter(`${prefix}.requests`, {
    unit: '{request}',
    description: 'requests served',
  });
  const updown = meter.createUpDownCounter(`${prefix}.inflight`);
  const histogram = meter.createHistogram(`${prefix}.latency`, { unit: 'ms' });
  const gauge = meter.createGauge(`${prefix}.temperature`);
  for (let i = 0; i < series; i++) {
    const attrs: Attributes = { route: `/r/${i}`, code: 200 + i };
    counter.add(i + 1, attrs);
    updown.add(-i, attrs);
    histogram.record(i * 3.5, attrs);
    gauge.record(20 + i, attrs);
  }
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

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
  const out: Record<string, unknown> = {};
  for (const kv of kvs) out[kv.key] = anyToJs(kv.value);
  return out;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Calls an SDK exporter's export() and resolves with its result code (0 = success). */
export function exportWith<T>(
  exporter: { export(items: T, cb: (r: { code: number; error?: Error }) => void): void },
  items: T,
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(items, resolve));
}
