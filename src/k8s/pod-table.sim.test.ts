// The pod table against the simulator's API server: indices, the node filter, the grace period
// for deleted pods, IP reuse, and lazy lookups (coalesced, remembered misses, bounded).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient, type KubeClient } from './client.ts';
import { acquirePodTable, PodTable } from './pod-table.ts';
import { PODS, plainConnection, seedNamespaces, startSim, until, type SimEnv } from './testdata/sim-env.ts';
import type { KubeObject } from './types.ts';

let sim: SimEnv;
let client: KubeClient;
before(async () => {
  sim = await startSim();
  seedNamespaces(sim.store, 'shop', 'other');
  client = createKubeClient(plainConnection(sim.proxy.url));
});
after(() => sim.close());

function makePod(name: string, node: string, ip: string, extra: Record<string, unknown> = {}): KubeObject {
  return sim.store.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'shop:1' }] },
    status: {
      phase: 'Running',
      podIP: ip,
      containerStatuses: [{ name: 'app', containerID: `containerd://${name}-c`, restartCount: 0 }],
    },
    ...extra,
  });
}

test('indices by uid, IP, name and container id; only the filtered node', async (t) => {
  const a = makePod('a', 'node-1', '10.1.0.1');
  const b = makePod('b', 'node-2', '10.1.0.2');
  const table = new PodTable({ client, filter: { node: 'node-1' } });
  t.after(() => table.stop());
  table.start();
  await table.synced;
  assert.equal(table.lookup({ kind: 'uid', uid: a.metadata.uid! })?.name, 'a');
  assert.equal(table.lookup({ kind: 'ip', ip: '10.1.0.1' })?.name, 'a');
  assert.equal(table.lookup({ kind: 'ip', ip: '::ffff:10.1.0.1' })?.name, 'a', 'IPv4-mapped peers match');
  assert.equal(table.lookup({ kind: 'name', namespace: 'shop', name: 'a' })?.name, 'a');
  assert.equal(table.lookup({ kind: 'container', id: 'containerd://a-c' })?.name, 'a');
  assert.equal(
    table.lookup({ kind: 'uid', uid: b.metadata.uid! }),
    undefined,
    'another node’s pod is not held',
  );
  assert.equal(table.size, 1);
  sim.store.delete(PODS, 'shop', 'a');
  sim.store.delete(PODS, 'shop', 'b');
});

test('a deleted pod stays findable for the grace period, then goes', async (t) => {
  let now = 1_000_000;
  const table = new PodTable({ client, filter: { node: 'node-3' }, keepDeletedMs: 60_000, now: () => now });
  t.after(() => table.stop());
  table.start();
  await table.synced;
  const p = makePod('short', 'node-3', '10.3.0.1');
  await until(() => table.lookup({ kind: 'uid', uid: p.metadata.uid! }) !== undefined, 'the pod');
  sim.store.delete(PODS, 'shop', 'short');
  await until(() => table.deletedKept === 1, 'the delete');
  now += 59_000;
  assert.equal(
    table.lookup({ kind: 'ip', ip: '10.3.0.1' })?.name,
    'short',
    'late data of a deleted pod still finds it',
  );
  now += 2_000;
  assert.equal(table.lookup({ kind: 'ip', ip: '10.3.0.1' }), undefined);
  assert.equal(table.lookup({ kind: 'uid', uid: p.metadata.uid! }), undefined);
  assert.equal(table.size, 0);
});

test('an IP reused within the grace period belongs to the new pod, before and after the old one is forgotten', async (t) => {
  let now = 2_000_000;
  const table = new PodTable({ client, filter: { node: 'node-4' }, keepDeletedMs: 60_000, now: () => now });
  t.after(() => table.stop());
  table.start();
  await table.synced;
  makePod('old', 'node-4', '10.4.0.1');
  await until(() => table.lookup({ kind: 'ip', ip: '10.4.0.1' })?.name === 'old', 'old');
  sim.store.delete(PODS, 'shop', 'old');
  await until(() => table.deletedKept === 1, 'the delete');
  const fresh = makePod('new', 'node-4', '10.4.0.1');
  await until(() => table.lookup({ kind: 'ip', ip: '10.4.0.1' })?.name === 'new', 'new');
  // A late update of a terminating pod that still reports the IP must not take it back.
  const late = makePod('late', 'node-4', '10.4.0.2');
  await until(() => table.lookup({ kind: 'ip', ip: '10.4.0.2' })?.name === 'late', 'late');
  sim.store.mutate(PODS, 'shop', 'late', (o) => {
    (o.status as { podIP: string }).podIP = '10.4.0.1';
    (o.status as { phase: string }).phase = 'Succeeded';
  });
  await until(() => table.lookup({ kind: 'uid', uid: late.metadata.uid! })?.live === false, 'late update');
  assert.equal(table.lookup({ kind: 'ip', ip: '10.4.0.1' })?.uid, fresh.metadata.uid);
  now += 61_000; // the old pod is forgotten: only its own entries go
  assert.equal(table.lookup({ kind: 'ip', ip: '10.4.0.1' })?.uid, fresh.metadata.uid);
  sim.store.delete(PODS, 'shop', 'new');
  sim.store.delete(PODS, 'shop', 'late');
});

