import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ObjectStore } from '../apiserver/store.ts';
import { ClusterEngine } from './engine.ts';
import { R } from './resources.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMiB(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

test('100 nodes / 10,000 pods: populate in seconds, heap well under 1 GiB, churn cost independent of size', () => {
  const t = Date.UTC(2026, 2, 1);
  const before = heapMiB();
  const store = new ObjectStore({ now: () => new Date(t) });
  const engine = new ClusterEngine({
    store,
    nodes: 100,
    pods: 10_000,
    seed: 3,
    churn: 0,
    clock: { now: () => t },
  });
  const t0 = performance.now();
  engine.populate();
  const populateMs = performance.now() - t0;
  const heap = heapMiB() - before;
  const pods = store.list(R.pods.key).length;

  // Background work with no churn: heartbeats, HPAs, cron jobs — proportional to nodes, not pods.
  let rv = store.currentResourceVersion();
  const s0 = performance.now();
  engine.step(60_000);
  const idleMs = performance.now() - s0;
  const idleWrites = store.currentResourceVersion() - rv;

  // Churn 1/s for a minute, as in the default configuration (the engine's own agenda drives it).
  const churned = new ClusterEngine({
    store: new ObjectStore({ now: () => new Date(t) }),
    nodes: 100,
    pods: 10_000,
    seed: 3,
    churn: 1,
    clock: { now: () => t },
  });
  churned.populate();
  const st = churned.sim.store;
  rv = st.currentResourceVersion();
  const c0 = performance.now();
  churned.step(60_000);
  const churnMs = performance.now() - c0;
  const churnWrites = st.currentResourceVersion() - rv;
  const heapBoth = heapMiB() - before;

  console.log(
    `scale: ${pods} pods on 100 nodes; populate ${Math.round(populateMs)} ms; heap +${Math.round(heap)} MiB (engine+store), ` +
      `+${Math.round(heapBoth)} MiB with a second cluster; idle minute ${Math.round(idleMs)} ms / ${idleWrites} writes; ` +
      `churn=1 minute ${Math.round(churnMs)} ms / ${churnWrites} writes`,
  );
  assert.ok(Math.abs(pods - 10_000) < 200, `about 10,000 pods (${pods})`);
  assert.equal(engine.stats().unschedulable, 0);
  assert.ok(populateMs < 10_000, `populate took ${populateMs} ms`);
  assert.ok(heap < 400, `heap ${heap} MiB`);
  assert.ok(idleWrites < 100 * 8 + 300, `idle writes ${idleWrites}`);
  // Generous: the machine is shared; unloaded this is well under a second.
  assert.ok(churnMs < 10_000, `a simulated minute of churn took ${churnMs} ms`);
});
