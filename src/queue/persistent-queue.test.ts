import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PersistentQueue, type PersistentQueueOptions } from './persistent-queue.ts';
import { QueueFullError, type Lease, type Sizer } from './types.ts';
import { item, queueContract, takeNow } from './testdata/contract.ts';
import { checkPayload, payloadFor, prng, randInt } from './testdata/prng.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wc-pq-test-'));
  dirs.push(d);
  return d;
}
function open(directory: string, o: Partial<PersistentQueueOptions> = {}): Promise<PersistentQueue> {
  return PersistentQueue.open({ directory, sizer: 'requests', capacity: 1e9, ...o });
}
const segFiles = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort();

/**
 * Takes everything currently queued (without waiting), acking when asked. Without acks it
 * relies on the requests sizer: size() is then the number of records.
 */
async function drain(q: PersistentQueue, ack = true): Promise<number[]> {
  const out: number[] = [];
  for (let left = q.size(); ack ? q.size() > 0 : left > 0; left--) {
    const l = (await takeNow(q))!;
    out.push(checkPayload(l.item.payload));
    if (ack) l.ack();
  }
  return out;
}

queueContract((o) => open(tmp(), o), 'contract');
queueContract((o) => open(tmp(), { ...o, segmentBytes: 64 }), 'contract, tiny segments');

test('producers offering in loops across segment rolls get back exactly their bytes', async () => {
  const dir = tmp();
  const q = await open(dir, { segmentBytes: 64 });
  const got = new Map<number, number>();
  await Promise.all(
    Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; i < 40; i++) await q.offer(item(p * 1000 + i, { bytes: 8 + ((p * 13 + i * 7) % 90) }));
    }),
  );
  for (const n of await drain(q)) got.set(n, (got.get(n) ?? 0) + 1);
  assert.equal(got.size, 320);
  assert.ok([...got.values()].every((c) => c === 1));
  assert.equal(q.size(), 0);
  await q.close();
  // Nothing left to replay.
  const q2 = await open(dir);
  assert.equal(q2.size(), 0);
  await q2.close();
});

test('a batch offered during a segment roll gets its own file (regression: shared segment name)', async () => {
  // Each record fills a segment by itself, so every batch rolls; the producers' next offers
  // arrive while the previous segment is being closed. Segments used to be named after the
  // next sequence number, and two of them could share one file: one item was then read back
  // twice, another never, and acking the first deleted the second's records.
  const dir = tmp();
  const q = await open(dir, { segmentBytes: 64 });
  await Promise.all(
    Array.from({ length: 4 }, async (_, p) => {
      for (let i = 0; i < 4; i++) await q.offer(item(p * 1000 + i, { bytes: 100 }));
    }),
  );
  const got = await drain(q);
  assert.deepEqual(
    got.slice().sort((a, b) => a - b),
    [0, 1, 2, 3, 1000, 1001, 1002, 1003, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003],
  );
  await q.close();
});

test('a record that cannot be read back is kept (capacity and file), not dropped', async () => {
  const dir = tmp();
  let q = await open(dir, { segmentBytes: 64 });
  await q.offer(item(0, { bytes: 100 }));
  await q.offer(item(1, { bytes: 100 }));
  await q.close();
  const [first] = segFiles(dir);
  const saved = readFileSync(join(dir, first!));
  q = await open(dir, { segmentBytes: 64 });
  rmSync(join(dir, first!)); // e.g. removed by hand while running: the read fails
  const l = (await takeNow(q))!;
  assert.equal(checkPayload(l.item.payload), 1, 'the next readable record is delivered');
  l.ack();
  assert.equal(q.size(), 1, 'the unreadable record still counts');
  await q.close();
  writeFileSync(join(dir, first!), saved); // the file is back: the record is delivered
  q = await open(dir, { segmentBytes: 64 });
  assert.deepEqual(await drain(q), [0]);
  await q.close();
});

