import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequest, encodeRequest } from '../../../codecs/otlp/index.ts';
import {
  realisticLogs,
  realisticMetrics,
  realisticTraces,
  tracesFixture,
} from '../../../codecs/otlp/testdata/fixtures.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { ConsumeContext, Consumer } from '../../../pipeline/component.ts';
import { factory } from './factory.ts';

function sink<S extends Signal>() {
  const got: Array<{ data: SignalData<S>; ctx: ConsumeContext }> = [];
  let admits = 0;
  const next: Consumer<S> = {
    async consume(data, ctx) {
      got.push({ data, ctx });
    },
    admit() {
      admits++;
    },
  };
  return { got, next, admits: () => admits };
}

function processor<S extends Signal>(signal: S, config: unknown) {
  const s = sink<S>();
  const p = factory.create({} as never, factory.configSchema.parse(config), signal, s.next);
  return { p, ...s };
}

const get = (attrs: KeyValue[], key: string) => attrs.find((kv) => kv.key === key)?.value;
const spansOf = (d: TracesData) => d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

test('traces: actions change every span when there is no include/exclude', async () => {
  const { p, got } = processor('traces', {
    actions: [
      { key: 'env', value: 'prod', action: 'insert' },
      { key: 'user_agent.original', action: 'delete' },
      { key: 'http.response.status_code', action: 'convert', converted_type: 'string' },
    ],
  });
  await p.consume(realisticTraces(3), {});
  const spans = spansOf(got[0]!.data);
  assert.equal(spans.length, 3);
  for (const sp of spans) {
    assert.deepEqual(get(sp.attributes, 'env'), { stringValue: 'prod' });
    assert.equal(get(sp.attributes, 'user_agent.original'), undefined);
    assert.deepEqual(get(sp.attributes, 'http.response.status_code'), { stringValue: '200' });
  }
  // Only span attributes: the resource is left alone.
  assert.equal(get(got[0]!.data.resourceSpans[0]!.resource.attributes, 'env'), undefined);
});

test('traces: include selects spans, exclude removes some of them again', async () => {
  const { p, got } = processor('traces', {
    include: { match_type: 'strict', services: ['checkout'] },
    exclude: { match_type: 'regexp', attributes: [{ key: 'url.path', value: '/1$' }] },
    actions: [{ key: 'picked', value: true, action: 'upsert' }],
  });
  const data = realisticTraces(3);
  await p.consume(data, {});
  const picked = spansOf(got[0]!.data).map((sp) => get(sp.attributes, 'picked') !== undefined);
  assert.deepEqual(picked, [true, false, true]);

  const other = processor('traces', {
    include: { match_type: 'strict', services: ['payments'] },
    actions: [{ key: 'picked', value: true, action: 'upsert' }],
  });
  await other.p.consume(realisticTraces(2), {});
  assert.ok(spansOf(other.got[0]!.data).every((sp) => get(sp.attributes, 'picked') === undefined));
});

test('logs: log record attributes, selected by severity text and body', async () => {
  const { p, got } = processor('logs', {
    include: { match_type: 'regexp', log_bodies: ['/items/[02] '], log_severity_texts: ['^INFO$'] },
    actions: [{ key: 'client.address', action: 'hash' }],
  });
  await p.consume(realisticLogs(3), {});
  const recs = (got[0]!.data as LogsData).resourceLogs[0]!.scopeLogs[0]!.logRecords;
  const addr = recs.map((r) => get(r.attributes, 'client.address'));
  assert.match((addr[0] as { stringValue: string }).stringValue, /^[0-9a-f]{64}$/);
  assert.deepEqual(addr[1], { stringValue: '10.0.1.7' });
  assert.match((addr[2] as { stringValue: string }).stringValue, /^[0-9a-f]{64}$/);
});

test('metrics: data point attributes, selected by metric name and point attributes', async () => {
  const { p, got } = processor('metrics', {
    include: {
      match_type: 'strict',
      metric_names: ['http.server.request.count'],
      attributes: [{ key: 'url.path', value: '/api/items/1' }],
    },
    actions: [{ key: 'http.route', action: 'update', value: 'matched' }],
  });
  await p.consume(realisticMetrics(3), {});
  const m = (got[0]!.data as MetricsData).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
  const routes = m.data!.dataPoints.map((dp) => get(dp.attributes, 'http.route'));
  assert.deepEqual(routes, [
    { stringValue: '/api/items/{id}' },
    { stringValue: 'matched' },
    { stringValue: '/api/items/{id}' },
  ]);
});

