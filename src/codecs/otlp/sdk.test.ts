// Cross-checks against the OpenTelemetry JS SDK: real spans, metrics and log records, serialized
// by the SDK's own protobuf and JSON serializers (what real senders put on the wire), decoded by
// ours and compared field by field with what the SDK recorded. Also: the SDK reads our export
// responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTraceState,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type HrTime,
  ValueType,
} from '@opentelemetry/api';
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
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ExponentialHistogram,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { AnyValue, KeyValue } from '../../model/common.ts';
import type {
  HistogramDataPoint,
  ExponentialHistogramDataPoint,
  NumberDataPoint,
} from '../../model/metrics.ts';
import { decodeJsonRequest, decodeRequest, encodeExportResponse, encodeRequest } from './index.ts';
import { canon } from './testdata/pb.ts';

const RESOURCE = { 'service.name': 'checkout', 'host.cpu.count': 2, 'k8s.ready': true, ratio: 0.5 };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const nanos = (t: HrTime) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const same = (a: unknown, b: unknown, msg?: string) => assert.deepStrictEqual(canon(a), canon(b), msg);

/** Our AnyValue as the plain JS value the SDK holds (int64 as number, bytes as Uint8Array). */
function js(v: AnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('bytesValue' in v) return Uint8Array.from(v.bytesValue);
  if ('arrayValue' in v) return v.arrayValue.values.map(js);
  if ('kvlistValue' in v) return jsAttrs(v.kvlistValue.values);
  return null;
}
const jsAttrs = (kvs: KeyValue[]): Record<string, unknown> =>
  Object.fromEntries(kvs.map((kv) => [kv.key, js(kv.value)]));

/** Which AnyValue member carries each attribute (int vs double matters on the wire). */
const kinds = (kvs: KeyValue[]) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.keys(kv.value)[0] ?? 'empty']));

const SPAN_ATTRS: Attributes = {
  str: 'text ✓',
  int: 42,
  neg: -7,
  big: 2 ** 40,
  dbl: 2.5,
  yes: true,
  no: false,
  strs: ['a', 'b'],
  ints: [1, 2, 3],
  dbls: [0.5, 1.5],
  bools: [true, false],
};

function makeSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 12, eventCountLimit: 2, linkCountLimit: 2 },
  });
  const tracer = provider.getTracer('codec-test', '1.2.3');
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc,other=1'),
  });
  const server = tracer.startSpan('GET /items', { kind: SpanKind.SERVER, attributes: SPAN_ATTRS }, remote);
  server.setAttribute('extra.1', 'x');
  server.setAttribute('extra.2', 'dropped beyond the limit of 12');
  const ctx = trace.setSpan(ROOT_CONTEXT, server);
  const client = tracer.startSpan(
    'SELECT items',
    {
      kind: SpanKind.CLIENT,
      links: [
        { context: server.spanContext(), attributes: { 'link.kind': 'follows', n: 1 } },
        { context: trace.getSpanContext(remote)! },
      ],
    },
    ctx,
  );
  client.addEvent('retry', { attempt: 2, reason: 'timeout' }, [1_700_000_000, 123_456_789]);
  client.addEvent('second');
  client.addEvent('dropped by the event limit');
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  client.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  tracer.startSpan('internal').end();
  return exporter.getFinishedSpans();
}

test('SDK traces (protobuf and JSON) decode to exactly what the SDK recorded', () => {
  const spans = makeSpans();
  const fromProto = decodeRequest('traces', ProtobufTraceSerializer.serializeRequest(spans)!);
  const fromJson = decodeJsonRequest('traces', JsonTraceSerializer.serializeRequest(spans)!);
  same(fromJson, fromProto, 'the SDK’s JSON and protobuf say the same through our decoders');
  const rs = fromProto.resourceSpans[0]!;
  assert.deepEqual(jsAttrs(rs.resource.attributes), RESOURCE);
  assert.deepEqual(kinds(rs.resource.attributes), {
    'service.name': 'stringValue',
    'host.cpu.count': 'intValue',
    'k8s.ready': 'boolValue',
    ratio: 'doubleValue',
  });
  const ss = rs.scopeSpans[0]!;
  assert.equal(ss.scope.name, 'codec-test');
  assert.equal(ss.scope.version, '1.2.3');
  assert.equal(ss.spans.length, spans.length);
  for (const want of spans) {
    const got = ss.spans.find((s) => s.name === want.name)!;
    const sc = want.spanContext();
    assert.equal(hex(got.traceId), sc.traceId);
    assert.equal(hex(got.spanId), sc.spanId);
    assert.equal(hex(got.parentSpanId), want.parentSpanContext?.spanId ?? '');
    assert.equal(got.traceState, sc.traceState?.serialize() ?? '');
    assert.equal(got.kind, want.kind + 1, 'OTLP kinds are the API kinds + 1');
    assert.equal(got.flags & 0xff, sc.traceFlags);
    assert.equal(got.startTimeUnixNano, nanos(want.startTime));
    assert.equal(got.endTimeUnixNano, nanos(want.endTime));
    assert.deepEqual(jsAttrs(got.attributes), want.attributes);
    assert.equal(got.droppedAttributesCount, want.droppedAttributesCount);
    assert.equal(got.droppedEventsCount, want.droppedEventsCount);
    assert.equal(got.droppedLinksCount, want.droppedLinksCount);
    assert.deepEqual(
      got.events.map((e) => [e.name, e.timeUnixNano, jsAttrs(e.attributes)]),
      want.events.map((e) => [e.name, nanos(e.time), e.attributes ?? {}]),
    );
    assert.deepEqual(
      got.links.map((l) => [hex(l.traceId), hex(l.spanId), l.traceState, jsAttrs(l.attributes)]),
      want.links.map((l) => [
        l.context.traceId,
        l.context.spanId,
        l.context.traceState?.serialize() ?? '',
        l.attributes ?? {},
      ]),
    );
    assert.deepEqual(got.status, { code: want.status.code, message: want.status.message ?? '' });
  }
  const server = ss.spans.find((s) => s.name === 'GET /items')!;
  assert.equal(server.parentSpanId.length, 8);
  assert.equal(server.traceState, 'vendor=abc,other=1');
  assert.equal(server.droppedAttributesCount, 1);
  assert.equal((server.flags & 0x300) >>> 8, 3, 'the parent was remote (flags bits 8 and 9)');
  assert.deepEqual(kinds(server.attributes).int, 'intValue');
  assert.deepEqual(kinds(server.attributes).dbl, 'doubleValue');
  const client = ss.spans.find((s) => s.name === 'SELECT items')!;
  assert.equal(client.droppedEventsCount, 1);
  // What we re-encode decodes the same again (the exporter path).
  same(decodeRequest('traces', encodeRequest('traces', fromProto)), fromProto);
});

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

