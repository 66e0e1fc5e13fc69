import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryQueue } from './memory-queue.ts';
import { QueueFullError, type Lease, type Sizer } from './types.ts';
import { item, queueContract, stillPending, takeNow } from './testdata/contract.ts';
import { checkPayload, prng, randInt } from './testdata/prng.ts';

queueContract(async (o) => new MemoryQueue(o));

test('pending() counts items waiting, not leased ones', async () => {
  const q = new MemoryQueue({ sizer: 'requests', capacity: 10 });
  await q.offer(item(1));
  await q.offer(item(2));
  const l = (await takeNow(q))!;
  assert.equal(q.pending(), 1);
  assert.equal(q.size(), 2);
  l.nack();
  assert.equal(q.pending(), 2);
  await q.close();
});

test('a nack after close() does not hand the item to anyone and keeps it queued', async () => {
  const q = new MemoryQueue({ sizer: 'requests', capacity: 10 });
  await q.offer(item(1));
  const l = (await takeNow(q))!;
  const t = q.take();
  assert.ok(await stillPending(t));
  await q.close();
  assert.equal(await t, null);
  l.nack();
  assert.equal(q.pending(), 1);
});

/**
 * Thousands of random operations checked against the simplest possible model: an array of
 * waiting items (nack goes to the front) plus a set of leases, with the capacity rule.
 */
for (const sizer of ['requests', 'items', 'bytes'] as Sizer[]) {
  test(`randomized model test (${sizer} sizer)`, async () => {
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed * 1000 + sizer.length);
      const capacity = sizer === 'requests' ? 20 : sizer === 'items' ? 60 : 600;
      const q = new MemoryQueue({ sizer, capacity });
      const sizeOf = (n: number) =>
        sizer === 'requests' ? 1 : sizer === 'items' ? (n % 7) + 1 : 8 + (n % 61);
      const waiting: number[] = [];
      const leased = new Map<number, Lease>();
      let used = 0;
      let next = 0;
      for (let op = 0; op < 4000; op++) {
        const r = rnd();
        const ctx = `seed ${seed} op ${op}`;
        if (r < 0.4) {
          const n = next++;
          const s = sizeOf(n);
          const it = item(n, { items: (n % 7) + 1, bytes: 8 + (n % 61) });
          if (used + s > capacity && used > 0) {
            await assert.rejects(q.offer(it), QueueFullError, ctx);
          } else {
            await q.offer(it);
            waiting.push(n);
            used += s;
          }
        } else if (r < 0.7) {
          if (waiting.length === 0) continue;
          const l = (await takeNow(q))!;
          const n = checkPayload(l.item.payload);
          assert.equal(n, waiting.shift(), ctx);
          assert.equal(l.item.items, (n % 7) + 1, ctx);
          leased.set(n, l);
        } else if (leased.size > 0) {
          const keys = [...leased.keys()];
          const n = keys[randInt(rnd, keys.length)]!;
          const l = leased.get(n)!;
          leased.delete(n);
          if (r < 0.88) {
            l.ack();
            used -= sizeOf(n);
          } else {
            l.nack();
            waiting.unshift(n);
          }
        }
        assert.equal(q.size(), used, ctx);
        assert.equal(q.pending(), waiting.length, ctx);
      }
      await q.close();
    }
  });
}
