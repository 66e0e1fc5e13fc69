// Host metrics: the cost of one /metrics/node on this machine, ours next to node_exporter's.
//   in-process   one collection of every collector (HostScraper on this host's /proc, /sys, /)
//                plus its text rendering: CPU time per collection (process.cpuUsage over many,
//                after warm-up) and bytes allocated by one (heap growth across a collection with a
//                young generation large enough that no GC runs inside it, checked by a GC observer).
//   agent        `watchingcat agent` with the hostmetrics receiver as a child process, scraped
//                over HTTP one scrape after another: its CPU per scrape from /proc/<pid>/stat
//                (utime + stime, all threads) — HTTP serving, gzip and GC included, as for
//                node_exporter.
//   node_exporter  the real one (same collectors, v1.9.1's default filters), scraped the same way.
// The two servers run side by side and are scraped in alternating rounds (this machine is shared:
// a busy moment must not fall on one of them only); each figure is the median round. Both are
// asked for gzip, as Prometheus asks (fetch sends Accept-Encoding: gzip, deflate).
// Target: the agent's CPU per scrape ≤ node_exporter's.
// Usage: npm run bench -- hostmetrics   (WC_BENCH_ITER=N in-process collections, default 300;
// WC_BENCH_SCRAPES=N scrapes per server, default 1800, in WC_BENCH_ROUNDS rounds, default 9:
// 200 scrapes per round are ~60 ticks of /proc CPU time, so one tick is ~2%)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { buildCollectors } from '../src/components/receivers/hostmetrics/collectors.ts';
import { COLLECTOR_NAMES, configSchema } from '../src/components/receivers/hostmetrics/config.ts';
import { hostPaths } from '../src/components/receivers/hostmetrics/receiver.ts';
import { HostScraper } from '../src/hostmetrics/scrape.ts';
import {
  findNodeExporter,
  nodeExporterVersion,
  peerArgs,
  processCpuSeconds,
  startNodeExporter,
} from '../src/hostmetrics/testing/node-exporter.ts';
import { renderFamiliesToBuffer } from '../src/metricfamily/render.ts';
import { BIN, childEnv, freePort } from '../test/helpers/process.ts';
import { startInstance, waitHealthy } from './lib/measure.ts';

const ITER = Number(process.env.WC_BENCH_ITER ?? 300);
const SCRAPES = Number(process.env.WC_BENCH_SCRAPES ?? 1800);
const ROUNDS = Number(process.env.WC_BENCH_ROUNDS ?? 9);

v8.setFlagsFromString('--max-semi-space-size=64');
const gc = (globalThis as { gc?: () => void }).gc;

interface Row {
  name: string;
  cpuMs: number;
  wallMs: number;
  allocBytes?: number;
  bytes: number;
  series: number;
}

async function inProcess(): Promise<Row> {
  const scraper = new HostScraper({
    collectors: buildCollectors(configSchema.parse({})),
    paths: hostPaths('/'),
    onFailure: (c, m) => console.error(`collector ${c} failed: ${m}`),
  });
  // The bytes the agent serves (render.ts), as the endpoint renders them.
  const hint = { bytes: 0 };
  const once = async () => renderFamiliesToBuffer((await scraper.collect()).families, 'text', hint);
  for (let i = 0; i < 30; i++) await once(); // warm-up: JIT, lazily opened files
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i < ITER; i++) body = await once();
  const text = body.toString();
  const wallMs = (performance.now() - t0) / ITER;
  const cu = process.cpuUsage(c0);
  const tries: number[] = [];
  for (let i = 0; i < 5 && gc; i++) {
    gc();
    const prof = new v8.GCProfiler();
    prof.start();
    const h0 = process.memoryUsage().heapUsed;
    await once();
    const h1 = process.memoryUsage().heapUsed;
    if (prof.stop().statistics.length === 0) tries.push(h1 - h0);
  }
  return {
    name: 'ours, in process (collect + render)',
    cpuMs: (cu.user + cu.system) / 1000 / ITER,
    wallMs,
    ...(tries.length > 0 && { allocBytes: Math.min(...tries) }),
    bytes: Buffer.byteLength(text),
    series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
  };
}

interface Target {
  name: string;
  pid: number;
  url: string;
}

