// The product's first promise: an app instrumented with the OpenTelemetry SDK sends to the
// agent over every OTLP transport, the agent exports (gRPC) to a second instance, which
// exports (HTTP/protobuf) to a destination — and every item arrives with its data intact.
import { after, before, test } from 'node:test';
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
import { startInstance, sumMetric, type Instance } from './helpers/instance.ts';
import { OtlpSink } from './helpers/sink.ts';
import { attrsToJs, exportWith, hex, makeLogs, makeMetrics, makeSpans, RESOURCE } from './helpers/sdk.ts';
import type { Span } from '../src/model/traces.ts';
import type { Metric } from '../src/model/metrics.ts';
import type { KeyValue } from '../src/model/common.ts';

let sink: OtlpSink;
let second: Instance;
let agent: Instance;

before(async () => {
  sink = await new OtlpSink().start();
  second = await startInstance({
    role: 'cluster',
    processors: '  batch:\n    timeout: 50ms',
    pipelineProcessors: ['batch'],
    exporters: `  otlphttp:\n    endpoint: ${sink.url}\n    retry_on_failure:\n      initial_interval: 100ms`,
    pipelineExporters: ['otlphttp'],
  });
  agent = await startInstance({
    processors: '  memory_limiter:\n    limit_mib: 1024\n  batch:\n    timeout: 50ms',
    pipelineProcessors: ['memory_limiter', 'batch'],
    exporters: `  otlp:\n    endpoint: 127.0.0.1:${second.grpcPort}\n    tls:\n      insecure: true\n    sending_queue:\n      storage: file_storage\n    retry_on_failure:\n      initial_interval: 100ms`,
    pipelineExporters: ['otlp'],
    extensions: '  file_storage:',
    serviceExtensions: ['file_storage'],
  });
});

after(async () => {
  await agent?.stop();
  await second?.stop();
  await sink?.stop();
});

async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('traces from the SDK over HTTP/protobuf, HTTP/JSON and gRPC arrive intact through two instances', async () => {
  const sent = { proto: makeSpans('proto', 20), json: makeSpans('json', 20), grpc: makeSpans('grpc', 20) };
  const results = await Promise.all([
    exportWith(new TraceProto({ url: `http://127.0.0.1:${agent.httpPort}/v1/traces` }), sent.proto),
    exportWith(new TraceJson({ url: `http://127.0.0.1:${agent.httpPort}/v1/traces` }), sent.json),
    exportWith(new TraceGrpc({ url: `http://127.0.0.1:${agent.grpcPort}` }), sent.grpc),
  ]);
  for (const r of results) assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);

  const all = [...sent.proto, ...sent.json, ...sent.grpc];
  await waitFor(`${all.length} spans at the destination`, () => sink.spanNames().length >= all.length);
  assert.equal(sink.spanNames().length, all.length, 'no duplicates');

  const byName = new Map<string, { span: Span; resource: Record<string, unknown>; scope: string }>();
  for (const d of sink.received.traces)
    for (const rs of d.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          byName.set(s.name, {
            span: s,
            resource: attrsToJs(rs.resource.attributes),
            scope: `${ss.scope.name}@${ss.scope.version}`,
          });

  for (const want of all) {
    const got = byName.get(want.name);
    assert.ok(got, `span ${want.name} missing`);
    const { span, resource, scope } = got;
    assert.equal(hex(span.traceId), want.spanContext().traceId);
    assert.equal(hex(span.spanId), want.spanContext().spanId);
    assert.equal(hex(span.parentSpanId), want.parentSpanContext?.spanId ?? '');
    assert.equal(span.kind, want.kind + 1, 'OTLP kind = API kind + 1');
    const startNs = BigInt(want.startTime[0]) * 1_000_000_000n + BigInt(want.startTime[1]);
    assert.equal(span.startTimeUnixNano, startNs);
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
    for (const [k, v] of Object.entries(RESOURCE)) assert.deepEqual(resource[k], v, `resource ${k}`);
    assert.equal(scope, 'e2e-tracer@0.1.0');
  }
});

