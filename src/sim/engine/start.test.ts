import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectStore } from '../apiserver/store.ts';
import { ClusterEngine } from './engine.ts';

test('start() advances simulated time with the clock; stop() halts it', async () => {
  let now = Date.UTC(2026, 2, 1);
  const clock = { now: () => now };
  const store = new ObjectStore({ now: () => new Date(now) });
  const engine = new ClusterEngine({ store, nodes: 2, pods: 20, seed: 1, churn: 2, clock });
  engine.populate();
  const t0 = engine.now;
  engine.start(5);
  now += 30_000; // the injected clock jumps; the next tick steps 30 s of simulated time
  await sleep(30);
  engine.stop();
  assert.equal(engine.now, t0 + 30_000);
  const rv = store.currentResourceVersion();
  now += 30_000;
  await sleep(20);
  assert.equal(engine.now, t0 + 30_000, 'stopped');
  assert.equal(store.currentResourceVersion(), rv);
});

test('options are validated', () => {
  const store = new ObjectStore();
  assert.throws(() => new ClusterEngine({ store, nodes: 0, pods: 10 }), /nodes must be an integer >= 1/);
  assert.throws(() => new ClusterEngine({ store, nodes: 1, pods: -1 }), /pods must be an integer >= 0/);
  assert.throws(() => new ClusterEngine({ store, nodes: 1, pods: 1, churn: -1 }), /churn must be >= 0/);
  const e = new ClusterEngine({ store, nodes: 1, pods: 5 });
  assert.throws(() => e.step(1000), /call populate\(\) first/);
  e.populate();
  assert.throws(() => e.populate(), /already populated/);
  // A single node is control plane and worker at once: labelled so, untainted, everything schedules.
  assert.equal(e.stats().unschedulable, 0);
  const node = store.list({ group: '', resource: 'nodes' })[0];
  assert.ok(node && 'node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {}));
  assert.equal((node.spec as { taints?: unknown }).taints, undefined);
});