test('restart: same items in the same order with identical bytes; acks stick; leases come back', async () => {
  const dir = tmp();
  let q = await open(dir, { segmentBytes: 4096 });
  const signals = ['traces', 'metrics', 'logs'] as const;
  for (let i = 0; i < 300; i++)
    await q.offer({
      signal: signals[i % 3]!,
      items: i * 3 + 1,
      payload: payloadFor(i, 8 + ((i * 37) % 700)),
    });
  assert.ok(segFiles(dir).length > 10, 'several segments');
  for (let i = 0; i < 100; i++) {
    const l = (await takeNow(q))!;
    if (i < 50) l.ack(); // the rest stay leased, unacked, when the queue closes
  }
  assert.equal(q.size(), 250);
  await q.close();

  q = await open(dir, { segmentBytes: 4096 });
  assert.equal(q.size(), 250);
  assert.equal(q.corruptedRecords, 0);
  for (let i = 50; i < 300; i++) {
    const l = (await takeNow(q))!;
    assert.equal(checkPayload(l.item.payload), i);
    assert.equal(l.item.payload.length, 8 + ((i * 37) % 700));
    assert.equal(l.item.signal, signals[i % 3]);
    assert.equal(l.item.items, i * 3 + 1);
    if (i < 200) l.ack();
  }
  // 200..299 are leased, unacked; new offers go after them.
  await q.offer(item(1000));
  await q.close();

  q = await open(dir, { segmentBytes: 4096 });
  assert.deepEqual(await drain(q), [...Array.from({ length: 100 }, (_, i) => 200 + i), 1000]);
  await q.close();
  q = await open(dir);
  assert.equal(q.size(), 0);
  assert.equal(q.segmentCount(), 0);
  await q.close();
  assert.deepEqual(segFiles(dir), [], 'fully acked segments are deleted');
});

// ---- kill -9 ----

const CHILD = fileURLToPath(new URL('./testdata/queue-child.ts', import.meta.url));

/**
 * Runs the child script, SIGKILLs it `killAfterMs` after it is ready, and returns what it
 * printed: items whose offer() resolved and items it acked, in order. With `stallOutput` the
 * child's output is not read between READY and the kill (a busy test process): the pipe fills
 * and the child must wait on it rather than lose lines.
 */
