// A child process for the kill -9 tests. Opens the persistent queue in argv[3] and, depending
// on argv[2]:
//   produce  — 4 concurrent loops offer items numbered from argv[4] upwards; prints `O <n>`
//              after each offer() resolved (that item is acknowledged to the producer);
//   consume  — takes, checks and acks items; prints `A <n>` right before each ack();
//   both     — does both at once.
// Lines go out with a blocking write(2) to fd 1, so a line is in the pipe before anything after it
// happens (and the child waits while the pipe is full). process.stdout is never touched: on a
// pipe it makes the fd non-blocking and, once the pipe is full, keeps later lines in memory, which
// a kill then loses — an ack written to acks.log whose `A` line was lost made the test report an
// acked item as a lost unacked one.
// argv[5] is the segment size, small so the kill often lands near a segment roll or deletion.
import { writeSync } from 'node:fs';
import { PersistentQueue } from '../persistent-queue.ts';
import { checkPayload, payloadFor, prng } from './prng.ts';

const [mode, dir, baseArg, segArg] = process.argv.slice(2);
const base = Number(baseArg ?? 0);
const q = await PersistentQueue.open({
  directory: dir!,
  sizer: 'requests',
  capacity: 1e9,
  segmentBytes: Number(segArg ?? 4096),
});
function print(line: string): void {
  const b = Buffer.from(`${line}\n`);
  for (let off = 0; off < b.length; ) off += writeSync(1, b, off);
}

print('READY');
const rnd = prng(base + 17);
let next = base;

async function produce(): Promise<void> {
  for (;;) {
    const n = next++;
    await q.offer({ signal: 'traces', items: 1, payload: payloadFor(n, 8 + Math.floor(rnd() * 1500)) });
    print(`O ${n}`);
  }
}

async function consume(): Promise<void> {
  for (;;) {
    const l = await q.take();
    if (!l) return;
    const n = checkPayload(l.item.payload);
    if (rnd() < 0.1) {
      l.nack();
      continue;
    }
    // Printed first: an ack may reach acks.log any time after ack(), and the test must never
    // expect an item whose ack is on disk.
    print(`A ${n}`);
    l.ack();
  }
}

// A waiting take() holds no handle; keep the process up until the test kills it.
setInterval(() => {}, 60_000);
const work: Array<Promise<void>> = [];
if (mode === 'produce' || mode === 'both') for (let i = 0; i < 4; i++) work.push(produce());
if (mode === 'consume' || mode === 'both') work.push(consume(), consume());
await Promise.all(work);
