// The demo application sends real OTLP/HTTP protobuf: decoded by the product's codec, its traces
// must be well-formed trees across the cluster's Deployments, and its logs must point at spans.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { decodeRequest } from '../../codecs/otlp/index.ts';
import type { LogsData } from '../../model/logs.ts';
import type { TracesData } from '../../model/traces.ts';
import { ObjectStore } from '../apiserver/store.ts';
import { ClusterEngine } from '../engine/engine.ts';
import { DemoApp, demoServices } from './app.ts';

function cluster(): ObjectStore {
  const store = new ObjectStore();
  new ClusterEngine({ store, nodes: 3, pods: 40, seed: 7 }).populate();
  return store;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('services are the running Deployments, one pod each', () => {
  const store = cluster();
  const services = demoServices(store);
  assert.ok(services.length >= 3, JSON.stringify(services));
  const pods = store.list({ group: '', resource: 'pods' });
  for (const s of services) {
    const pod = pods.find((p) => p.metadata.uid === s.pod.uid)!;
    assert.equal((pod.status as { phase: string }).phase, 'Running');
    assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet');
    assert.notEqual(pod.metadata.namespace, 'kube-system');
  }
  assert.equal(new Set(services.map((s) => s.pod.uid)).size, services.length);
});

test('a tick sends decodable traces (trees across services) and logs that point at their spans', async (t) => {
  const got: { traces: TracesData[]; logs: LogsData[] } = { traces: [], logs: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      assert.equal(req.headers['content-type'], 'application/x-protobuf');
      const body = Buffer.concat(chunks);
      if (req.url === '/v1/traces') got.traces.push(decodeRequest('traces', body));
      else if (req.url === '/v1/logs') got.logs.push(decodeRequest('logs', body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const app = new DemoApp({
    store: cluster(),
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rate: 40,
  });
  await app.tick(1000);
  assert.equal(got.traces.length, 1);
  assert.equal(got.logs.length, 1);
  assert.equal(app.stats.traces, 40);
  assert.equal(app.stats.failedSends, 0);

  const spans = got.traces[0]!.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({ s, service: rs.resource.attributes.find((a) => a.key === 'service.name')! })),
    ),
  );
  assert.equal(spans.length, app.stats.spans);
  const byId = new Map(spans.map((x) => [hex(x.s.spanId), x]));
  const byTrace = new Map<string, typeof spans>();
  for (const x of spans) byTrace.set(hex(x.s.traceId), [...(byTrace.get(hex(x.s.traceId)) ?? []), x]);
  assert.equal(byTrace.size, 40);
  for (const [, members] of byTrace) {
    const roots = members.filter((x) => x.s.parentSpanId.length === 0);
    assert.equal(roots.length, 1, 'one root per trace');
    for (const x of members) {
      assert.ok(x.s.endTimeUnixNano >= x.s.startTimeUnixNano);
      if (x.s.parentSpanId.length) assert.ok(byId.has(hex(x.s.parentSpanId)), 'every parent is in the trace');
    }
  }
  assert.ok(
    [...byTrace.values()].some((m) => new Set(m.map((x) => JSON.stringify(x.service.value))).size >= 2),
  );
  const records = got.logs[0]!.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
  assert.equal(records.length, app.stats.logs);
  for (const r of records) assert.ok(byId.has(hex(r.spanId)), 'each log line belongs to a span');
  for (const rs of got.traces[0]!.resourceSpans) {
    const keys = rs.resource.attributes.map((a) => a.key);
    for (const k of ['service.name', 'k8s.pod.uid', 'k8s.pod.name', 'k8s.namespace.name'])
      assert.ok(keys.includes(k));
  }
});

test('a receiver that refuses is counted, not buffered', async () => {
  const app = new DemoApp({ store: cluster(), endpoint: 'http://127.0.0.1:1', rate: 2 });
  await app.tick(500);
  assert.equal(app.stats.failedSends, 2);
  assert.ok(app.stats.lastError);
});
