import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dump, list, smallCluster } from './testdata/cluster.ts';

test('same seed and clock give identical store contents, populate and after churn', () => {
  const a = smallCluster({ seed: 9, churn: 2 });
  const b = smallCluster({ seed: 9, churn: 2 });
  assert.deepEqual(dump(a.store), dump(b.store));
  a.engine.step(5 * 60_000);
  b.engine.step(5 * 60_000);
  assert.ok(a.engine.stats().events > 50, 'something happened');
  const da = dump(a.store);
  const db = dump(b.store);
  for (const k of Object.keys(da)) assert.equal(da[k], db[k], `${k} identical`);
  assert.equal(a.store.currentResourceVersion(), b.store.currentResourceVersion());
});

test('history does not depend on how time is stepped', () => {
  const a = smallCluster({ seed: 5, churn: 2 });
  const b = smallCluster({ seed: 5, churn: 2 });
  a.engine.step(120_000);
  for (let i = 0; i < 120; i++) b.engine.step(1_000);
  assert.deepEqual(dump(a.store), dump(b.store));
});

test('a different seed gives a different cluster', () => {
  const a = smallCluster({ seed: 1 });
  const b = smallCluster({ seed: 2 });
  const uidsA = list(a.store, 'pods').map((p) => p.metadata.uid);
  const uidsB = new Set(list(b.store, 'pods').map((p) => p.metadata.uid));
  assert.ok(uidsA.every((u) => !uidsB.has(u)));
  assert.notDeepEqual(
    list(a.store, 'pods').map((p) => p.metadata.name),
    list(b.store, 'pods').map((p) => p.metadata.name),
  );
  // uids are version-4 UUIDs drawn from the seed.
  for (const u of uidsA)
    assert.match(u as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
