// Persistent sending queue throughput: producers offer encoded requests while one consumer
// takes and acks them, for several payload sizes and producer counts. The limit measured in
// the same run, in the same temporary directory (same disk), is plain FileHandle.appendFile of
// the same bytes with the same durability as the queue: write(2) only, as the queue does with
// fsync off (the file_storage default); with BENCH_FSYNC=1 both fsync (datasync) every write.
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersistentQueue } from '../src/queue/persistent-queue.ts';
import { QueueFullError } from '../src/queue/types.ts';

const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 1500);
const FSYNC = process.env.BENCH_FSYNC === '1';
/** Queue capacity: producers wait (and retry) when the consumer falls this far behind. */
const CAPACITY = 64 * 2 ** 20;
/** The limit's file is truncated past this size, so the run needs little disk. */
const LIMIT_FILE_MAX = 256 * 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  requests: number;
  bytes: number;
  seconds: number;
}

function payload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131) & 0xff;
  return b;
}

async function queueRun(size: number, producers: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-pq-'));
  const q = await PersistentQueue.open({ directory: dir, sizer: 'bytes', capacity: CAPACITY, fsync: FSYNC });
  const body = payload(size);
  let stop = false;
  let acked = 0;
  const produce = async () => {
    while (!stop) {
      try {
        await q.offer({ signal: 'traces', items: 1, payload: body });
      } catch (e) {
        if (!(e instanceof QueueFullError)) throw e;
        await sleep(1);
      }
    }
  };
  const consume = async () => {
    for (;;) {
      const l = await q.take();
      if (!l) return;
      l.ack();
      acked++;
    }
  };
  const consumer = consume();
  const start = performance.now();
  const work = Array.from({ length: producers }, produce);
  await sleep(MEASURE_MS);
  const seconds = (performance.now() - start) / 1000;
  const done = acked;
  stop = true;
  await Promise.all(work);
  await q.close();
  await consumer;
  rmSync(dir, { recursive: true, force: true });
  return { requests: done, bytes: done * size, seconds };
}

async function appendRun(size: number, producers: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-append-'));
  const fh = await open(join(dir, 'limit.bin'), 'a');
  const body = payload(size);
  let stop = false;
  let written = 0;
  let fileBytes = 0;
  const produce = async () => {
    while (!stop) {
      await fh.appendFile(body);
      if (FSYNC) await fh.datasync();
      written++;
      fileBytes += size;
      if (fileBytes > LIMIT_FILE_MAX) {
        fileBytes = 0;
        await fh.truncate(0);
      }
    }
  };
  const start = performance.now();
  const work = Array.from({ length: producers }, produce);
  await sleep(MEASURE_MS);
  const seconds = (performance.now() - start) / 1000;
  const done = written;
  stop = true;
  await Promise.all(work);
  await fh.close();
  rmSync(dir, { recursive: true, force: true });
  return { requests: done, bytes: done * size, seconds };
}

async function main(): Promise<void> {
  const sizes = [1024, 64 * 1024, 2 ** 20];
  const rows: string[] = [];
  for (const size of sizes) {
    for (const producers of [1, 8]) {
      const qr = await queueRun(size, producers);
      const ar = await appendRun(size, producers);
      const qps = qr.requests / qr.seconds;
      const aps = ar.requests / ar.seconds;
      const label = size >= 2 ** 20 ? `${size / 2 ** 20} MiB` : `${size / 1024} KiB`;
      rows.push(
        `| ${label} | ${producers} | ${Math.round(qps).toLocaleString('en')} | ${(qr.bytes / qr.seconds / 2 ** 20).toFixed(1)} | ${Math.round(aps).toLocaleString('en')} | ${(ar.bytes / ar.seconds / 2 ** 20).toFixed(1)} | ${aps > 0 ? `${((qps / aps) * 100).toFixed(0)}%` : 'n/a'} |`,
      );
    }
  }
  console.log(
    `Offer + take + ack through the persistent queue (fsync ${FSYNC ? 'on' : 'off'}, one consumer, ${MEASURE_MS / 1000} s per case) vs appending the same bytes to one file with the same durability, in ${tmpdir()}.\n`,
  );
  console.log(
    '| payload | producers | queue requests/s | queue MiB/s | appendFile requests/s | appendFile MiB/s | queue / limit |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

if (import.meta.main) await main();
