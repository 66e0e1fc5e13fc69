// Real senders: the OpenTelemetry JS SDK's OTLP exporters (HTTP/protobuf, HTTP/JSON, gRPC) send
// to the receiver; every span, metric point and log record must arrive with its data intact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter as MetricProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter as LogProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData, NumberDataPoint, HistogramDataPoint } from '../../../model/metrics.ts';
import type { TracesData } from '../../../model/traces.ts';
import { startReceiver, type Harness } from './testing/harness.ts';
import { attrsToJs, hex, hrNanos, makeLogs, makeMetrics, makeSpans, RESOURCE } from './testing/sdk-data.ts';

interface Exportable<T> {
  export(items: T, cb: (r: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

async function send<T>(exporter: Exportable<T>, items: T): Promise<void> {
  const r = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
}

const TRANSPORTS = ['proto', 'json', 'grpc'] as const;

describe('OpenTelemetry SDK exporters → otlp receiver', () => {
  let h: Harness;
  before(async () => {
    h = await startReceiver();
  });
  after(() => h.stop());

  const urlFor = (t: (typeof TRANSPORTS)[number], path: string) =>
    t === 'grpc' ? `http://${h.grpcTarget}` : `${h.httpUrl}${path}`;

  for (const transport of TRANSPORTS) {
    test(`spans over ${transport} arrive intact`, async () => {
      const spans = makeSpans(`t-${transport}`, 10);
      const url = urlFor(transport, '/v1/traces');
      const exporter =
        transport === 'proto'
          ? new TraceProto({ url })
          : transport === 'json'
            ? new TraceJson({ url })
            : new TraceGrpc({ url });
      await send(exporter, spans);

      const byName = new Map<
        string,
        {
          span: TracesData['resourceSpans'][0]['scopeSpans'][0]['spans'][0];
          res: Record<string, unknown>;
          scope: string;
        }
      >();
      for (const d of h.recorder.of('traces'))
        for (const rs of d.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              byName.set(s.name, {
                span: s,
                res: attrsToJs(rs.resource.attributes),
                scope: `${ss.scope.name}@${ss.scope.version}`,
              });

      for (const want of spans) {
        const got = byName.get(want.name);
        assert.ok(got, `span ${want.name} arrived`);
        const { span } = got;
        assert.equal(hex(span.traceId), want.spanContext().traceId);
        assert.equal(hex(span.spanId), want.spanContext().spanId);
        assert.equal(hex(span.parentSpanId), want.parentSpanContext?.spanId ?? '');
        assert.equal(span.kind, want.kind + 1, 'OTLP span kinds are the API kinds + 1');
        assert.equal(span.startTimeUnixNano, hrNanos(want.startTime));
        assert.equal(span.endTimeUnixNano, hrNanos(want.endTime));
        assert.deepEqual(attrsToJs(span.attributes), want.attributes);
        assert.deepEqual(
          span.events.map((e) => [e.name, attrsToJs(e.attributes)]),
          want.events.map((e) => [e.name, e.attributes ?? {}]),
        );
        assert.deepEqual(
          span.links.map((l) => [hex(l.spanId), attrsToJs(l.attributes)]),
          want.links.map((l) => [l.context.spanId, l.attributes ?? {}]),
        );
        assert.equal(span.status.code, want.status.code);
        assert.equal(span.status.message, want.status.message ?? '');
        for (const [k, v] of Object.entries(RESOURCE)) assert.equal(got.res[k], v, `resource ${k}`);
        assert.equal(got.scope, 'recv-test@1.0.0');
      }
    });

    test(`metric points over ${transport} arrive intact`, async () => {
      const rm: ResourceMetrics = await makeMetrics(`m-${transport}`, 4);
      const url = urlFor(transport, '/v1/metrics');
      const exporter =
        transport === 'proto'
          ? new MetricProto({ url })
          : transport === 'json'
            ? new MetricJson({ url })
            : new MetricGrpc({ url });
      await send(exporter, rm);

      const got = new Map<
        string,
        {
          data: NonNullable<MetricsData['resourceMetrics'][0]['scopeMetrics'][0]['metrics'][0]['data']>;
          unit: string;
          res: Record<string, unknown>;
        }
      >();
      for (const d of h.recorder.of('metrics'))
        for (const r of d.resourceMetrics)
          for (const sm of r.scopeMetrics)
            for (const m of sm.metrics)
              if (m.data)
                got.set(m.name, { data: m.data, unit: m.unit, res: attrsToJs(r.resource.attributes) });

      const sent = rm.scopeMetrics.flatMap((s) => s.metrics);
      assert.equal(sent.length, 3);
      for (const want of sent) {
        const g = got.get(want.descriptor.name);
        assert.ok(g, `metric ${want.descriptor.name} arrived`);
        assert.equal(g.unit, want.descriptor.unit);
        for (const [k, v] of Object.entries(RESOURCE)) assert.equal(g.res[k], v);
        assert.equal(g.data.dataPoints.length, want.dataPoints.length);
        const byRoute = new Map(g.data.dataPoints.map((p) => [String(attrsToJs(p.attributes).route), p]));
        for (const wp of want.dataPoints) {
          const p = byRoute.get(String(wp.attributes.route));
          assert.ok(p, `${want.descriptor.name} point ${String(wp.attributes.route)}`);
          if (g.data.type === 'histogram') {
            const hp = p as HistogramDataPoint;
            const wv = wp.value as { count: number; sum?: number; buckets: { counts: number[] } };
            assert.equal(hp.count, wv.count);
            assert.equal(hp.sum, wv.sum);
            assert.deepEqual(hp.bucketCounts, wv.buckets.counts);
          } else {
            const np = p as NumberDataPoint;
            assert.equal(Number(np.asDouble ?? np.asInt), wp.value as number);
          }
        }
      }
    });

    test(`log records over ${transport} arrive intact`, async () => {
      const logs = makeLogs(`l-${transport}`, 12);
      const url = urlFor(transport, '/v1/logs');
      const exporter =
        transport === 'proto'
          ? new LogProto({ url })
          : transport === 'json'
            ? new LogJson({ url })
            : new LogGrpc({ url });
      await send(exporter, logs);

      const byBody = new Map<
        string,
        { rec: LogsData['resourceLogs'][0]['scopeLogs'][0]['logRecords'][0]; res: Record<string, unknown> }
      >();
      for (const d of h.recorder.of('logs'))
        for (const rl of d.resourceLogs)
          for (const sl of rl.scopeLogs)
            for (const r of sl.logRecords)
              if ('stringValue' in r.body)
                byBody.set(r.body.stringValue, { rec: r, res: attrsToJs(rl.resource.attributes) });

      for (const want of logs) {
        const got = byBody.get(String(want.body));
        assert.ok(got, `log ${String(want.body)} arrived`);
        assert.equal(got.rec.severityNumber, want.severityNumber);
        assert.equal(got.rec.severityText, want.severityText);
        assert.equal(got.rec.timeUnixNano, hrNanos(want.hrTime));
        assert.deepEqual(attrsToJs(got.rec.attributes), want.attributes);
        for (const [k, v] of Object.entries(RESOURCE)) assert.equal(got.res[k], v);
      }
    });
  }
});
