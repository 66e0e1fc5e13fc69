import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a64, jumpHash, ownsObject, shardOf, statefulSetOrdinal } from './sharding.ts';

test('FNV-1a 64 matches the reference vectors', () => {
  assert.equal(fnv1a64(''), 0xcbf29ce484222325n);
  assert.equal(fnv1a64('a'), 0xaf63dc4c8601ec8cn);
  assert.equal(fnv1a64('foobar'), 0x85944171f73967e8n);
});

test('jump hash matches the paper (and go-jump) for known keys', () => {
  // The test vectors published with the Go implementations kube-state-metrics uses.
  assert.equal(jumpHash(1n, 1), 0);
  assert.equal(jumpHash(42n, 57), 43);
  assert.equal(jumpHash(0xdead10ccn, 1), 0);
  assert.equal(jumpHash(0xdead10ccn, 666), 361);
  assert.equal(jumpHash(256n, 1024), 520);
});

test('every object is owned by exactly one shard, and shards are balanced', () => {
  const total = 5;
  const counts = new Array<number>(total).fill(0);
  for (let i = 0; i < 5000; i++) {
    const uid = `0000-${i}-uid`;
    const owners = [...Array(total).keys()].filter((s) => ownsObject({ shard: s, totalShards: total }, uid));
    assert.equal(owners.length, 1, uid);
    counts[owners[0]!]!++;
  }
  for (const c of counts) assert.ok(c > 800 && c < 1200, `balanced: ${counts.join(',')}`);
});

test('growing from N to N+1 shards moves about 1/(N+1) of the objects', () => {
  let moved = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) if (shardOf(`u-${i}`, 4) !== shardOf(`u-${i}`, 5)) moved++;
  assert.ok(moved / n > 0.15 && moved / n < 0.25, `moved ${moved}`);
});

test('StatefulSet ordinals come from the name suffix', () => {
  assert.equal(statefulSetOrdinal('watchingcat-cluster-2'), 2);
  assert.equal(statefulSetOrdinal('ksm-10'), 10);
  assert.equal(statefulSetOrdinal('no-ordinal'), undefined);
});