async function runAndKill(
  mode: string,
  dir: string,
  base: number,
  killAfterMs: number,
  segmentBytes = 4096,
  stallOutput = false,
) {
  const child = spawn(process.execPath, [CHILD, mode, dir, String(base), String(segmentBytes)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  // 'close' comes after both the exit and the end of stdout, so every printed line is in.
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.once('close', (code, sig) => r(sig ?? code)),
  );
  const deadline = Date.now() + 10_000;
  while (!out.includes('READY\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`child did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (stallOutput) child.stdout.pause();
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.kill('SIGKILL');
  child.stdout.resume();
  // Waiting for it also reaps it, so its pid no longer looks alive to the lock.
  assert.equal(await exited, 'SIGKILL', `child died on its own: ${err}`);
  const offered: number[] = [];
  const acked: number[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('O ')) offered.push(Number(line.slice(2)));
    else if (line.startsWith('A ')) acked.push(Number(line.slice(2)));
  }
  return { offered, acked, outputBytes: out.length };
}

/**
 * The seed of a randomized kill test: QUEUE_TEST_SEED when set, else from the clock. A failure
 * names it; rerunning with it replays the same kill delays (not the same scheduling, so a
 * timing-dependent failure may need several runs).
 */
async function withSeed(offset: number, body: (rnd: () => number) => Promise<void>): Promise<void> {
  const seed = Number(process.env.QUEUE_TEST_SEED ?? Date.now() % 100000);
  try {
    await body(prng(seed + offset));
  } catch (e) {
    if (e instanceof Error) e.message += ` [QUEUE_TEST_SEED=${seed}]`;
    throw e;
  }
}

/** Every item in the reopened queue, checked byte by byte, with how often each appears. */
async function contents(dir: string): Promise<Map<number, number>> {
  const q = await open(dir);
  const seen = new Map<number, number>();
  for (const n of await drain(q, false)) seen.set(n, (seen.get(n) ?? 0) + 1);
  await q.close();
  return seen;
}

test('kill -9 while producing: every acknowledged offer survives, intact and once', () =>
  withSeed(0, async (rnd) => {
    const dir = tmp();
    const everOffered = new Set<number>();
    for (let round = 0; round < 3; round++) {
      const killAfter = 30 + randInt(rnd, 300);
      const { offered } = await runAndKill('produce', dir, round * 1_000_000, killAfter);
      assert.ok(offered.length > 0, `round ${round}: the child offered something in ${killAfter} ms`);
      for (const n of offered) everOffered.add(n);
      const seen = await contents(dir);
      for (const n of everOffered)
        assert.equal(seen.get(n), 1, `round ${round}: item ${n} lost or duplicated`);
      for (const [n, c] of seen) assert.equal(c, 1, `item ${n} appears ${c} times`);
    }
  }));

test('kill -9 while producing and consuming: nothing unacked is lost, nothing duplicated', () =>
  withSeed(1, async (rnd) => {
    const dir = tmp();
    const offered = new Set<number>();
    const acked = new Set<number>();
    let redeliveredAcked = 0;
    for (let round = 0; round < 3; round++) {
      const killAfter = 30 + randInt(rnd, 300);
      const r = await runAndKill('both', dir, round * 1_000_000, killAfter);
      for (const n of r.offered) offered.add(n);
      for (const n of r.acked) acked.add(n);
      const seen = await contents(dir);
      for (const n of offered)
        if (!acked.has(n))
          assert.equal(
            seen.get(n),
            1,
            `round ${round} (killed after ${killAfter} ms): unacked item ${n} lost`,
          );
      for (const [n, c] of seen) {
        assert.equal(c, 1, `item ${n} appears ${c} times`);
        // An ack is written after ack() returns, so the last few may not have reached the OS.
        if (acked.has(n)) redeliveredAcked++;
      }
    }
    assert.ok(acked.size > 0, 'the child acked something');
    // Acks are written within a few milliseconds: only those in flight at the kill come back.
    assert.ok(redeliveredAcked <= 3 * 200, `${redeliveredAcked} acked items redelivered`);
  }));

test('kill -9 while a consumer acks a filled queue', async () => {
  const dir = tmp();
  let q = await open(dir, { segmentBytes: 4096 });
  for (let i = 0; i < 3000; i++) await q.offer(item(i, { bytes: 8 + (i % 300) }));
  await q.close();
  const { acked } = await runAndKill('consume', dir, 0, 40);
  const ackedSet = new Set(acked);
  assert.ok(acked.length > 0 && acked.length < 3000, `acked ${acked.length} of 3000 before the kill`);
  q = await open(dir);
  const rest = await drain(q, false);
  await q.close();
  assert.equal(new Set(rest).size, rest.length, 'no duplicates');
  for (let i = 0; i < 3000; i++) if (!ackedSet.has(i)) assert.ok(rest.includes(i), `unacked item ${i} lost`);
  const back = rest.filter((n) => ackedSet.has(n)).length;
  assert.ok(back <= 200, `${back} acked items came back`);
});

// The CI failure of 'kill -9 while producing and consuming' ("round 1: unacked item lost") was the
// child's, not the queue's: while the test process did not read, the stdout pipe filled,
// process.stdout kept the child's later lines in memory, and the kill lost `A` lines of acks
// already in acks.log, so the test expected items that were rightly gone. The child now writes
// each line with a blocking write before acking. Here the test stops reading on purpose.
test('kill -9 while the test does not read the child: no acked item goes unreported', async () => {
  const dir = tmp();
  const total = 30_000;
  let q = await open(dir, { segmentBytes: 64 * 1024 });
  for (let i = 0; i < total; i += 1000)
    await Promise.all(Array.from({ length: 1000 }, (_, j) => q.offer(item(i + j))));
  await q.close();
  const { acked, outputBytes } = await runAndKill('consume', dir, 0, 1500, 64 * 1024, true);
  assert.ok(acked.length > 0, 'the child acked something');
  const ackedSet = new Set(acked);
  q = await open(dir);
  const rest = await drain(q, false);
  await q.close();
  assert.equal(new Set(rest).size, rest.length, 'no duplicates');
  const restSet = new Set(rest);
  const missing = Array.from({ length: total }, (_, i) => i).filter(
    (i) => !ackedSet.has(i) && !restSet.has(i),
  );
  assert.deepEqual(
    missing.slice(0, 10),
    [],
    `${missing.length} items gone without an A line (${outputBytes} bytes of output read)`,
  );
});

// ---- torn tail and corruption ----

async function fillOneSegment(dir: string, count: number): Promise<{ file: string; offsets: number[] }> {
  const q = await open(dir);
  for (let i = 0; i < count; i++) await q.offer(item(i, { bytes: 100 }));
  await q.close();
  const [name] = segFiles(dir);
  const file = join(dir, name!);
  const offsets = Array.from({ length: count }, (_, i) => i * (24 + 100));
  assert.equal(statSync(file).size, count * 124);
  return { file, offsets };
}

test('torn tail: a half-written last record is cut off; earlier records and new offers are fine', async () => {
  const dir = tmp();
  const { file, offsets } = await fillOneSegment(dir, 20);
  truncateSync(file, offsets[19]! + 60);
  const q = await open(dir);
  assert.equal(q.corruptedRecords, 1);
  assert.equal(q.truncatedBytes, 60);
  assert.equal(q.size(), 19);
  await q.offer(item(100));
  assert.deepEqual(await drain(q), [...Array.from({ length: 19 }, (_, i) => i), 100]);
  await q.close();
  const q2 = await open(dir);
  assert.equal(q2.size(), 0);
  assert.equal(q2.corruptedRecords, 0);
  await q2.close();
});

test('a flipped byte in the last record drops only that record', async () => {
  for (const at of [3, 10, 22, 24 + 50]) {
    const dir = tmp();
    const { file, offsets } = await fillOneSegment(dir, 20);
    const b = readFileSync(file);
    b[offsets[19]! + at]! ^= 0x10;
    writeFileSync(file, b);
    const q = await open(dir);
    assert.equal(q.corruptedRecords, 1, `byte ${at}`);
    await q.offer(item(100));
    assert.deepEqual(await drain(q), [...Array.from({ length: 19 }, (_, i) => i), 100], `byte ${at}`);
    await q.close();
  }
});

test('corruption in the middle of a segment is reported and loses only the damaged record', async () => {
  const dir = tmp();
  const { file, offsets } = await fillOneSegment(dir, 20);
  const b = readFileSync(file);
  b[offsets[7]! + 30]! ^= 0xff; // payload byte of record 7
  b[offsets[12]! + 4]! ^= 0x40; // length field of record 12
  writeFileSync(file, b);
  const warnings: unknown[] = [];
  const logger = { warn: (o: unknown) => warnings.push(o), info() {}, error() {}, debug() {} };
  const q = await open(dir, { logger: logger as unknown as PersistentQueueOptions['logger'] });
  assert.equal(q.corruptedRecords, 2);
  assert.equal(q.skippedBytes, 2 * 124);
  assert.equal(q.truncatedBytes, 0);
  assert.equal(warnings.length, 2, 'each damaged record is logged');
  const got = await drain(q);
  assert.deepEqual(
    got,
    Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7 && i !== 12),
  );
  await q.close();
  const q2 = await open(dir);
  assert.equal(q2.size(), 0);
  await q2.close();
});

// ---- bounded disk use ----

test('offer/ack cycles keep the directory bounded: segments deleted, ack log compacted', async () => {
  const dir = tmp();
  const q = await open(dir, { segmentBytes: 16 * 1024 });
  let maxSeg = 0;
  let maxAcks = 0;
  for (let round = 0; round < 300; round++) {
    await Promise.all(Array.from({ length: 40 }, (_, i) => q.offer(item(round * 40 + i, { bytes: 200 }))));
    const ls: Lease[] = [];
    for (let i = 0; i < 40; i++) ls.push((await takeNow(q))!);
    for (const l of ls) l.ack();
    await new Promise((r) => setImmediate(r));
    maxSeg = Math.max(maxSeg, await q.bytesOnDisk());
    maxAcks = Math.max(maxAcks, statSync(join(dir, 'acks.log')).size);
  }
  // 12 000 records of 224 bytes went through (2.6 MB); at most two segments live at a time.
  assert.ok(maxSeg <= 2 * (16 * 1024 + 40 * 224), `segments reached ${maxSeg} bytes`);
  assert.ok(q.segmentCount() <= 2);
  assert.ok(maxAcks <= 8 * (4096 + 2 * 80), `acks.log reached ${maxAcks} bytes`);
  await q.close();
  const total = readdirSync(dir).reduce((s, n) => s + statSync(join(dir, n)).size, 0);
  assert.ok(total < 100 * 1024, `directory holds ${total} bytes after close`);
});

// ---- the lock ----

test('lock: a second queue on the same directory is refused, whatever the path spelling', async () => {
  const dir = tmp();
  const q = await open(dir);
  const msg = new RegExp(`in use by process ${process.pid}`);
  await assert.rejects(open(dir), msg);
  await assert.rejects(open(dir + '/'), msg);
  await assert.rejects(open(relative(process.cwd(), dir)), msg);
  await assert.rejects(open(join(dir, '.')), msg);
  await q.offer(item(1));
  await q.close();
  const q2 = await open(dir + '/');
  assert.equal(q2.size(), 1);
  await q2.close();
});

test('lock: a directory held by another process is refused; a dead process’s lock is taken over', async () => {
  const dir = tmp();
  const child = spawn(process.execPath, [CHILD, 'consume', dir, '0', '4096'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    while (!out.includes('READY')) await new Promise((r) => setTimeout(r, 10));
    await assert.rejects(open(dir), new RegExp(`in use by process ${child.pid}\\b`));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  // The killed child left its LOCK behind.
  assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8'), String(child.pid));
  const q = await open(dir);
  assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8'), String(process.pid));
  await q.close();
  assert.ok(!readdirSync(dir).includes('LOCK'), 'close() removes the lock');

  // A pid that certainly is not running any more.
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(join(dir, 'LOCK'), String(dead));
  const q2 = await open(dir);
  await q2.close();
});

// ---- capacity on disk ----

for (const c of [
  { sizer: 'requests' as Sizer, capacity: 3, sizes: [1, 1], fill: 1, over: 1 },
  { sizer: 'items' as Sizer, capacity: 20, sizes: [8, 7], fill: 5, over: 1 },
  { sizer: 'bytes' as Sizer, capacity: 1000, sizes: [400, 350], fill: 250, over: 8 },
]) {
  test(`capacity (${c.sizer}) counts what is already on disk after a restart`, async () => {
    const dir = tmp();
    const mk = (n: number, s: number) =>
      c.sizer === 'items' ? item(n, { items: s }) : c.sizer === 'bytes' ? item(n, { bytes: s }) : item(n);
    let q = await open(dir, { sizer: c.sizer, capacity: c.capacity });
    await q.offer(mk(0, c.sizes[0]!));
    await q.offer(mk(1, c.sizes[1]!));
    const l = (await takeNow(q))!; // leased, unacked at close: still counts after the restart
    void l;
    await q.close();
    q = await open(dir, { sizer: c.sizer, capacity: c.capacity });
    assert.equal(q.size(), c.sizes[0]! + c.sizes[1]!);
    await q.offer(mk(2, c.fill));
    assert.equal(q.size(), c.capacity);
    await assert.rejects(q.offer(mk(3, c.over)), QueueFullError);
    await q.close();
    q = await open(dir, { sizer: c.sizer, capacity: c.capacity });
    assert.equal(q.size(), c.capacity);
    await assert.rejects(q.offer(mk(3, c.over)), QueueFullError);
    assert.deepEqual(await drain(q), [0, 1, 2]);
    await q.offer(mk(3, c.over));
    await q.close();
  });
}

// ---- randomized model across restarts ----

/**
 * Random offer/take/ack/nack operations with close/reopen in between, against a model of the
 * at-least-once rules: acked items never return; at a restart every unacked item (waiting or
 * leased) is waiting again, in offer order; nack puts an item at the front.
 */
for (const sizer of ['requests', 'bytes'] as Sizer[]) {
  test(`randomized model test across restarts (${sizer} sizer)`, async () => {
    for (const seed of [11, 12]) {
      const rnd = prng(seed + sizer.length * 100);
      const dir = tmp();
      const capacity = sizer === 'requests' ? 30 : 3000;
      const bytesOf = (n: number) => 8 + ((n * 53) % 300);
      const sizeOf = (n: number) => (sizer === 'requests' ? 1 : bytesOf(n));
      const opts = { sizer, capacity, segmentBytes: 1024 + randInt(rnd, 4096) };
      let q = await open(dir, opts);
      let waiting: number[] = [];
      let leased = new Map<number, Lease>();
      const unacked = new Set<number>();
      let used = 0;
      let next = 0;
      for (let op = 0; op < 1500; op++) {
        const ctx = `seed ${seed} op ${op}`;
        const r = rnd();
        if (r < 0.01) {
          await q.close();
          q = await open(dir, opts);
          waiting = [...unacked].sort((a, b) => a - b);
          leased = new Map();
        } else if (r < 0.4) {
          const n = next++;
          const it = item(n, { bytes: bytesOf(n) });
          if (used + sizeOf(n) > capacity && used > 0) {
            await assert.rejects(q.offer(it), QueueFullError, ctx);
          } else {
            await q.offer(it);
            waiting.push(n);
            unacked.add(n);
            used += sizeOf(n);
          }
        } else if (r < 0.7) {
          if (waiting.length === 0) continue;
          const l = (await takeNow(q))!;
          const n = checkPayload(l.item.payload);
          assert.equal(n, waiting.shift(), ctx);
          assert.equal(l.item.payload.length, bytesOf(n), ctx);
          leased.set(n, l);
        } else if (leased.size > 0) {
          const keys = [...leased.keys()];
          const n = keys[randInt(rnd, keys.length)]!;
          const l = leased.get(n)!;
          leased.delete(n);
          if (r < 0.9) {
            l.ack();
            unacked.delete(n);
            used -= sizeOf(n);
          } else {
            l.nack();
            waiting.unshift(n);
          }
        }
        assert.equal(q.size(), used, ctx);
      }
      await q.close();
      q = await open(dir, opts);
      assert.deepEqual(
        await drain(q),
        [...unacked].sort((a, b) => a - b),
      );
      await q.close();
    }
  });
}

test('source positions: stored with their data, kept across restarts and segment deletion; a torn mark is lost, its data is not', async () => {
  const dir = tmp();
  const q = await open(dir, { segmentBytes: 64 });
  await q.offer({ ...item(1), positions: [{ key: 'f', from: 0, to: 100 }] });
  await q.offer({
    ...item(2),
    positions: [
      { key: 'f', from: 100, to: 250 },
      { key: 'g', from: 0, to: 7 },
    ],
  });
  await q.offer(item(3));
  assert.equal(q.positions().reach('f', 0), 250);
  assert.equal(q.positions().reach('g', 0), 7);
  // Everything sent and acknowledged: the segments go, the positions stay.
  assert.deepEqual(await drain(q), [1, 2, 3]);
  await q.close();
  assert.ok(readdirSync(dir).includes('positions.json'));
  const q2 = await open(dir, { segmentBytes: 64 });
  assert.equal(q2.positions().reach('f', 0), 250, 'from positions.json');
  assert.equal(q2.size(), 0);
  // A mark torn off the end of the last write: its data stays, its positions do not.
  await q2.offer({ ...item(4), positions: [{ key: 'f', from: 250, to: 400 }] });
  await q2.close();
  const last = segFiles(dir).at(-1)!;
  truncateSync(join(dir, last), statSync(join(dir, last)).size - 3);
  const q3 = await open(dir, { segmentBytes: 64 });
  assert.equal(q3.positions().reach('f', 0), 250);
  assert.deepEqual(await drain(q3), [4]);
  await q3.close();
});

test('a record keeps its id (the Idempotency-Key) across restarts; ids differ between records and directories', async () => {
  const dir = tmp();
  const q = await open(dir);
  await q.offer(item(1));
  await q.offer(item(2));
  const a = (await takeNow(q))!;
  const b = (await takeNow(q))!;
  assert.notEqual(a.item.id, b.item.id);
  await q.close(); // not acked: sent again by the next process
  const q2 = await open(dir);
  const a2 = (await takeNow(q2))!;
  assert.equal(a2.item.id, a.item.id);
  a2.ack();
  await q2.close();
  const other = await open(tmp());
  await other.offer(item(1));
  assert.notEqual((await takeNow(other))!.item.id, a.item.id);
  await other.close();
});
