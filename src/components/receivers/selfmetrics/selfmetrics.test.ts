import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsData } from '../../../model/metrics.ts';
import type { CreateSettings } from '../../../pipeline/component.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { factory, processResource } from './factory.ts';

test('pushes the process’s counters and gauges at start, named by a resource that identifies the process', async () => {
  const metrics = new SelfMetrics({ processMetrics: false });
  metrics.forComponent('receiver', 'otlp').accepted('traces', 12, 'http');
  metrics.forComponent('exporter', 'otlp').observe('queue_size', 'Items queued.', () => 3);
  const settings: CreateSettings = {
    id: { type: 'selfmetrics', name: '', key: 'selfmetrics' },
    kind: 'receiver',
    logger: silentLogger(),
    telemetry: metrics.forComponent('receiver', 'selfmetrics'),
    dataDir: '/nonexistent',
    identity: { role: 'agent', nodeName: 'node-4', clusterName: 'prod' },
  };
  const got: MetricsData[] = [];
  const r = factory.create(settings, factory.configSchema.parse({ collection_interval: '1h' }), {
    metrics: { consume: async (d) => void got.push(d) },
  });
  await r.start({} as never);
  await r.shutdown();
  assert.equal(got.length, 1, 'the first heartbeat at once');
  const rm = got[0]!.resourceMetrics[0]!;
  const resource = Object.fromEntries(
    rm.resource.attributes.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]),
  );
  assert.equal(resource['service.name'], 'watchingcat');
  assert.equal(resource['watchingcat.role'], 'agent');
  assert.equal(resource['k8s.node.name'], 'node-4');
  assert.equal(resource['k8s.cluster.name'], 'prod');
  assert.match(resource['service.instance.id']!, /\/\d+\/\d+$/);
  const byName = new Map(rm.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
  const accepted = byName.get('watchingcat_receiver_accepted_items_total')!;
  assert.equal(accepted.data?.type, 'sum');
  assert.equal((accepted.data as { isMonotonic: boolean }).isMonotonic, true);
  assert.equal(accepted.data!.dataPoints[0]!.asDouble, 12);
  const queue = byName.get('watchingcat_exporter_queue_size')!;
  assert.equal(queue.data?.type, 'gauge');
  assert.equal(queue.data!.dataPoints[0]!.asDouble, 3);
  assert.deepEqual(
    processResource({}, { POD_NAME: 'agent-x' }).find((a) => a.key === 'k8s.pod.name')?.value,
    {
      stringValue: 'agent-x',
    },
  );
});

test('a refused push is dropped (the next one carries the same cumulative values)', async () => {
  const metrics = new SelfMetrics({ processMetrics: false });
  metrics.forComponent('receiver', 'otlp').accepted('logs', 1, 'http');
  const r = factory.create(
    {
      id: { type: 'selfmetrics', name: '', key: 'selfmetrics' },
      kind: 'receiver',
      logger: silentLogger(),
      telemetry: metrics.forComponent('receiver', 'selfmetrics'),
      dataDir: '/nonexistent',
    },
    factory.configSchema.parse({}),
    { metrics: { consume: async () => Promise.reject(new Error('full')) } },
  );
  await r.start({} as never);
  await r.shutdown();
});