test('logs from the SDK over all three transports arrive intact', async () => {
  const sent = { proto: makeLogs('proto', 15), json: makeLogs('json', 15), grpc: makeLogs('grpc', 15) };
  const before = sink.logBodies().length;
  const results = await Promise.all([
    exportWith(new LogProto({ url: `http://127.0.0.1:${agent.httpPort}/v1/logs` }), sent.proto),
    exportWith(new LogJson({ url: `http://127.0.0.1:${agent.httpPort}/v1/logs` }), sent.json),
    exportWith(new LogGrpc({ url: `http://127.0.0.1:${agent.grpcPort}` }), sent.grpc),
  ]);
  for (const r of results) assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
  const all = [...sent.proto, ...sent.json, ...sent.grpc];
  await waitFor('all log records', () => sink.logBodies().length - before >= all.length);
  assert.equal(sink.logBodies().length - before, all.length);
  const got = new Map<
    string,
    { attrs: Record<string, unknown>; sev: number; text: string; resource: Record<string, unknown> }
  >();
  for (const d of sink.received.logs)
    for (const rl of d.resourceLogs)
      for (const sl of rl.scopeLogs)
        for (const r of sl.logRecords)
          if ('stringValue' in r.body)
            got.set(r.body.stringValue, {
              attrs: attrsToJs(r.attributes),
              sev: r.severityNumber,
              text: r.severityText,
              resource: attrsToJs(rl.resource.attributes),
            });
  for (const want of all) {
    const g = got.get(String(want.body));
    assert.ok(g, `log ${String(want.body)} missing`);
    assert.deepEqual(g.attrs, want.attributes);
    assert.equal(g.sev, want.severityNumber);
    assert.equal(g.text, want.severityText);
    assert.equal(g.resource['service.name'], 'checkout');
  }
});

test('metrics from the SDK (sum, gauge, histogram) over all three transports arrive intact', async () => {
  const series = 5;
  const before = sink.metricPoints();
  const rm = {
    proto: await makeMetrics('proto', series),
    json: await makeMetrics('json', series),
    grpc: await makeMetrics('grpc', series),
  };
  const results = await Promise.all([
    exportWith(new MetricProto({ url: `http://127.0.0.1:${agent.httpPort}/v1/metrics` }), rm.proto),
    exportWith(new MetricJson({ url: `http://127.0.0.1:${agent.httpPort}/v1/metrics` }), rm.json),
    exportWith(new MetricGrpc({ url: `http://127.0.0.1:${agent.grpcPort}` }), rm.grpc),
  ]);
  for (const r of results) assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
  const expected = 3 * 4 * series; // 3 transports × 4 instruments × series
  await waitFor('all metric points', () => sink.metricPoints() - before >= expected);
  assert.equal(sink.metricPoints() - before, expected);

  const metrics = new Map<string, Metric>();
  for (const d of sink.received.metrics)
    for (const r of d.resourceMetrics)
      for (const s of r.scopeMetrics) for (const m of s.metrics) metrics.set(m.name, m);
  for (const p of ['proto', 'json', 'grpc']) {
    const counter = metrics.get(`${p}.requests`)!;
    assert.equal(counter.data?.type, 'sum');
    assert.equal(counter.unit, '{request}');
    assert.equal(counter.description, 'requests served');
    const points = counter.data!.dataPoints as Array<{
      attributes: KeyValue[];
      asDouble?: number;
      asInt?: number | bigint;
    }>;
    const byRoute = new Map(
      points.map((pt) => [attrsToJs(pt.attributes).route, Number(pt.asDouble ?? pt.asInt)]),
    );
    for (let i = 0; i < series; i++) assert.equal(byRoute.get(`/r/${i}`), i + 1);
    const hist = metrics.get(`${p}.latency`)!;
    assert.equal(hist.data?.type, 'histogram');
    const hp = hist.data!.dataPoints as Array<{ count: number; sum?: number; attributes: KeyValue[] }>;
    const h3 = hp.find((x) => attrsToJs(x.attributes).route === '/r/3')!;
    assert.equal(h3.count, 1);
    assert.equal(h3.sum, 10.5);
    assert.equal(metrics.get(`${p}.temperature`)!.data?.type, 'gauge');
  }
});

test('own metrics count what was accepted and sent', async () => {
  const text = await agent.ownMetrics();
  assert.ok(
    sumMetric(text, 'watchingcat_receiver_accepted_items_total', { receiver: 'otlp', signal: 'traces' }) >=
      120,
  );
  assert.ok(
    sumMetric(text, 'watchingcat_exporter_sent_items_total', { exporter: 'otlp', signal: 'traces' }) >= 120,
  );
  assert.ok(sumMetric(text, 'watchingcat_process_resident_memory_bytes') > 0);
  assert.match(text, /watchingcat_exporter_queue_capacity\{exporter="otlp"/);
});

test('SIGTERM stops intake, flushes and exits 0', async () => {
  const code = await second.stop();
  assert.equal(code, 0, second.logs());
  assert.match(second.logs(), /stopped/);
});
