import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockAppender } from './appender.ts';
import type { Appendable } from './appender.ts';

/** A block of numbers; byteLength is 8 per row. */
class NumBlock implements Appendable {
  values: number[] = [];
  get rows(): number {
    return this.values.length;
  }
  byteLength(): number {
    return this.values.length * 8;
  }
  reset(): void {
    this.values = [];
  }
}

/** A writer of `items` that honours `full()` before each row. */
function writer(items: number[]): (b: NumBlock, full: () => boolean) => boolean {
  let i = 0;
  return (b, full) => {
    while (i < items.length) {
      if (full()) return false;
      b.values.push(items[i++]!);
    }
    return true;
  };
}

interface Sent {
  values: number[];
  release: (err?: Error) => void;
}

/** A sender whose inserts complete only when the test releases them. */
function manualSender(maxInflight = 1): {
  sent: Sent[];
  send: (b: NumBlock) => Promise<void>;
  inflight: () => number;
} {
  const sent: Sent[] = [];
  let inflight = 0;
  return {
    sent,
    inflight: () => inflight,
    send: (b) =>
      new Promise<void>((resolve, reject) => {
        inflight++;
        assert.ok(inflight <= maxInflight, `at most ${maxInflight} inserts in flight`);
        sent.push({
          values: [...b.values],
          release: (err) => {
            inflight--;
            if (err) reject(err);
            else resolve();
          },
        });
      }),
  };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('appends within the delay share one insert, and resolve only after it commits', async () => {
  const s = manualSender();
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 100,
    maxBytes: 1e9,
    maxDelayMs: 30,
    maxInflight: 1,
  });
  let resolved = 0;
  const p1 = a.append(writer([1, 2])).then(() => resolved++);
  const p2 = a.append(writer([3])).then(() => resolved++);
  await tick(5);
  assert.equal(s.sent.length, 0, 'nothing is sent before the delay');
  await tick(50);
  assert.equal(s.sent.length, 1);
  assert.deepEqual(s.sent[0]!.values, [1, 2, 3]);
  await tick(5);
  assert.equal(resolved, 0, 'not acknowledged before commit');
  s.sent[0]!.release();
  await Promise.all([p1, p2]);
  assert.equal(resolved, 2);
  await a.close();
});

test('a large append is split at maxRows, in order, with at most two blocks held', async () => {
  const s = manualSender();
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 4,
    maxBytes: 1e9,
    maxDelayMs: 1000,
    maxInflight: 1,
  });
  const items = Array.from({ length: 10 }, (_, i) => i);
  let done = false;
  const p = a.append(writer(items)).then(() => (done = true));
  await tick(5);
  // First block full → sent at once; the second fills while the first is in flight; the writer waits.
  assert.equal(s.sent.length, 1);
  assert.deepEqual(s.sent[0]!.values, [0, 1, 2, 3]);
  s.sent[0]!.release();
  await tick(5);
  assert.equal(s.sent.length, 2);
  assert.deepEqual(s.sent[1]!.values, [4, 5, 6, 7]);
  s.sent[1]!.release();
  await tick(5);
  assert.equal(done, false, 'the last rows are not committed yet');
  await tick(1100);
  assert.equal(s.sent.length, 3);
  assert.deepEqual(s.sent[2]!.values, [8, 9]);
  s.sent[2]!.release();
  await p;
  assert.equal(done, true);
  await a.close();
});

test('maxBytes bounds a block too', async () => {
  const s = manualSender();
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 1e6,
    maxBytes: 8 * 600,
    maxDelayMs: 1000,
    maxInflight: 1,
  });
  const p = a.append(writer(Array.from({ length: 1500 }, (_, i) => i)));
  await tick(5);
  // The byte size is checked every 512 rows, so a block may pass the bound by less than that.
  assert.equal(s.sent.length, 1);
  assert.ok(s.sent[0]!.values.length >= 600 && s.sent[0]!.values.length < 600 + 512);
  s.sent[0]!.release();
  // The rest goes at close; release each insert as it comes.
  let closed = false;
  const closing = a.close().then(() => (closed = true));
  for (let released = 1; !closed;) {
    await tick(5);
    while (released < s.sent.length) s.sent[released++]!.release();
  }
  await closing;
  await p;
  assert.deepEqual(
    s.sent.flatMap((x) => x.values),
    Array.from({ length: 1500 }, (_, i) => i),
  );
});

test('a failed insert rejects exactly the appends with rows in it; later appends succeed', async () => {
  const s = manualSender();
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 100,
    maxBytes: 1e9,
    maxDelayMs: 10,
    maxInflight: 1,
  });
  const first = a.append(writer([1]));
  await tick(30);
  const second = a.append(writer([2])); // appended while the first insert is in flight
  s.sent[0]!.release(new Error('disk full'));
  await assert.rejects(first, /disk full/);
  await tick(30);
  assert.deepEqual(s.sent[1]!.values, [2]);
  s.sent[1]!.release();
  await second;
  await a.close();
});

test('close sends what is pending, waits for it, then refuses appends', async () => {
  const s = manualSender();
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 100,
    maxBytes: 1e9,
    maxDelayMs: 60_000,
    maxInflight: 1,
  });
  const p = a.append(writer([7, 8]));
  const closing = a.close();
  await tick(5);
  assert.deepEqual(s.sent[0]!.values, [7, 8], 'pending rows are sent at close without waiting for the delay');
  s.sent[0]!.release();
  await closing;
  await p;
  await assert.rejects(a.append(writer([9])), /closing/);
  assert.equal(s.inflight(), 0);
});

test('with maxInflight 2, two inserts run at once and a third block waits', async () => {
  const s = manualSender(2);
  const a = new BlockAppender(() => new NumBlock(), s.send, {
    maxRows: 2,
    maxBytes: 1e9,
    maxDelayMs: 1000,
    maxInflight: 2,
  });
  const p = a.append(writer([1, 2, 3, 4, 5, 6, 7]));
  await tick(5);
  assert.deepEqual(
    s.sent.map((x) => x.values),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.equal(s.inflight(), 2);
  s.sent[1]!.release(); // the second finishes first: its slot goes to the next full block
  await tick(5);
  assert.deepEqual(s.sent[2]!.values, [5, 6]);
  s.sent[0]!.release();
  s.sent[2]!.release();
  const closing = a.close();
  await tick(5);
  assert.deepEqual(s.sent[3]!.values, [7]);
  s.sent[3]!.release();
  await closing;
  await p;
});
