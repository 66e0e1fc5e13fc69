// A child process for the kill -9 tests. Opens the persistent queue in argv[3] and, depending
// on argv[2]:
//   produce  — 4 concurrent loops offer items numbered from argv[4] upwards; prints `O <n>`
//              after each offer() resolved (that item is acknowledged to the producer);
//   consume  — takes, checks and acks items; prints `A <n>` right after each ack();
//   both     — does both at once.
// stdout to a pipe is synchronous on Linux, so a printed line is out before any later kill.
// argv[5] is the segment size, small so the kill often lands near a segment roll or deletion.
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
process.stdout.write('READY\n');
const rnd = prng(base + 17);
let next = base;

async function produce(): Promise<void> {
  for (;;) {
    const n = next++;
    await q.offer({ signal: 'traces', items: 1, payload: payloadFor(n, 8 + Math.floor(rnd() * 1500)) });
    process.stdout.write(`O ${n}\n`);
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
    l.ack();
    process.stdout.write(`A ${n}\n`);
  }
}

// A waiting take() holds no handle; keep the process up until the test kills it.
setInterval(() => {}, 60_000);
const work: Array<Promise<void>> = [];
if (mode === 'produce' || mode === 'both') for (let i = 0; i < 4; i++) work.push(produce());
if (mode === 'consume' || mode === 'both') work.push(consume(), consume());
await Promise.all(work);
