import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient } from '../../../k8s/client.ts';
import type { KubeClient } from '../../../k8s/client.ts';
import { PODS, plainConnection, pod, seedNamespaces, startSim } from '../../../k8s/testdata/sim-env.ts';
import type { SimEnv } from '../../../k8s/testdata/sim-env.ts';
import { discoverShard } from './auto-sharding.ts';

const STS = { group: 'apps', resource: 'statefulsets' };
let sim: SimEnv;
let client: KubeClient;

before(async () => {
  sim = await startSim();
  client = createKubeClient(plainConnection(sim.proxy.url));
  seedNamespaces(sim.store, 'mon');
  const sts = sim.store.create(STS, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'wc-cluster', namespace: 'mon' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'wc' } }, serviceName: 'wc', template: {} },
  });
  for (const i of [0, 1, 2]) {
    const p = pod(`wc-cluster-${i}`, 'mon', { app: 'wc' });
    p.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'wc-cluster',
        uid: sts.metadata.uid!,
        controller: true,
      },
    ];
    sim.store.create(PODS, p);
  }
  sim.store.create(PODS, pod('loose', 'mon'));
});

after(async () => {
  client.close();
  await sim.close();
});

test('the shard is the pod ordinal, the total the StatefulSet replicas', async () => {
  assert.deepEqual(await discoverShard(client, 'mon', 'wc-cluster-2'), { shard: 2, totalShards: 3 });
  sim.store.mutate(STS, 'mon', 'wc-cluster', (o) => ((o.spec as { replicas: number }).replicas = 5));
  assert.deepEqual(await discoverShard(client, 'mon', 'wc-cluster-0'), { shard: 0, totalShards: 5 });
  sim.store.mutate(STS, 'mon', 'wc-cluster', (o) => ((o.spec as { replicas: number }).replicas = 2));
  await assert.rejects(discoverShard(client, 'mon', 'wc-cluster-2'), /ordinal 2 .* 2 replicas/);
});

test('a pod without a StatefulSet owner is a clear error', async () => {
  await assert.rejects(discoverShard(client, 'mon', 'loose'), /not owned by a StatefulSet/);
  await assert.rejects(discoverShard(client, 'mon', 'absent'), /404|not found/i);
});
