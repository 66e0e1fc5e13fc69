// Container logs: tail + parse + group + resource attributes of CRI lines into a null consumer,
// in process (the filelog receiver as the agent runs it, minus the export). Issue 7's target:
// ≥ 150 MB/s per core of ~200-byte lines, no degradation at 1,000 open files.
//
// Each round is its own process with the agent's 1 MiB young generation (peak RSS is then the
// reader's): it opens every file (1 or 1,000 pod logs laid out as
// /var/log/pods/<ns>_<pod>_<uid>/<container>/0.log, each holding one line; start_at end), says
// so, the parent appends a line to each (read untimed: the per-file state of a running agent
// exists), and then the same bytes in total (default 256 MiB, WC_BENCH_LOG_MB) spread
// over the files — page-cached, as a node's fresh logs are. Then the reader polls once and stops:
// that is what is timed (MB/s of wall time and per CPU-second — process.cpuUsage, all threads,
// GC included —, lines/s, records, peak RSS). The limit measured in the same run: the tailer
// alone (read + split into lines) into a no-op consumer. Opening files is not in the figure:
// an agent opens each file once and then reads it for its lifetime.
//
// Lines: 70 % text (`INFO`/`WARN` messages), 25 % JSON (pino-style), a 6-line Java stack trace
// every 1,000 lines, 10 % on stderr; each ~200 bytes with the CRI prefix.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/components/receivers/filelog/config.ts';
import { FileLogReceiver } from '../src/components/receivers/filelog/receiver.ts';
import { plainHost, receiverSettings } from '../src/components/receivers/filelog/testing/harness.ts';
import { FileTailer } from '../src/logs/tail/tailer.ts';
import { prng } from '../src/queue/testdata/prng.ts';
import type { LogsData } from '../src/model/logs.ts';

const TOTAL = Number(process.env['WC_BENCH_LOG_MB'] ?? 256) * 1024 * 1024;
const ROUNDS = Number(process.env['WC_BENCH_ROUNDS'] ?? 3);

const WORDS =
  'request handled user order cart payment cache miss hit upstream latency retry queue worker shard commit lease token session'.split(
    ' ',
  );

