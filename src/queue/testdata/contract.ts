// The SendQueue contract every queue implementation must keep, as node:test cases. Each
// queue's own test file runs these with a factory for its implementation, then adds its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueClosedError, QueueFullError, type QueueItem, type SendQueue, type Sizer } from '../types.ts';
import { checkPayload, payloadFor } from './prng.ts';

export type QueueFactory = (opts: { sizer: Sizer; capacity: number }) => Promise<SendQueue>;

export function item(n: number, opts: { items?: number; bytes?: number } = {}): QueueItem {
  return { signal: 'logs', items: opts.items ?? 1, payload: payloadFor(n, opts.bytes ?? 16) };
}

/** Takes without waiting: fails the test instead of hanging when nothing is there. */
export async function takeNow(q: SendQueue, ms = 2000) {
  let timer: NodeJS.Timeout | undefined;
  const l = await Promise.race([
    q.take(),
    new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error('take() did not resolve')), ms);
    }),
  ]);
  clearTimeout(timer);
  return l;
}

/** True when the promise is still pending after other queued I/O had a chance to run. */
export async function stillPending(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, 20));
  return !settled;
}

export function queueContract(make: QueueFactory, label = 'contract'): void {
  test(`${label}: FIFO order with identical bytes`, async () => {
    const q = await make({ sizer: 'requests', capacity: 1000 });
    try {
      for (let i = 0; i < 50; i++) await q.offer(item(i, { bytes: 8 + i }));
      for (let i = 0; i < 50; i++) {
        const l = (await takeNow(q))!;
        assert.equal(checkPayload(l.item.payload), i);
        assert.equal(l.item.payload.length, 8 + i);
        assert.equal(l.item.signal, 'logs');
        l.ack();
      }
      assert.equal(q.size(), 0);
    } finally {
      await q.close();
    }
  });

  test(`${label}: concurrent offers keep their call order`, async () => {
    const q = await make({ sizer: 'requests', capacity: 1000 });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => q.offer(item(i))));
      for (let i = 0; i < 200; i++) {
        const l = (await takeNow(q))!;
        assert.equal(checkPayload(l.item.payload), i);
        l.ack();
      }
    } finally {
      await q.close();
    }
  });

  const capacityCases: Array<{ sizer: Sizer; capacity: number; fits: QueueItem[]; over: QueueItem; unit: number }> =
    [
      { sizer: 'requests', capacity: 3, fits: [item(0), item(1), item(2)], over: item(3), unit: 1 },
      {
        sizer: 'items',
        capacity: 10,
        fits: [item(0, { items: 4 }), item(1, { items: 6 })],
        over: item(2, { items: 1 }),
        unit: 4,
      },
      {
        sizer: 'bytes',
        capacity: 100,
        fits: [item(0, { bytes: 60 }), item(1, { bytes: 40 })],
        over: item(2, { bytes: 8 }),
        unit: 60,
      },
    ];
  for (const c of capacityCases) {
    test(`${label}: capacity with the ${c.sizer} sizer`, async () => {
      const q = await make({ sizer: c.sizer, capacity: c.capacity });
      try {
        assert.equal(q.capacity(), c.capacity);
        for (const it of c.fits) await q.offer(it);
        assert.equal(q.size(), c.capacity);
        await assert.rejects(q.offer(c.over), QueueFullError);
        assert.equal(q.size(), c.capacity, 'a refused offer adds nothing');
        // Leased but not acked still counts.
        const l = (await takeNow(q))!;
        assert.equal(checkPayload(l.item.payload), 0);
        assert.equal(q.size(), c.capacity);
        await assert.rejects(q.offer(c.over), QueueFullError);
        l.ack();
        assert.equal(q.size(), c.capacity - c.unit);
        await q.offer(c.over);
        // Everything that was accepted is still delivered, in order, and nothing refused is.
        const rest: number[] = [];
        for (let i = 1; i < c.fits.length + 1; i++) {
          const x = (await takeNow(q))!;
          rest.push(checkPayload(x.item.payload));
          x.ack();
        }
        assert.deepEqual(
          rest,
          [...c.fits.slice(1), c.over].map((x) => checkPayload(x.payload)),
        );
        assert.equal(q.size(), 0);
      } finally {
        await q.close();
      }
    });
  }

  test(`${label}: an item larger than the capacity only goes into an empty queue`, async () => {
    const q = await make({ sizer: 'bytes', capacity: 100 });
    try {
      await q.offer(item(0, { bytes: 500 }));
      assert.equal(q.size(), 500);
      await assert.rejects(q.offer(item(1, { bytes: 500 })), QueueFullError);
      await assert.rejects(q.offer(item(1, { bytes: 8 })), QueueFullError);
      const l = (await takeNow(q))!;
      assert.equal(l.item.payload.length, 500);
      assert.equal(checkPayload(l.item.payload), 0);
      l.ack();
      await q.offer(item(2, { bytes: 8 }));
      await assert.rejects(q.offer(item(3, { bytes: 500 })), QueueFullError);
    } finally {
      await q.close();
    }
  });

  test(`${label}: nack puts the item back at the front; ack and nack act once`, async () => {
    const q = await make({ sizer: 'requests', capacity: 10 });
    try {
      for (let i = 0; i < 3; i++) await q.offer(item(i));
      const a = (await takeNow(q))!;
      const b = (await takeNow(q))!;
      assert.equal(checkPayload(b.item.payload), 1);
      b.nack();
      b.nack();
      b.ack(); // too late: the lease is finished
      assert.equal(q.size(), 3);
      a.nack();
      const order: number[] = [];
      for (let i = 0; i < 3; i++) {
        const l = (await takeNow(q))!;
        order.push(checkPayload(l.item.payload));
        l.ack();
        l.ack();
      }
      assert.deepEqual(order, [0, 1, 2]);
      assert.equal(q.size(), 0);
    } finally {
      await q.close();
    }
  });

  test(`${label}: take() waits for an item and resolves when one arrives`, async () => {
    const q = await make({ sizer: 'requests', capacity: 10 });
    try {
      const t1 = q.take();
      const t2 = q.take();
      assert.ok(await stillPending(t1), 'take() on an empty queue waits');
      await q.offer(item(7));
      await q.offer(item(8));
      const l1 = (await t1)!;
      const l2 = (await t2)!;
      assert.equal(checkPayload(l1.item.payload), 7);
      assert.equal(checkPayload(l2.item.payload), 8);
      assert.equal(q.size(), 2);
      // A nack with a taker waiting hands the item straight over.
      const t3 = q.take();
      assert.ok(await stillPending(t3));
      l1.nack();
      const l3 = (await t3)!;
      assert.equal(checkPayload(l3.item.payload), 7);
      l3.ack();
      l2.ack();
      assert.equal(q.size(), 0);
    } finally {
      await q.close();
    }
  });

  test(`${label}: close() resolves pending takes with null and refuses later offers`, async () => {
    const q = await make({ sizer: 'requests', capacity: 10 });
    const t1 = q.take();
    const t2 = q.take();
    assert.ok(await stillPending(t1));
    await q.close();
    assert.equal(await t1, null);
    assert.equal(await t2, null);
    assert.equal(await q.take(), null);
    await assert.rejects(q.offer(item(1)), QueueClosedError);
    await q.close(); // idempotent
  });
}