test('lazy lookups: by IP and by name, coalesced, misses remembered, other nodes kept aside', async (t) => {
  let now = 3_000_000;
  let lists = 0;
  // Counts the API requests lazy lookups make (the informer lists through the same client once).
  const counting: KubeClient = Object.assign(Object.create(client) as KubeClient, {
    list: (...args: Parameters<KubeClient['list']>) => {
      lists++;
      return client.list(...args);
    },
  });
  const table = new PodTable({
    client: counting,
    filter: { node: 'node-5' },
    negativeTtlMs: 30_000,
    now: () => now,
  });
  t.after(() => table.stop());
  table.start();
  await table.synced;
  const far = makePod('far', 'node-6', '10.6.0.1');
  const before = lists;
  const [x, y] = await Promise.all([
    table.fetch({ kind: 'ip', ip: '10.6.0.1' }),
    table.fetch({ kind: 'ip', ip: '10.6.0.1' }),
  ]);
  assert.equal(x?.uid, far.metadata.uid);
  assert.equal(y, x, 'one request for concurrent misses of one key');
  assert.equal(lists - before, 1);
  assert.equal(table.lookup({ kind: 'ip', ip: '10.6.0.1' })?.name, 'far', 'kept in the foreign cache');
  assert.equal(table.size, 0, 'another node’s pod does not enter the table');
  assert.equal(table.foreignSize, 3, 'findable by uid, name and IP');
  assert.equal((await table.fetch({ kind: 'name', namespace: 'shop', name: 'far' }))?.uid, far.metadata.uid);

  assert.equal(await table.fetch({ kind: 'ip', ip: '10.9.9.9' }), undefined);
  assert.equal(table.stats.fetches.notFound, 1);
  assert.equal(await table.fetch({ kind: 'ip', ip: '10.9.9.9' }), undefined);
  assert.equal(table.stats.fetches.notFound, 1, 'a recent miss is not asked again');
  now += 31_000;
  assert.equal(await table.fetch({ kind: 'ip', ip: '10.9.9.9' }), undefined);
  assert.equal(table.stats.fetches.notFound, 2, 'asked again after the negative TTL');
  assert.equal(
    await table.fetch({ kind: 'name', namespace: 'shop', name: 'ghost' }),
    undefined,
    'a 404 is a miss',
  );
  assert.equal(await table.fetch({ kind: 'uid', uid: 'nope' }), undefined, 'uids cannot be selected on');
  now += 61_000;
  assert.equal(table.lookup({ kind: 'ip', ip: '10.6.0.1' }), undefined, 'foreign pods expire');
  sim.store.delete(PODS, 'shop', 'far');
});

test('one table per client and filter, stopped by its last user', async () => {
  const one = acquirePodTable({ client, filter: { node: 'node-7' } });
  const two = acquirePodTable({ client, filter: { node: 'node-7' } });
  const other = acquirePodTable({ client, filter: { node: 'node-8' } });
  assert.equal(one.table, two.table);
  assert.notEqual(one.table, other.table);
  await one.table.synced;
  await one.release();
  assert.equal(one.table.hasSynced(), true);
  await two.release();
  await other.release();
  // Users with different grace periods: the table keeps the longest.
  let now = 5_000_000;
  const short = acquirePodTable({ client, filter: { node: 'node-9' }, keepDeletedMs: 1_000, now: () => now });
  const long = acquirePodTable({ client, filter: { node: 'node-9' }, keepDeletedMs: 60_000 });
  await short.table.synced;
  const p = makePod('graceful', 'node-9', '10.9.0.1');
  await until(() => short.table.lookup({ kind: 'uid', uid: p.metadata.uid! }) !== undefined, 'the pod');
  sim.store.delete(PODS, 'shop', 'graceful');
  await until(() => short.table.deletedKept === 1, 'the delete');
  now += 30_000;
  assert.equal(long.table.lookup({ kind: 'uid', uid: p.metadata.uid! })?.name, 'graceful');
  await short.release();
  await long.release();
  const three = acquirePodTable({ client, filter: { node: 'node-7' } });
  assert.notEqual(three.table, one.table, 'a new table after the last release');
  await three.release();
});