/** `bytes` of CRI lines (~200 bytes each); returns the text and its line count. */
function criText(bytes: number, seed: number): { text: string; lines: number } {
  const r = prng(seed);
  const parts: string[] = [];
  let size = 0;
  let lines = 0;
  let ms = Date.UTC(2026, 11, 4, 10);
  while (size < bytes) {
    ms += Math.floor(r() * 3);
    const ts = `${new Date(ms).toISOString().slice(0, 23)}${String(Math.floor(r() * 1e6)).padStart(6, '0')}Z`;
    const stream = r() < 0.1 ? 'stderr' : 'stdout';
    let msg: string;
    const words = () => Array.from({ length: 14 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    if (lines % 1000 === 999) {
      msg = `ERROR request ${lines} failed`;
      const trace = [
        msg,
        'java.lang.IllegalStateException: upstream closed the connection',
        '\tat com.example.shop.PaymentService.charge(PaymentService.java:88)',
        '\tat com.example.shop.OrderController.place(OrderController.java:41)',
        'Caused by: java.net.SocketTimeoutException: Read timed out',
        '\t... 52 common frames omitted',
      ];
      for (const t of trace) {
        const line = `${ts} ${stream} F ${t}\n`;
        parts.push(line);
        size += line.length;
        lines++;
      }
      continue;
    }
    if (r() < 0.25)
      msg = `{"level":${r() < 0.9 ? 30 : 40},"time":${ms},"pid":1,"hostname":"web-7d9f","reqId":"req-${lines}","msg":"${words()}"}`;
    else
      msg = `${r() < 0.9 ? 'INFO' : 'WARN'} [http-nio-8080-exec-${lines % 16}] c.e.shop.Api - ${words()} id=${lines}`;
    const line = `${ts} ${stream} F ${msg}\n`;
    parts.push(line);
    size += line.length;
    lines++;
  }
  return { text: parts.join(''), lines };
}

interface Layout {
  root: string;
  files: string[];
}

/** The pod log files, one line each (so each has a fingerprint to be known by). */
function layout(root: string, files: number): Layout {
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const dir = join(
      root,
      'var',
      'log',
      'pods',
      `shop_web-${i}_0b3c1d2e-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`,
      'app',
    );
    mkdirSync(dir, { recursive: true });
    const f = join(dir, '0.log');
    writeFileSync(f, `2026-12-04T09:59:59.000000001Z stdout F pod ${i} started\n`);
    out.push(f);
  }
  return { root, files: out };
}

/** What each file gets appended in a round (the same every round). */
function payloads(files: number): { texts: string[]; bytes: number; lines: number } {
  const texts: string[] = [];
  let bytes = 0;
  let lines = 0;
  for (let i = 0; i < files; i++) {
    const t = criText(Math.floor(TOTAL / files), i + 1);
    texts.push(t.text);
    bytes += t.text.length;
    lines += t.lines;
  }
  return { texts, bytes, lines };
}

interface Run {
  wallS: number;
  cpuS: number;
  records: number;
  rssPeak: number;
}

function rssWatch(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** Waits for the parent's "go" (the data is written), then times `fn`. */
async function timed(go: Promise<void>, fn: () => Promise<number>): Promise<Run> {
  await go;
  (globalThis as { gc?: () => void }).gc?.();
  const rss = rssWatch();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const records = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wallS, cpuS: (c.user + c.system) / 1e6, records, rssPeak: rss.stop() };
}

async function receiverRun(root: string, ready: () => Promise<void>): Promise<Run> {
  let records = 0;
  const r = new FileLogReceiver(
    receiverSettings(root, join(root, 'data')),
    configSchema.parse({ poll_interval: '1h', max_concurrent_files: 2048 }),
    {
      async consume(d: LogsData) {
        for (const rl of d.resourceLogs) for (const sl of rl.scopeLogs) records += sl.logRecords.length;
      },
    },
  );
  await r.start(plainHost());
  await r.pollOnce(); // opens every file at its end
  await ready(); // a first line in every file: the per-file state exists, as in an agent that runs
  await r.pollOnce();
  return timed(ready(), async () => {
    await r.pollOnce();
    await r.shutdown();
    return records;
  });
}

async function tailerRun(root: string, ready: () => Promise<void>): Promise<Run> {
  let lines = 0;
  const t = new FileTailer(
    { include: [join(root, 'var/log/pods/*/*/*.log')], checkpointDir: join(root, 'tail'), maxFiles: 2048 },
    async (b) => {
      lines += b.lines.length;
    },
  );
  t.start();
  await t.poll();
  await ready();
  await t.poll();
  return timed(ready(), async () => {
    await t.poll();
    await t.stop();
    return lines;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MB = 1e6;

/** One round in a fresh process: it opens the files, the data is appended, it reads them. */
async function measure(
  what: 'tailer' | 'receiver',
  root: string,
  files: number,
  data: string[],
): Promise<Run> {
  rmSync(root, { recursive: true, force: true });
  const l = layout(root, files);
  // The agent's young generation (bin/watchingcat.js): the garbage per line decides the speed.
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=1', '--expose-gc', import.meta.filename, '--run', what, root],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const step = async (append: (f: string, i: number) => void) => {
    const r = await lines.next();
    if (r.value !== 'ready') throw new Error(`${what}: expected "ready", got ${String(r.value)}`);
    l.files.forEach(append);
    child.stdin.write('go\n');
  };
  await step((f, i) => appendFileSync(f, `2026-12-04T09:59:59.500000001Z stdout F pod ${i} ready\n`));
  await step((f, i) => appendFileSync(f, data[i]!));
  const result = await lines.next();
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  if (code !== 0 || result.done) throw new Error(`${what} run failed (exit ${code})`);
  return JSON.parse(result.value) as Run;
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'wc-bench-filelog-'));
  try {
    const rows: string[] = [];
    rows.push(
      '| open files | what | MB/s (wall) | **MB/s per CPU-second** | lines/s per CPU-second | records | peak RSS |',
      '|---:|---|---:|---:|---:|---:|---:|',
    );
    for (const files of [1, 1000]) {
      const p = payloads(files);
      console.error(
        `  ${files} file(s): ${(p.bytes / MB).toFixed(0)} MB, ${p.lines} lines, ~${Math.round(p.bytes / p.lines)} bytes/line`,
      );
      for (const [what, label] of [
        ['tailer', 'tailer only (limit)'],
        ['receiver', 'tail + parse + group + resource'],
      ] as const) {
        const runs: Run[] = [];
        for (let i = 0; i < ROUNDS; i++)
          runs.push(await measure(what, join(base, `f${files}`), files, p.texts));
        const cpu = median(runs.map((r) => r.cpuS));
        const wall = median(runs.map((r) => r.wallS));
        const records = runs[0]!.records;
        rows.push(
          `| ${files} | ${label} | ${(p.bytes / MB / wall).toFixed(0)} | **${(p.bytes / MB / cpu).toFixed(0)}** | ${Math.round(p.lines / cpu).toLocaleString('en')} | ${records.toLocaleString('en')} | ${(Math.max(...runs.map((r) => r.rssPeak)) / 2 ** 20).toFixed(0)} MiB |`,
        );
        console.error(
          `    ${label}: ${runs.map((r) => `${(p.bytes / MB / r.cpuS).toFixed(0)} MB/s/cpu`).join(', ')}`,
        );
      }
    }
    console.log(
      `${(TOTAL / 2 ** 20).toFixed(0)} MiB of ~200-byte CRI lines appended to files already open, read from page cache; median of ${ROUNDS} rounds, each in its own process`,
    );
    console.log('');
    console.log(rows.join('\n'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const runAt = process.argv.indexOf('--run');
if (runAt >= 0) {
  const [what, root] = process.argv.slice(runAt + 1);
  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const ready = async () => {
    process.stdout.write('ready\n');
    await input.next();
  };
  const r = what === 'tailer' ? await tailerRun(root!, ready) : await receiverRun(root!, ready);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
} else await main();
