import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coalescer } from './coalesce.ts';

test('identical reads share one computation while in flight and within the TTL; failures are not kept', async () => {
  let now = 0;
  const c = new Coalescer({ ttlMs: 1000, maxEntries: 2, now: () => now });
  let calls = 0;
  const slow = () => new Promise<number>((r) => setTimeout(() => r(++calls), 10));
  const [a, b] = await Promise.all([c.get('k', slow), c.get('k', slow)]);
  assert.deepEqual([a, b, calls], [1, 1, 1]);
  now = 999;
  assert.equal(await c.get('k', slow), 1, 'within the TTL');
  now = 1001;
  assert.equal(await c.get('k', slow), 2, 'recomputed after the TTL');
  assert.equal(await c.get('other', slow), 3, 'another key');
  let fails = 0;
  const failing = () => Promise.reject(new Error(`boom ${++fails}`));
  await assert.rejects(c.get('f', failing), /boom 1/);
  await assert.rejects(c.get('f', failing), /boom 2/, 'a failure is not reused');
  for (let i = 0; i < 10; i++) await c.get(`x${i}`, slow);
  assert.equal(await c.get('x9', slow), calls, 'the newest entry survives the size bound');
});
