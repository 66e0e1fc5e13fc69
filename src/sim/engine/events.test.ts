import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../apiserver/store.ts';
import { Sim } from './sim.ts';
import { EventRecorder } from './events.ts';
import { R } from './resources.ts';
import { list, smallCluster } from './testdata/cluster.ts';
import type { Json } from './testdata/cluster.ts';

const inv = { kind: 'Pod', apiVersion: 'v1', namespace: 'ns', name: 'web-1', uid: 'u1' };

function setup(opts = {}) {
  const store = new ObjectStore();
  const sim = new Sim(store, 1, Date.UTC(2026, 0, 1));
  return { store, sim, rec: new EventRecorder(sim, opts) };
}

test('repeats bump count and lastTimestamp instead of creating new events', () => {
  const { store, sim, rec } = setup();
  rec.warning(inv, 'BackOff', 'Back-off restarting failed container', { component: 'kubelet', host: 'n1' });
  sim.now += 30_000;
  rec.warning(inv, 'BackOff', 'Back-off restarting failed container', { component: 'kubelet', host: 'n1' });
  rec.normal(inv, 'Pulled', 'Container image "x" already present on machine', {
    component: 'kubelet',
    host: 'n1',
  });
  const evs = store.list(R.events.key) as Json[];
  assert.equal(evs.length, 2);
  const backoff = evs.find((e) => e.reason === 'BackOff');
  assert.equal(backoff.count, 2);
  assert.equal(backoff.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(backoff.lastTimestamp, '2026-01-01T00:00:30Z');
  assert.equal(backoff.type, 'Warning');
  assert.deepEqual(backoff.source, { component: 'kubelet', host: 'n1' });
  assert.equal(backoff.reportingComponent, 'kubelet');
  assert.equal(backoff.reportingInstance, 'n1');
  assert.equal(backoff.metadata.namespace, 'ns');
  assert.match(backoff.metadata.name, /^web-1\.[0-9a-f]{16}$/);
  assert.equal(backoff.involvedObject.uid, 'u1');
});

test('events expire an hour after their last update', () => {
  const { store, sim, rec } = setup();
  rec.normal(inv, 'A', 'a', { component: 'kubelet' });
  rec.normal(inv, 'B', 'b', { component: 'kubelet' });
  sim.now += 50 * 60_000;
  rec.normal(inv, 'B', 'b', { component: 'kubelet' }); // refreshed
  sim.now += 11 * 60_000;
  rec.expire();
  assert.deepEqual(
    store.list(R.events.key).map((e) => e.reason),
    ['B'],
  );
  sim.now += 60 * 60_000;
  rec.expire();
  assert.equal(store.list(R.events.key).length, 0);
  assert.equal(rec.size, 0);
});

test('the number of events is capped', () => {
  const { store, rec } = setup({ maxEvents: 10 });
  for (let i = 0; i < 25; i++)
    rec.normal({ ...inv, name: `p${i}`, uid: `u${i}` }, 'Started', 'Started container app', {
      component: 'kubelet',
    });
  assert.equal(store.list(R.events.key).length, 10);
  assert.deepEqual(
    store
      .list(R.events.key)
      .map((e) => (e.involvedObject as Json).name)
      .sort(),
    ['p15', 'p16', 'p17', 'p18', 'p19', 'p20', 'p21', 'p22', 'p23', 'p24'],
  );
});

test('a busy cluster keeps its event count bounded by the TTL', () => {
  const { store, engine } = smallCluster({ churn: 2, eventTtlMs: 2 * 60_000 });
  const counts: number[] = [];
  for (let i = 0; i < 6; i++) {
    engine.step(2 * 60_000);
    counts.push(list(store, 'events').length);
  }
  const evs = list(store, 'events') as Json[];
  const oldest = Math.min(...evs.map((e) => Date.parse(e.lastTimestamp)));
  assert.ok(engine.now - oldest <= 2 * 60_000, 'nothing older than the TTL');
  assert.equal(engine.stats().events, evs.length, 'recorder and store agree');
  // Steady state: later windows do not keep growing.
  assert.ok(Math.max(...counts.slice(2)) < 2 * Math.min(...counts.slice(2)), `bounded: ${counts.join(',')}`);
  const kinds = new Set(evs.map((e) => e.source.component));
  for (const c of ['kubelet', 'default-scheduler', 'replicaset-controller', 'deployment-controller'])
    assert.ok(kinds.has(c), c);
});