test('SDK metrics of every aggregation decode to the SDK’s points', async () => {
  const reader = new Reader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('meter-test', '0.1.0');
  const counter = meter.createCounter('requests', {
    unit: '{request}',
    description: 'served',
    valueType: ValueType.INT,
  });
  const updown = meter.createUpDownCounter('inflight', { valueType: ValueType.INT });
  const doubleCounter = meter.createCounter('bytes', { unit: 'By' });
  const hist = meter.createHistogram('latency', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [1, 10, 100] },
  });
  const exp = meter.createHistogram('latency.exp', { unit: 's' });
  const gauge = meter.createGauge('temperature');
  for (let i = 0; i < 3; i++) {
    const attrs = { route: `/r/${i}`, code: 200 + i };
    counter.add(i + 1, attrs);
    updown.add(-i - 1, attrs);
    doubleCounter.add(1.25 * (i + 1), attrs);
    for (const v of [0.5, 5, 50, 500]) hist.record(v * (i + 1), attrs);
    for (const v of [0.001, 0.25, 3, 70]) exp.record(v * (i + 1), attrs);
    exp.record(0, attrs);
    gauge.record(20.5 + i, attrs);
  }
  const { resourceMetrics } = await reader.collect();
  const fromProto = decodeRequest('metrics', ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!);
  const fromJson = decodeJsonRequest('metrics', JsonMetricsSerializer.serializeRequest(resourceMetrics)!);
  same(fromJson, fromProto);
  const sm = fromProto.resourceMetrics[0]!.scopeMetrics[0]!;
  assert.equal(sm.scope.name, 'meter-test');
  const sdk = resourceMetrics.scopeMetrics[0]!.metrics;
  assert.deepEqual(sm.metrics.map((m) => `${m.name}:${m.data?.type}`).sort(), [
    'bytes:sum',
    'inflight:sum',
    'latency.exp:exponentialHistogram',
    'latency:histogram',
    'requests:sum',
    'temperature:gauge',
  ]);
  for (const m of sm.metrics) {
    const want = sdk.find((x) => x.descriptor.name === m.name)!;
    assert.equal(m.unit, want.descriptor.unit);
    assert.equal(m.description, want.descriptor.description);
    const data = m.data!;
    if ('aggregationTemporality' in data) assert.equal(data.aggregationTemporality, 2, 'cumulative');
    assert.equal(data.dataPoints.length, want.dataPoints.length);
    for (const [i, wp] of want.dataPoints.entries()) {
      const p = data.dataPoints[i]!;
      assert.deepEqual(jsAttrs(p.attributes), wp.attributes);
      assert.equal(p.startTimeUnixNano, nanos(wp.startTime));
      assert.equal(p.timeUnixNano, nanos(wp.endTime));
      if (want.dataPointType === DataPointType.SUM || want.dataPointType === DataPointType.GAUGE) {
        const np = p as NumberDataPoint;
        // The SDK sends integer instruments as as_int and double ones as as_double.
        assert.equal(np.asInt ?? np.asDouble, wp.value);
        assert.equal('asInt' in np, want.descriptor.valueType === ValueType.INT, m.name);
      } else if (want.dataPointType === DataPointType.HISTOGRAM) {
        const hp = p as HistogramDataPoint;
        const wv = wp.value as Histogram;
        assert.deepEqual([hp.count, hp.sum, hp.min, hp.max], [wv.count, wv.sum, wv.min, wv.max]);
        assert.deepEqual(hp.explicitBounds, wv.buckets.boundaries);
        assert.deepEqual(hp.bucketCounts, wv.buckets.counts);
      } else {
        const ep = p as ExponentialHistogramDataPoint;
        const wv = wp.value as ExponentialHistogram;
        assert.deepEqual(
          [ep.count, ep.sum, ep.min, ep.max, ep.scale, ep.zeroCount],
          [wv.count, wv.sum, wv.min, wv.max, wv.scale, wv.zeroCount],
        );
        assert.deepEqual(ep.positive, { offset: wv.positive.offset, bucketCounts: wv.positive.bucketCounts });
        assert.equal(ep.zeroCount, 1);
      }
    }
  }
  const monotonic = Object.fromEntries(
    sm.metrics
      .filter((m) => m.data?.type === 'sum')
      .map((m) => [m.name, (m.data as { isMonotonic: boolean }).isMonotonic]),
  );
  assert.deepEqual(monotonic, { requests: true, inflight: false, bytes: true });
  same(decodeRequest('metrics', encodeRequest('metrics', fromProto)), fromProto);
});

