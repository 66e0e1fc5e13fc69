// The receiver's wiring: the exposition it registers, its OTLP push (what a scrape shows, with
// the signal-metadata switches), and a process without Kubernetes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient } from '../../../k8s/client.ts';
import { LeaderElector } from '../../../k8s/leader-election.ts';
import { CONFIGMAPS, plainConnection, seedNamespaces, startSim } from '../../../k8s/testdata/sim-env.ts';
import type { SimEnv } from '../../../k8s/testdata/sim-env.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { CreateSettings, Extension, Host, KubernetesAccess } from '../../../pipeline/component.ts';
import { bodyText, ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema } from './config.ts';
import { KubeStateReceiver } from './receiver.ts';

let sim: SimEnv;
let access: KubernetesAccess;

function settings(): CreateSettings {
  return {
    id: { type: 'kubestate', name: '', key: 'kubestate' },
    kind: 'receiver',
    logger: silentLogger(),
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('receiver', 'kubestate'),
    dataDir: '/nonexistent',
  };
}

function host(
  kube: KubernetesAccess | undefined,
  extensions: Record<string, Extension> = {},
): Host & { exposition: ExpositionRegistry } {
  return {
    getExtension: (id) => extensions[id],
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    kubernetes: async () => kube,
  };
}

before(async () => {
  sim = await startSim();
  seedNamespaces(sim.store, 'a');
  for (const n of ['x', 'y']) {
    sim.store.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: n, namespace: 'a' },
    });
  }
  const connection = plainConnection(sim.proxy.url);
  access = {
    connection,
    client: createKubeClient(connection),
    clusterName: 'test-cluster',
    nodeName: undefined,
  };
});

after(async () => {
  access.client.close();
  await sim.close();
});

test('serves the cache and pushes the same series as OTLP', async () => {
  const pushed: MetricsData[] = [];
  const config = configSchema.parse({
    resources: ['configmaps'],
    streaming: { interval: '1h' },
    signal_metadata: { description: false },
  });
  const r = new KubeStateReceiver(settings(), config, { consume: async (d) => void pushed.push(d) });
  const h = host(access);
  await r.start(h);
  try {
    let text = '';
    for (let i = 0; i < 100 && !text.includes('configmap="y"'); i++) {
      await new Promise((res) => setTimeout(res, 20));
      text = await bodyText((await h.exposition.collect('/metrics/kubestate', 'text'))!);
    }
    assert.match(text, /kube_configmap_info\{namespace="a",configmap="x"\} 1/);
    await r.push();
    assert.equal(pushed.length, 1);
    const rm = pushed[0]!.resourceMetrics[0]!;
    const attrs = Object.fromEntries(
      rm.resource.attributes.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]),
    );
    assert.deepEqual(attrs, {
      'k8s.cluster.name': 'test-cluster',
      'watchingcat.signal.category': 'Kubernetes State',
      'watchingcat.signal.subcategory': 'ConfigMap Metrics',
      'watchingcat.source.module': 'watchingcat/src/kubestate',
      'watchingcat.collector.type': 'api',
    });
    const info = rm.scopeMetrics[0]!.metrics.find((m) => m.name === 'kube_configmap_info')!;
    assert.equal(info.data?.type, 'gauge');
    const points = info.data!.dataPoints as Array<{
      attributes: Array<{ key: string; value: unknown }>;
      asDouble?: number;
    }>;
    assert.deepEqual(
      points
        .map((p) =>
          p.attributes.map((a) => `${a.key}=${(a.value as { stringValue: string }).stringValue}`).join(','),
        )
        .sort(),
      ['namespace=a,configmap=x', 'namespace=a,configmap=y'],
    );
    assert.ok(points.every((p) => p.asDouble === 1));
    assert.equal(info.description, '[STABLE] Information about configmap.');
  } finally {
    await r.shutdown();
  }
  assert.equal(
    await h.exposition.collect('/metrics/kubestate', 'text'),
    undefined,
    'unregistered at shutdown',
  );
});

test('without Kubernetes it serves an empty endpoint and pushes nothing', async () => {
  const pushed: MetricsData[] = [];
  const r = new KubeStateReceiver(settings(), configSchema.parse({}), {
    consume: async (d) => void pushed.push(d),
  });
  const h = host(undefined);
  await r.start(h);
  assert.equal(await bodyText((await h.exposition.collect('/metrics/kubestate', 'text'))!), '');
  await r.push();
  assert.equal(pushed.length, 0);
  await r.shutdown();
});

test('with k8s_leader_elector: a standby serves no families; it takes over when the leader releases', async () => {
  const timing = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };
  const other = new LeaderElector({
    client: access.client,
    namespace: 'a',
    name: 'ksm',
    identity: 'other',
    ...timing,
  });
  other.start();
  const mine = new LeaderElector({
    client: access.client,
    namespace: 'a',
    name: 'ksm',
    identity: 'mine',
    ...timing,
  });
  const ext: Extension = {
    leaderElection: mine,
    start: async () => mine.start(),
    shutdown: () => mine.stop(),
  };
  const deadline = Date.now() + 3000;
  while (!other.isLeader() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
  assert.ok(other.isLeader());
  const pushed: MetricsData[] = [];
  const config = configSchema.parse({
    resources: ['configmaps'],
    streaming: { interval: '1h' },
    k8s_leader_elector: 'elector',
  });
  const r = new KubeStateReceiver(settings(), config, { consume: async (d) => void pushed.push(d) });
  const h = host(access, { elector: ext });
  await ext.start(h);
  await r.start(h);
  const scrape = async () => bodyText((await h.exposition.collect('/metrics/kubestate', 'text'))!);
  try {
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(await scrape(), '', 'standby: no families');
    await r.push();
    assert.equal(pushed.length, 0, 'standby: nothing pushed');
    await other.stop(); // graceful: released
    let text = '';
    for (let i = 0; i < 200 && !text.includes('configmap="y"'); i++) {
      await new Promise((res) => setTimeout(res, 20));
      text = await scrape();
    }
    assert.ok(mine.isLeader());
    assert.match(text, /kube_configmap_info\{namespace="a",configmap="x"\} 1/);
  } finally {
    await r.shutdown();
    await ext.shutdown();
  }
});

test('k8s_leader_elector does not combine with sharding', () => {
  assert.throws(
    () => configSchema.parse({ k8s_leader_elector: 'e', total_shards: 2 }),
    /does not combine with sharding/,
  );
});
