// Issue 7's count test: N lines written to a pod log rotated every 10 MiB (the kubelet's way:
// rename to 0.log.<time>, a new 0.log) while the agent tails it through the batch processor into
// an OTLP/HTTP exporter with the disk-backed queue; the agent is killed with SIGKILL twice in the
// middle and started again each time (the writer goes on meanwhile, so files rotate while it is
// down). The destination must receive every line exactly once.
//
// What "exactly once" can mean over OTLP/HTTP: a request the destination accepted just before the
// kill, whose answer the agent never saw, is sent again after the restart — no sender can know.
// The agent sends each queued request with the same Idempotency-Key on every attempt, across
// restarts, and the destination (here as the product's own OTLP receiver does) answers a repeat
// without storing it again. Everything else — lines re-read from the files, lost checkpoints,
// rotation — must produce no repeat at all: every repeat the sink sees must carry a key it
// already accepted, and the lines it stores are each line once.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startAgent, until, type Running } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const N = Number(process.env.WC_EXACTLY_ONCE_LINES ?? 200_000);
const ROTATE_BYTES = Number(process.env.WC_EXACTLY_ONCE_ROTATE ?? 10 * 1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'wc-filelog-once-'));
const sink = new OtlpSink();
after(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  `${N} lines, rotation every 10 MiB, two kill -9s: each line arrives exactly once`,
  { timeout: 240_000 },
  async () => {
    sink.honorIdempotencyKey = true;
    await sink.start();
    const logs = join(dir, 'var', 'log', 'pods', 'shop_web-1_5f0c1d2e-1111-2222-3333-444455556666', 'app');
    mkdirSync(logs, { recursive: true });
    const file = join(logs, '0.log');
    writeFileSync(file, '');
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `extensions:
  file_storage:
    directory: ${join(dir, 'data', 'queue')}
receivers:
  filelog:
    include: [${join(dir, 'var', 'log', 'pods', '*', '*', '*.log')}]
    start_at: beginning
    poll_interval: 50ms
processors:
  batch: {}
exporters:
  otlphttp:
    endpoint: ${sink.url}
    sending_queue:
      storage: file_storage
service:
  extensions: [file_storage]
  pipelines:
    logs:
      receivers: [filelog]
      processors: [batch]
      exporters: [otlphttp]
`,
    );
    const run = (): Promise<Running> => startAgent(config, join(dir, 'data'));

    // ~190-byte CRI lines; the body is "line <i> <padding>".
    const pad = 'x'.repeat(120);
    const lineAt = (i: number) =>
      `2026-01-01T00:${String(Math.floor(i / 60_000) % 60).padStart(2, '0')}:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}000001Z stdout F line ${i} ${pad}\n`;
    let agent = await run(); // before the first line: every file is new to it
    let written = 0;
    let rotations = 0;
    const writer = (async () => {
      while (written < N) {
        const upto = Math.min(N, written + 1000);
        let chunk = '';
        for (let i = written; i < upto; i++) chunk += lineAt(i);
        appendFileSync(file, chunk);
        written = upto;
        if (statSync(file).size >= ROTATE_BYTES) {
          renameSync(file, `${file}.20260101-0000${String(rotations).padStart(2, '0')}`);
          writeFileSync(file, '');
          rotations++;
        }
        await sleep(20);
      }
    })();

    const kills: number[] = [];
    try {
      for (const at of [0.3, 0.65]) {
        await until(`${at * 100}% written`, () => written >= N * at, 60_000);
        await agent.kill9();
        kills.push(sink.logBodies().length);
        agent = await run();
      }
      await writer;
      await until(`${N} lines at the destination`, () => sink.logBodies().length >= N, 120_000).catch(
        (e: Error) => {
          const state = execSync(
            `ls -la ${logs} ${join(dir, 'data', 'queue', '*')}; cat ${join(dir, 'data', 'filelog', 'filelog', '*.json')}`,
          ).toString();
          throw new Error(
            `${e.message} (got ${sink.logBodies().length}; agent said:\n${agent.logs().slice(-3000)}\n${state})`,
          );
        },
      );
      await sleep(1500); // room for a repeat to show up
      const bodies = sink.logBodies();
      const seen = new Uint8Array(N);
      let repeats = 0;
      for (const b of bodies) {
        const i = Number(b.split(' ')[1]);
        if (seen[i]) repeats++;
        seen[i] = 1;
      }
      const missing = seen.reduce((n, v) => n + (v ? 0 : 1), 0);
      if (process.env.WC_DEBUG) {
        const cnt = new Uint16Array(N);
        for (const b of bodies) cnt[Number(b.split(' ')[1])]!++;
        const ranges: string[] = [];
        let start = -1;
        for (let i = 0; i <= N; i++) {
          const dup = i < N && cnt[i] !== 1;
          if (dup && start < 0) start = i;
          if (!dup && start >= 0) {
            ranges.push(`${start}-${i - 1}(x${cnt[start]})`);
            start = -1;
          }
        }
        console.log(
          'odd ranges',
          ranges.slice(0, 20).join(' '),
          'kills at',
          kills,
          'rotations',
          rotations,
          'repeats',
          sink.repeats,
        );
        console.log(
          execSync(
            `for f in ${logs}/*; do echo $f $(stat -c %i $f) $(head -c 70 $f | tail -c 35); done; cat ${join(dir, 'data', 'queue', '*', 'positions.json')}`,
          ).toString(),
        );
        console.log(
          agent
            .logs()
            .split('\n')
            .filter((l) => /resum|opened/.test(l))
            .join('\n'),
        );
        const reqs = sink.received.logs.map((d) => {
          const b = d.resourceLogs.flatMap((rl) =>
            rl.scopeLogs.flatMap((sl) =>
              sl.logRecords.map((r) => Number((r.body as { stringValue: string }).stringValue.split(' ')[1])),
            ),
          );
          return `${b[0]}..${b.at(-1)}(${b.length})`;
        });
        const seenReq = new Map<string, number>();
        for (const r of reqs) seenReq.set(r, (seenReq.get(r) ?? 0) + 1);
        console.log(
          'identical requests',
          [...seenReq]
            .filter(([, n]) => n > 1)
            .map(([r, n]) => `${r}x${n}`)
            .join(' '),
        );
        console.log('requests', reqs.join(' '));
        console.log(
          agent
            .logs()
            .split('\n')
            .filter((l) => /filelog|queue/.test(l))
            .slice(-10)
            .join('\n'),
        );
      }
      assert.ok(rotations >= 2, `the file rotated ${rotations} times`);
      assert.ok(kills[1]! < N, `killed mid-stream (destination had ${kills.join(', ')} lines)`);
      assert.equal(missing, 0, 'lines lost');
      assert.equal(repeats, 0, 'lines received more than once');
      assert.equal(bodies.length, N);
    } finally {
      await writer.catch(() => undefined);
      await agent.stop();
    }
  },
);