test('SDK log records with every body kind decode to what was emitted', () => {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('logger-test', '3.0.0');
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  };
  const bodies = [
    'a message ✓',
    42,
    2.5,
    true,
    Uint8Array.of(0, 1, 254, 255),
    ['x', 1, false],
    { k: 'v', n: { deep: 1 } },
    undefined,
  ];
  bodies.forEach((body, i) =>
    logger.emit({
      body,
      severityNumber: SeverityNumber.WARN2,
      severityText: 'WARN2',
      eventName: i === 0 ? 'app.started' : undefined,
      timestamp: [1_700_000_000 + i, 5],
      attributes: { index: i, 'user.id': `u${i}`, flag: i % 2 === 0 },
      context: i % 2 ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT,
    }),
  );
  const records = exporter.getFinishedLogRecords();
  const fromProto = decodeRequest('logs', ProtobufLogsSerializer.serializeRequest(records)!);
  const fromJson = decodeJsonRequest('logs', JsonLogsSerializer.serializeRequest(records)!);
  same(fromJson, fromProto);
  const got = fromProto.resourceLogs[0]!.scopeLogs[0]!.logRecords;
  assert.equal(fromProto.resourceLogs[0]!.scopeLogs[0]!.scope.version, '3.0.0');
  assert.equal(got.length, bodies.length);
  for (const [i, want] of records.entries()) {
    const l = got[i]!;
    assert.deepEqual(js(l.body), want.body ?? null);
    assert.equal(l.timeUnixNano, nanos(want.hrTime));
    assert.equal(l.observedTimeUnixNano, nanos(want.hrTimeObserved));
    assert.equal(l.severityNumber, SeverityNumber.WARN2);
    assert.equal(l.severityText, 'WARN2');
    assert.equal(l.eventName, want.eventName ?? '');
    assert.deepEqual(jsAttrs(l.attributes), want.attributes);
    assert.equal(hex(l.traceId), want.spanContext?.traceId ?? '');
    assert.equal(hex(l.spanId), want.spanContext?.spanId ?? '');
    assert.equal(l.flags, want.spanContext?.traceFlags ?? 0);
  }
  assert.deepEqual(Object.keys(got[1]!.body), ['intValue']);
  assert.deepEqual(Object.keys(got[2]!.body), ['doubleValue']);
  same(decodeRequest('logs', encodeRequest('logs', fromProto)), fromProto);
});

test('the SDK reads our export responses (protobuf and JSON)', () => {
  const serializers = {
    traces: [ProtobufTraceSerializer, JsonTraceSerializer, 'rejectedSpans'],
    metrics: [ProtobufMetricsSerializer, JsonMetricsSerializer, 'rejectedDataPoints'],
    logs: [ProtobufLogsSerializer, JsonLogsSerializer, 'rejectedLogRecords'],
  } as const;
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const [proto, json, field] = serializers[signal];
    const resp = { rejected: 3, errorMessage: 'bad points' };
    const p = proto.deserializeResponse(encodeExportResponse(signal, resp, 'proto') as Uint8Array) as {
      partialSuccess?: Record<string, unknown>;
    };
    assert.equal(Number(p.partialSuccess?.[field]), 3, signal);
    assert.equal(p.partialSuccess?.errorMessage, 'bad points');
    const j = json.deserializeResponse(
      new TextEncoder().encode(encodeExportResponse(signal, resp, 'json') as string),
    ) as { partialSuccess?: Record<string, unknown> };
    assert.equal(Number(j.partialSuccess?.[field]), 3);
    assert.equal(j.partialSuccess?.errorMessage, 'bad points');
    const none = proto.deserializeResponse(
      encodeExportResponse(signal, { rejected: 0, errorMessage: '' }, 'proto') as Uint8Array,
    ) as {
      partialSuccess?: unknown;
    };
    assert.equal(none.partialSuccess, undefined);
  }
});
