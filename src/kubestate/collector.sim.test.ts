// The collector against the simulator's API server: series follow adds, updates and deletes;
// nothing stale survives a relist; shards split objects exactly; namespace filters hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKubeClient } from '../k8s/client.ts';
import type { KubeClient } from '../k8s/client.ts';
import { CONFIGMAPS, plainConnection, seedNamespaces, startSim } from '../k8s/testdata/sim-env.ts';
import type { SimEnv } from '../k8s/testdata/sim-env.ts';
import type { KubeObject } from '../k8s/types.ts';
import { resolveResources } from './catalog.ts';
import { KubeStateCollector } from './collector.ts';
import type { CollectorOptions } from './collector.ts';

function configMap(name: string, ns: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { k: 'v' } };
}

function scrape(c: KubeStateCollector): string {
  return Buffer.concat([...c.chunks('text')]).toString('utf8');
}

function infoLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('kube_configmap_info{'))
    .sort();
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kube-state collector against the simulator', () => {
  let sim: SimEnv;
  let client: KubeClient;
  const collectors: KubeStateCollector[] = [];

  function collector(opts: Partial<CollectorOptions> = {}): KubeStateCollector {
    const c = new KubeStateCollector({
      client,
      resources: resolveResources(['configmaps']),
      ...opts,
    });
    collectors.push(c);
    return c;
  }

  before(async () => {
    sim = await startSim({ historyLimit: 50 });
    client = createKubeClient(plainConnection(sim.proxy.url));
    seedNamespaces(sim.store, 'a', 'b', 'c');
  });

  after(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    client.close();
    await sim.close();
  });

  it('follows adds, updates and deletes, and drops the headers of an empty resource', async () => {
    const s = sim.store;
    s.create(CONFIGMAPS, configMap('one', 'a', { app: 'x' }));
    const c = collector({ allowLabels: new Map([['configmaps', ['app']]]) });
    await c.start();
    assert.match(scrape(c), /kube_configmap_labels\{namespace="a",configmap="one",label_app="x"\} 1/);
    s.create(CONFIGMAPS, configMap('two', 'b'));
    await until('add', () => infoLines(scrape(c)).length === 2);
    s.mutate(CONFIGMAPS, 'a', 'one', (o) => ((o.metadata.labels ??= {}).app = 'y'));
    await until('update', () => /label_app="y"/.test(scrape(c)));
    assert.doesNotMatch(scrape(c), /label_app="x"/, 'the old series is gone');
    s.delete(CONFIGMAPS, 'a', 'one');
    s.delete(CONFIGMAPS, 'b', 'two');
    await until('deletes', () => scrape(c) === '');
  });

  it('leaves nothing stale after a relist that missed deletes', async () => {
    const s = sim.store;
    for (let i = 0; i < 10; i++) s.create(CONFIGMAPS, configMap(`r-${i}`, 'c'));
    const c = collector({ pageSize: 3 });
    await c.start();
    assert.equal(infoLines(scrape(c)).length, 10);
    sim.proxy.down();
    for (let i = 0; i < 5; i++) s.delete(CONFIGMAPS, 'c', `r-${i}`);
    for (let i = 0; i < 60; i++)
      s.mutate(CONFIGMAPS, 'c', 'r-9', (o) => ((o.metadata.labels ??= {}).n = String(i)));
    sim.proxy.up();
    await until('relist', () => infoLines(scrape(c)).length === 5, 15_000);
    assert.deepEqual(
      infoLines(scrape(c)).map((l) => /configmap="([^"]+)"/.exec(l)![1]),
      ['r-5', 'r-6', 'r-7', 'r-8', 'r-9'],
    );
    for (let i = 5; i < 10; i++) s.delete(CONFIGMAPS, 'c', `r-${i}`);
    await until('cleanup', () => scrape(c) === '');
  });

  it('shards split the objects: each counted by exactly one shard', async () => {
    const s = sim.store;
    for (let i = 0; i < 60; i++) s.create(CONFIGMAPS, configMap(`s-${i}`, 'b'));
    const total = 3;
    const shards = [...Array(total).keys()].map((shard) =>
      collector({ shard: { shard, totalShards: total }, namespaces: ['b'] }),
    );
    const all = collector({ namespaces: ['b'] });
    await Promise.all([...shards, all].map((c) => c.start()));
    const union = shards.flatMap((c) => infoLines(scrape(c)));
    assert.equal(union.length, 60);
    assert.equal(new Set(union).size, 60, 'no object in two shards');
    assert.deepEqual(union.sort(), infoLines(scrape(all)));
    for (const c of shards) {
      const n = c.counts().configmaps!;
      assert.ok(n > 5 && n < 40, `shard sizes are balanced: ${n}`);
    }
    for (let i = 0; i < 60; i++) s.delete(CONFIGMAPS, 'b', `s-${i}`);
  });

  it('watches only the listed namespaces, or all but the excluded ones', async () => {
    const s = sim.store;
    for (const ns of ['a', 'b', 'c']) s.create(CONFIGMAPS, configMap(`n-${ns}`, ns));
    const only = collector({ namespaces: ['a', 'c'] });
    const except = collector({ namespacesExclude: ['a'] });
    await Promise.all([only.start(), except.start()]);
    const names = (c: KubeStateCollector) =>
      infoLines(scrape(c)).map((l) => /configmap="([^"]+)"/.exec(l)![1]);
    assert.deepEqual(names(only), ['n-a', 'n-c']);
    assert.deepEqual(names(except), ['n-b', 'n-c']);
  });

  it('skips resources the server does not serve, and says so once', async () => {
    const unserved: string[] = [];
    const fake = {
      ...resolveResources(['configmaps'])[0]!,
      resource: 'widgets',
      group: 'example.com',
      version: 'v1',
    };
    const c = collector({
      resources: [...resolveResources(['configmaps']), fake],
      onUnserved: (r) => unserved.push(r),
    });
    await c.start();
    assert.deepEqual(unserved, ['widgets']);
    assert.deepEqual(Object.keys(c.counts()), ['configmaps']);
  });
});
