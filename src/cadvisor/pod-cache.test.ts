// The pod list cache: first list waited for, background refresh, early re-read for unknown
// containers, bounded waits, failures keep the last list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PodCache } from './pod-cache.ts';

const podList = JSON.parse(
  readFileSync(new URL('./testdata/podlist.json', import.meta.url), 'utf8'),
) as unknown;

function cache(fetch: () => Promise<unknown>) {
  let now = 0;
  const errors: unknown[] = [];
  let recovered = 0;
  const c = new PodCache({
    fetch,
    refreshMs: 5000,
    minRefreshMs: 1000,
    onError: (e) => errors.push(e),
    onRecovered: () => recovered++,
    now: () => now,
  });
  return { c, errors, setNow: (t: number) => (now = t), recovered: () => recovered };
}

test('waits for the first list, then refreshes in the background once per period', async () => {
  let calls = 0;
  let release: (() => void) | undefined;
  const { c, setNow } = cache(async () => {
    calls++;
    if (calls === 2) await new Promise<void>((r) => (release = r));
    return podList;
  });
  const [a, b] = await Promise.all([c.get(1000), c.get(1000)]);
  assert.equal(calls, 1, 'one fetch shared');
  assert.equal(a, b);
  assert.equal(a.pods.size, 2);
  assert.ok(c.ready);
  setNow(4000);
  assert.equal(await c.get(1000), a);
  assert.equal(calls, 1, 'not before refreshMs');
  setNow(5000);
  assert.equal(await c.get(1000), a, 'a due refresh does not hold the caller up');
  assert.equal(calls, 2);
  release!();
  await new Promise((r) => setImmediate(r));
  assert.notEqual(await c.get(1000), a, 'the refreshed list is used once it arrived');
});

test('fresh(): a re-read at most once per minRefreshMs, waited for', async () => {
  let calls = 0;
  const { c, setNow } = cache(async () => {
    calls++;
    return podList;
  });
  const first = await c.get(1000);
  setNow(900);
  assert.equal(await c.fresh(1000), first);
  assert.equal(calls, 1, 'not before minRefreshMs');
  setNow(1000);
  const again = await c.fresh(1000);
  assert.equal(calls, 2);
  assert.notEqual(again, first, 'waited for the new list');
});

test('a kubelet that does not answer holds a collection up at most waitMs', async () => {
  const { c } = cache(() => new Promise(() => {}));
  const t0 = Date.now();
  const idx = await c.get(50);
  assert.equal(idx.pods.size, 0);
  assert.ok(Date.now() - t0 < 1000);
});

test('a failed fetch keeps the last index, reports, waits a period, and recovers', async () => {
  let fail = false;
  const { c, errors, setNow, recovered } = cache(async () => {
    if (fail) throw new Error('kubelet down');
    return podList;
  });
  assert.equal((await c.get(1000)).pods.size, 2);
  assert.equal(recovered(), 1);
  fail = true;
  setNow(5000);
  assert.equal((await c.get(1000)).pods.size, 2, 'stale but usable');
  await new Promise((r) => setImmediate(r));
  assert.equal(errors.length, 1);
  setNow(6500);
  await c.get(1000);
  await c.fresh(1000);
  assert.equal(errors.length, 1, 'an unreachable kubelet is not asked on every collection');
  fail = false;
  setNow(10_000);
  await c.get(1000);
  await new Promise((r) => setImmediate(r));
  assert.equal(recovered(), 2);
});

test('no kubelet: always the empty index, never a fetch', async () => {
  const c = new PodCache({ fetch: undefined, refreshMs: 1, minRefreshMs: 1, onError: () => assert.fail() });
  assert.equal((await c.get(1000)).pods.size, 0);
  assert.equal((await c.fresh(1000)).pods.size, 0);
  assert.equal(c.ready, false);
});
