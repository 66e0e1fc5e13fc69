// /api/v1/pipeline over the embedded store: two processes' own metrics as the selfmetrics receiver
// sends them (from real prom-client registries), one of them silent, plus application data.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KeyValue } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { Storage } from '../storage/connection.ts';
import { embeddedStoreForTest } from '../storage/testdata/embedded-store.ts';
import { insertLogs, insertMetrics } from '../storage/writer.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import { selfMetricsToOtlp, type PromJsonMetric } from '../telemetry/self-otlp.ts';
import { buildApi } from './server.ts';

const S = 1_000_000_000n;
const NOW = 1_796_000_000n * S;
let store: Storage | undefined;
let unavailable = '';
let closeStore: () => Promise<void> = async () => {};
let app: FastifyInstance | undefined;

const res = (kv: Record<string, string>): KeyValue[] =>
  Object.entries(kv).map(([key, v]) => ({ key, value: { stringValue: v } }));

async function reportOf(m: SelfMetrics): Promise<PromJsonMetric[]> {
  return (await m.snapshot()) as PromJsonMetric[];
}

before(async () => {
  ({ storage: store, unavailable, close: closeStore } = await embeddedStoreForTest('wc-api-pipeline-'));
  if (!store) return;
  // An agent that accepted, refused and dropped, with a queue; reported 10 s ago and 70 s ago.
  const agent = new SelfMetrics({ processMetrics: false });
  const r = agent.forComponent('receiver', 'otlp');
  r.accepted('traces', 900, 'http');
  r.refused('traces', 7, 'http', 'memory_pressure');
  agent.forComponent('processor', 'filter').dropped('logs', 3);
  const e = agent.forComponent('exporter', 'otlphttp');
  e.sent('traces', 880);
  e.sendFailed('traces', 2, 'rejected');
  e.observe('queue_size', 'Items queued.', () => 42);
  const agentRes = res({
    'service.name': 'watchingcat',
    'service.instance.id': 'agent-a/1/1',
    'watchingcat.role': 'agent',
    'host.name': 'node-1',
    'k8s.node.name': 'node-1',
  });
  await insertMetrics(
    store,
    selfMetricsToOtlp(await reportOf(agent), agentRes, NOW - 600n * S, NOW - 70n * S),
  );
  r.accepted('traces', 100, 'http');
  await insertMetrics(
    store,
    selfMetricsToOtlp(await reportOf(agent), agentRes, NOW - 600n * S, NOW - 10n * S),
  );
  // A gateway that stopped reporting five minutes ago.
  const gw = new SelfMetrics({ processMetrics: false });
  gw.forComponent('receiver', 'otlp').accepted('logs', 5, 'grpc');
  const gwRes = res({
    'service.name': 'watchingcat',
    'service.instance.id': 'gw/2/2',
    'watchingcat.role': 'cluster',
  });
  await insertMetrics(store, selfMetricsToOtlp(await reportOf(gw), gwRes, NOW - 900n * S, NOW - 300n * S));
  // An application's logs, last 20 s ago.
  const logs: LogsData = {
    resourceLogs: [
      {
        resource: { attributes: res({ 'service.name': 'checkout' }), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [40n, 20n].map((ago) => ({
              timeUnixNano: NOW - ago * S,
              observedTimeUnixNano: NOW - ago * S,
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: 'ok' },
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
  await insertLogs(store, logs);
  app = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW });
});
after(async () => {
  await app?.close();
  await closeStore();
});

test('processes with heartbeat and counts (silent ones first); last data per source and signal', async (t) => {
  if (!app) return t.skip(unavailable);
  const r = await app.inject({ method: 'GET', url: '/api/v1/pipeline' });
  assert.equal(r.statusCode, 200, r.body);
  const b = r.json() as {
    silentAfterSeconds: number;
    processes: Array<Record<string, unknown>>;
    sources: Array<Record<string, unknown>>;
  };
  assert.equal(b.silentAfterSeconds, 60);
  assert.deepEqual(
    b.processes.map((p) => [p.instance, p.role, p.status, p.secondsSinceLastSeen]),
    [
      ['gw/2/2', 'cluster', 'silent', 300],
      ['agent-a/1/1', 'agent', 'ok', 10],
    ],
  );
  const a = b.processes[1]!;
  assert.deepEqual(
    [a.accepted, a.refused, a.dropped, a.sent, a.queueSize, a.node],
    [1000, 7, 5, 880, 42, 'node-1'],
    'the newest values, summed over series',
  );
  assert.deepEqual(b.sources, [
    {
      service: 'checkout',
      signal: 'logs',
      lastUnixNano: String(NOW - 20n * S),
      secondsSinceLast: 20,
      items: 2,
    },
  ]);
  const bad = await app.inject({ method: 'GET', url: '/api/v1/pipeline?start=x' });
  assert.equal(bad.statusCode, 400);
});
