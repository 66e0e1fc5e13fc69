import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { decodeRequest, encodeRequest } from '../../../codecs/otlp/index.ts';
import { realisticLogs, realisticMetrics, realisticTraces } from '../../../codecs/otlp/testdata/fixtures.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import { pendingItemCount } from '../../../model/encoded-groups.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { Consumer } from '../../../pipeline/component.ts';
import { factory, resourcesOf } from './factory.ts';

// The seed document's snippet (Helm values / architecture guide), as written.
const SEED = `
attributes:
  - key: k8s.cluster.name
    value: "otel-metrics-cluster"
    action: insert
  - key: deployment.environment
    value: "production"
    action: insert
`;

const make = { traces: realisticTraces, logs: realisticLogs, metrics: realisticMetrics };

function processor<S extends Signal>(signal: S, config: unknown) {
  const got: Array<SignalData<S>> = [];
  let admits = 0;
  const next: Consumer<S> = {
    async consume(d) {
      got.push(d);
    },
    admit: () => void admits++,
  };
  const p = factory.create({} as never, factory.configSchema.parse(config), signal, next);
  return { p, got, admits: () => admits };
}

const get = (attrs: KeyValue[], key: string) => attrs.find((kv) => kv.key === key)?.value;

test('the seed snippet validates and adds cluster and environment to every signal', async () => {
  const config = parse(SEED) as unknown;
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const { p, got } = processor(signal, config);
    await p.consume(make[signal](2) as SignalData<typeof signal>, {});
    const res = resourcesOf(signal, got[0]!)[0]!.resource.attributes;
    assert.deepEqual(get(res, 'k8s.cluster.name'), { stringValue: 'otel-metrics-cluster' }, signal);
    assert.deepEqual(get(res, 'deployment.environment'), { stringValue: 'production' }, signal);
    assert.deepEqual(get(res, 'service.name'), { stringValue: 'checkout' });
  }
});

test('insert keeps a value the resource already has; upsert replaces it; delete and hash act on keys', async () => {
  const { p, got } = processor('traces', {
    attributes: [
      { key: 'service.name', value: 'renamed', action: 'insert' },
      { key: 'host.name', value: 'node-9', action: 'upsert' },
      { key: 'k8s.pod.name', action: 'delete' },
      { key: 'k8s.namespace.name', action: 'hash' },
      { key: 'pod', from_attribute: 'k8s.pod.name', action: 'insert' },
    ],
  });
  await p.consume(realisticTraces(1), {});
  const res = got[0]!.resourceSpans[0]!.resource.attributes;
  assert.deepEqual(get(res, 'service.name'), { stringValue: 'checkout' });
  assert.deepEqual(get(res, 'host.name'), { stringValue: 'node-9' });
  assert.equal(get(res, 'k8s.pod.name'), undefined);
  assert.equal(get(res, 'pod'), undefined, 'the source was deleted by an earlier action');
  assert.match((get(res, 'k8s.namespace.name') as { stringValue: string }).stringValue, /^[0-9a-f]{64}$/);
  // Item attributes are not touched.
  const span = got[0]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.deepEqual(get(span.attributes, 'server.address'), {
    stringValue: 'checkout.shop.svc.cluster.local',
  });
});

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: received data keeps its scopes encoded and the exported bytes carry the change`, async () => {
    const bytes = encodeRequest(signal, make[signal](3) as SignalData<typeof signal>);
    const received = decodeRequest(signal, bytes, { keepEncoded: true });
    const { p, got } = processor(signal, {
      attributes: [
        { key: 'k8s.cluster.name', value: 'c1', action: 'upsert' },
        { key: 'host.name', action: 'delete' },
      ],
    });
    await p.consume(received, {});
    const group = resourcesOf(signal, got[0]!)[0]!;
    assert.equal(pendingItemCount(group), 3, 'the resource processor does not decode scopes');
    const back = decodeRequest(signal, encodeRequest(signal, got[0]!));
    const res = resourcesOf(signal, back)[0]!.resource.attributes;
    assert.deepEqual(get(res, 'k8s.cluster.name'), { stringValue: 'c1' });
    assert.equal(get(res, 'host.name'), undefined);
    // The items came through unchanged.
    const before = decodeRequest(signal, bytes);
    assert.deepEqual(
      JSON.stringify(
        resourcesOf(signal, back).map((r) => ({ ...r, resource: null })),
        big,
      ),
      JSON.stringify(
        resourcesOf(signal, before).map((r) => ({ ...r, resource: null })),
        big,
      ),
    );
  });
}

function big(_k: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}

test('config: at least one action; admit() is forwarded; declared as mutating', () => {
  assert.match(
    factory.configSchema.safeParse({ attributes: [] }).error!.issues[0]!.message,
    /at least one action/,
  );
  assert.equal(factory.configSchema.safeParse(null).success, false);
  assert.equal(
    factory.configSchema.safeParse({ attributes: [{ key: 'a', action: 'insert' }] }).success,
    false,
  );
  const { p, admits } = processor('logs', { attributes: [{ key: 'a', action: 'delete' }] });
  p.admit!();
  assert.equal(admits(), 1);
  assert.equal(factory.mutatesData, true);
});