/** One round: `n` scrapes of a target, one after another; CPU (ms) and wall (ms) per scrape. */
async function round(t: Target, n: number): Promise<{ cpuMs: number; wallMs: number; text: string }> {
  let text = '';
  const cpu0 = processCpuSeconds(t.pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await fetch(t.url);
    text = await res.text();
    if (res.status !== 200) throw new Error(`${t.name}: ${res.status}`);
  }
  return {
    cpuMs: ((processCpuSeconds(t.pid) - cpu0) * 1000) / n,
    wallMs: (performance.now() - t0) / n,
    text,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The targets scraped in alternating rounds (ROUNDS × SCRAPES/ROUNDS scrapes each), so a busy
 * moment on the machine falls on both alike; the figure is the median round.
 */
async function overHttp(targets: Target[]): Promise<Row[]> {
  const per = Math.max(20, Math.floor(SCRAPES / ROUNDS));
  const cpu = targets.map(() => [] as number[]);
  const wall = targets.map(() => [] as number[]);
  const texts = targets.map(() => '');
  for (const t of targets) for (let i = 0; i < 20; i++) await (await fetch(t.url)).text(); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < targets.length; i++) {
      const x = await round(targets[i]!, per);
      cpu[i]!.push(x.cpuMs);
      wall[i]!.push(x.wallMs);
      texts[i] = x.text;
    }
  }
  return targets.map((t, i) => ({
    name: t.name,
    cpuMs: median(cpu[i]!),
    wallMs: median(wall[i]!),
    bytes: Buffer.byteLength(texts[i]!),
    series: texts[i]!.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
  }));
}

/** `watchingcat agent` serving /metrics/node (pushes every hour: scrapes are all it does). */
/**
 * `watchingcat agent` serving /metrics/node (pushes every hour: scrapes are all it does). With
 * `semiSpaceMiB` it runs under Node directly with that young generation instead of the 1 MiB the
 * command picks for agents (bin/watchingcat.js), to show what the per-scrape garbage costs.
 */
async function startAgent(semiSpaceMiB?: number): Promise<{ target: Target; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-hostmetrics-'));
  const [health, metrics] = [await freePort(), await freePort()];
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `receivers:
  hostmetrics:
    collection_interval: 1h
    initial_delay: 1h
exporters:
  debug:
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [hostmetrics]
      exporters: [debug]
`,
  );
  const args = [
    'agent',
    '--config',
    config,
    '--metrics-address',
    `127.0.0.1:${metrics}`,
    '--root-path',
    '/',
    '--data-dir',
    join(dir, 'data'),
    '--health-address',
    `127.0.0.1:${health}`,
  ];
  const url = `http://127.0.0.1:${metrics}/metrics/node`;
  if (semiSpaceMiB === undefined) {
    const inst = await startInstance(args, dir, health);
    return {
      target: { name: 'ours, `watchingcat agent` over HTTP', pid: inst.child.pid!, url },
      stop: () => inst.stop(),
    };
  }
  let logs = '';
  const child = spawn(process.execPath, [`--max-semi-space-size=${semiSpaceMiB}`, BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: childEnv({ WATCHINGCAT_LOG_LEVEL: 'warn' }),
  });
  child.stderr!.on('data', (d: Buffer) => (logs += d));
  await waitHealthy(health, child, () => logs);
  return {
    target: { name: `ours, agent with a ${semiSpaceMiB} MiB young generation`, pid: child.pid!, url },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const rows: Row[] = [await inProcess()];
const agent = await startAgent();
const agent16 = await startAgent(16);
const binary = findNodeExporter();
let peerNote = '';
try {
  const targets = [agent.target, agent16.target];
  let ne: Awaited<ReturnType<typeof startNodeExporter>> | undefined;
  if (binary) {
    ne = await startNodeExporter({
      binary,
      args: [...peerArgs(COLLECTOR_NAMES), '--web.disable-exporter-metrics'],
    });
    targets.push({
      name: `node_exporter ${nodeExporterVersion(binary) ?? '?'} over HTTP`,
      pid: ne.pid,
      url: ne.url,
    });
  } else {
    peerNote =
      'node_exporter not found (Debian package prometheus-node-exporter, or WC_NODE_EXPORTER): no comparison';
  }
  try {
    rows.push(...(await overHttp(targets)));
  } finally {
    await ne?.stop();
  }
} finally {
  await agent.stop();
  await agent16.stop();
}

const f2 = (n: number) => n.toFixed(2);
console.log(
  `host metrics: ${COLLECTOR_NAMES.length} collectors on this machine; ${ITER} in-process collections; over HTTP the median of ${ROUNDS} alternating rounds of ${Math.max(20, Math.floor(SCRAPES / ROUNDS))} scrapes per server`,
);
console.log('');
console.log('| | CPU per scrape | wall per scrape | allocated per scrape | exposition | series |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const alloc =
    r.allocBytes === undefined
      ? r.name.includes('in process')
        ? 'n/a (run with --expose-gc)'
        : ''
      : `${f2(r.allocBytes / 2 ** 20)} MiB`;
  console.log(
    `| ${r.name} | ${f2(r.cpuMs)} ms | ${f2(r.wallMs)} ms | ${alloc} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.series} |`,
  );
}
console.log('');
if (peerNote) console.log(peerNote);
else {
  const ours = rows[1]!.cpuMs;
  const theirs = rows[3]!.cpuMs;
  console.log(
    `target: agent CPU per scrape ≤ node_exporter's: ${ours <= theirs ? 'met' : 'NOT met'} (${f2(ours)} ms vs ${f2(theirs)} ms; /proc CPU times tick every 10 ms)`,
  );
}