test('from_context values come from the request context', async () => {
  const { p, got } = processor('traces', {
    actions: [
      { key: 'tenant', from_context: 'metadata.x-tenant', action: 'insert' },
      { key: 'peer', from_context: 'client.address', action: 'insert' },
    ],
  });
  await p.consume(realisticTraces(1), { clientAddress: '192.0.2.1', metadata: { 'x-tenant': 't1' } });
  const sp = spansOf(got[0]!.data)[0]!;
  assert.deepEqual(get(sp.attributes, 'tenant'), { stringValue: 't1' });
  assert.deepEqual(get(sp.attributes, 'peer'), { stringValue: '192.0.2.1' });
  assert.deepEqual(got[0]!.ctx, { clientAddress: '192.0.2.1', metadata: { 'x-tenant': 't1' } });
});

for (const signal of ['traces', 'logs', 'metrics'] as const) {
  test(`${signal}: data as the receiver decodes it (scopes still encoded) is changed in the exported bytes`, async () => {
    const make = { traces: realisticTraces, logs: realisticLogs, metrics: realisticMetrics }[signal];
    const bytes = encodeRequest(signal, make(4) as SignalData<typeof signal>);
    const received = decodeRequest(signal, bytes, { keepEncoded: true });
    const { p, got } = processor(signal, {
      actions: [
        { key: 'redacted', value: 'yes', action: 'insert' },
        { key: 'server.address', action: 'delete' },
      ],
    });
    await p.consume(received, {});
    const out = encodeRequest(signal, got[0]!.data);
    assert.notDeepEqual(Buffer.from(out), Buffer.from(bytes));
    const back = decodeRequest(signal, out);
    const items: Array<{ attributes: KeyValue[] }> =
      signal === 'traces'
        ? spansOf(back as TracesData)
        : signal === 'logs'
          ? (back as LogsData).resourceLogs[0]!.scopeLogs[0]!.logRecords
          : (back as MetricsData).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data!.dataPoints;
    assert.equal(items.length, 4);
    for (const it of items) {
      assert.deepEqual(get(it.attributes, 'redacted'), { stringValue: 'yes' });
      assert.equal(get(it.attributes, 'server.address'), undefined);
      assert.deepEqual(
        get(it.attributes, 'http.request.method'),
        { stringValue: 'GET' },
        'the rest survives',
      );
    }
  });
}

test('every attribute value kind survives hashing through the received-bytes path', async () => {
  const bytes = encodeRequest('traces', tracesFixture());
  const { p, got } = processor('traces', { actions: [{ pattern: '.*', action: 'hash' }] });
  await p.consume(decodeRequest('traces', bytes, { keepEncoded: true }), {});
  const back = decodeRequest('traces', encodeRequest('traces', got[0]!.data));
  const attrs = spansOf(back).flatMap((s) => s.attributes);
  assert.ok(attrs.length > 10);
  for (const kv of attrs)
    assert.match((kv.value as { stringValue: string }).stringValue, /^([0-9a-f]{64})?$/);
});

test('include/exclude that do not fit the pipeline signal fail at creation; admit() is forwarded', () => {
  const cfg = factory.configSchema.parse({
    include: { match_type: 'strict', span_names: ['x'] },
    actions: [{ key: 'a', action: 'delete' }],
  });
  assert.throws(
    () => factory.create({} as never, cfg, 'logs', sink<'logs'>().next),
    /span_names cannot be used in a logs/,
  );
  const { p, admits } = processor('traces', { actions: [{ key: 'a', action: 'delete' }] });
  p.admit!();
  assert.equal(admits(), 1);
  assert.equal(factory.mutatesData, true, 'the engine must clone before fan-out');
  assert.equal(factory.configSchema.safeParse({ actions: [] }).success, false);
  assert.equal(factory.configSchema.safeParse({}).success, false);
});
