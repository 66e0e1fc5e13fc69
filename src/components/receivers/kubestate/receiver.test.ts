// The receiver's wiring: the exposition it registers, its OTLP push (what a scrape shows, with
// the signal-metadata switches), and a process without Kubernetes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient } from '../../../k8s/client.ts';
import { CONFIGMAPS, plainConnection, seedNamespaces, startSim } from '../../../k8s/testdata/sim-env.ts';
import type { SimEnv } from '../../../k8s/testdata/sim-env.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { CreateSettings, Host, KubernetesAccess } from '../../../pipeline/component.ts';
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

function host(kube: KubernetesAccess | undefined): Host & { exposition: ExpositionRegistry } {
  return {
    getExtension: () => undefined,
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
