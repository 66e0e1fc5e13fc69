// Metric storage on embedded chDB against Debian's Prometheus, same samples, same run: bytes per
// stored point, ingest points/s (wall and per CPU-second), and range query latency p50/p99.
//
// Workload (bench/lib/k8s-metrics.ts): SERIES container series (default 10,000; WC_BENCH_SERIES)
// over five cAdvisor-like metrics (int and double gauges and counters) with namespace/pod/node/
// container labels, POINTS per series (default 1,000; WC_BENCH_POINTS) scraped every 15 s and
// ending about an hour ago. One insertMetrics call carries ROUNDS scrape rounds of all series
// (default 8, i.e. 80,000 points: one call fills the writer's 65,536-row block instead of waiting
// out its 100 ms group-commit delay alone; WC_BENCH_BATCH_ROUNDS). Building the batches is not timed: the wall rate counts
// only the insert calls, the CPU rate is the process's CPU over the insert phase (chDB runs
// in-process, so its insert and merge threads count) minus the main thread's generation CPU.
// Bytes per point: active parts of the metric tables and their series index after OPTIMIZE FINAL.
//
// Prometheus: the same samples as OpenMetrics text → `promtool tsdb create-blocks-from
// openmetrics` (default 2 h blocks and --max-block-duration=24h, i.e. 18 h blocks); bytes per
// sample = the block directories' size / samples. Then `prometheus` serves the 18 h blocks and
// answers the same queries over HTTP (PromQL): raw = a range selector as an instant query, rate =
// rate(m[step]), sum = sum by (namespace) (m). Both raw sides must return the same sample count.
// Without promtool/prometheus on PATH the Prometheus column prints SKIPPED.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/storage/connection.ts';
import type { RangeQuery } from '../src/storage/metrics-queries.ts';
import { rangeQuery } from '../src/storage/metrics-queries.ts';
import { METRIC_TABLES, TABLES } from '../src/storage/schema.ts';
import { insertMetrics } from '../src/storage/writer.ts';
import { freePort } from '../test/helpers/process.ts';
import { INTERVAL_MS, K8sWorkload, METRICS, prng } from './lib/k8s-metrics.ts';

const SERIES = Number(process.env['WC_BENCH_SERIES'] ?? 10_000);
const POINTS = Number(process.env['WC_BENCH_POINTS'] ?? 1_000);
const ROUNDS = Number(process.env['WC_BENCH_BATCH_ROUNDS'] ?? 8);
const QUERIES_PER_KIND = 8;

type Kind = 'raw' | 'rate' | 'sum';
type Window = '1h' | '24h';
interface Query {
  kind: Kind;
  window: Window;
  metric: string;
  /** Pod matcher (raw and rate); sum aggregates every series of the metric. */
  pod?: string;
}
const WINDOW_MS: Record<Window, number> = { '1h': 3_600_000, '24h': 86_400_000 };
const STEP_MS: Record<Window, number> = { '1h': 60_000, '24h': 300_000 };

const endMs = Math.floor((Date.now() - 3_600_000) / INTERVAL_MS) * INTERVAL_MS;
const w = new K8sWorkload({ series: SERIES, points: POINTS, endMs });
// After the last sample of every pod (each pod scrapes at an offset below INTERVAL_MS).
const queryEndMs = endMs + INTERVAL_MS;

/** The query mix: (raw, rate, sum) × (1 h, 24 h), QUERIES_PER_KIND each, interleaved. */
function queryMix(): Query[] {
  const r = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const podOfMetric = (m: number): string => {
    const k = Math.floor(r() * Math.ceil((SERIES - m) / METRICS.length));
    return w.podOf(m + k * METRICS.length).pod;
  };
  const idx = (kind: 'gauge' | 'counter' | 'any'): number[] =>
    METRICS.flatMap((d, i) => ((kind === 'any' || d.kind === kind) && i < SERIES ? [i] : []));
  const out: Query[] = [];
  for (let i = 0; i < QUERIES_PER_KIND; i++) {
    for (const window of ['1h', '24h'] as const) {
      const m1 = pick(idx('any'));
      out.push({ kind: 'raw', window, metric: METRICS[m1]!.name, pod: podOfMetric(m1) });
      const m2 = pick(idx('counter'));
      out.push({ kind: 'rate', window, metric: METRICS[m2]!.name, pod: podOfMetric(m2) });
      out.push({ kind: 'sum', window, metric: METRICS[pick(idx('gauge'))]!.name });
    }
  }
  return out;
}

function oursQuery(q: Query): RangeQuery {
  const end = BigInt(queryEndMs) * 1_000_000n;
  return {
    metric: q.metric,
    matchers: q.pod === undefined ? [] : [{ label: 'pod', op: '=', value: q.pod }],
    start: end - BigInt(WINDOW_MS[q.window]) * 1_000_000n,
    end,
    stepMs: STEP_MS[q.window],
    fn: q.kind,
    ...(q.kind === 'sum' ? { by: ['namespace'] } : {}),
  };
}

function promUrl(base: string, q: Query): string {
  const sel = q.pod === undefined ? q.metric : `${q.metric}{pod="${q.pod}"}`;
  const end = queryEndMs / 1000;
  const step = STEP_MS[q.window] / 1000;
  if (q.kind === 'raw')
    return `${base}/api/v1/query?${new URLSearchParams({ query: `${sel}[${q.window}]`, time: String(end) })}`;
  const query = q.kind === 'rate' ? `rate(${sel}[${step}s])` : `sum by (namespace) (${sel})`;
  const start = String(end - WINDOW_MS[q.window] / 1000);
  return `${base}/api/v1/query_range?${new URLSearchParams({ query, start, end: String(end), step: String(step) })}`;
}

interface Timed {
  ms: number;
  /** Points returned (raw: samples). */
  points: number;
}

/** Runs one warm-up per kind × window, then every query once; every answer must be non-empty. */
async function runQueries(qs: Query[], run: (q: Query) => Promise<number>): Promise<Timed[]> {
  for (const q of qs.slice(0, 6)) await run(q);
  const out: Timed[] = [];
  for (const q of qs) {
    const t0 = performance.now();
    const points = await run(q);
    out.push({ ms: performance.now() - t0, points });
    if (points === 0) throw new Error(`empty result for ${JSON.stringify(q)}`);
  }
  return out;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

interface Ours {
  points: number;
  insertMs: number;
  insertCpuS: number;
  peakRssMiB: number;
  optimizeMs: number;
  bytes: number;
  rows: number;
  columns: { name: string; bytes: number }[];
  lat: Timed[];
}

async function measureOurs(qs: Query[]): Promise<Ours> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-metrics-bench-'));
  const storage = await openStorage({ dataDir: dir });
  try {
    let points = 0;
    let insertMs = 0;
    let genCpuUs = 0;
    const c0 = process.cpuUsage();
    const batches = w.otlpBatches(ROUNDS);
    for (;;) {
      const g0 = process.threadCpuUsage();
      const next = batches.next();
      const g = process.threadCpuUsage(g0);
      genCpuUs += g.user + g.system;
      if (next.done === true) break;
      const [data, n] = next.value;
      const t0 = performance.now();
      const inserted = await insertMetrics(storage, data);
      insertMs += performance.now() - t0;
      if (inserted !== n) throw new Error(`insertMetrics stored ${inserted} of ${n} points`);
      points += inserted;
    }
    const c = process.cpuUsage(c0);
    const insertCpuS = (c.user + c.system - genCpuUs) / 1e6;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const db = storage.database;
    const o0 = performance.now();
    for (const t of [...METRIC_TABLES, TABLES.metricSeries])
      await storage.client.command({ query: `OPTIMIZE TABLE ${db}.${t} FINAL` });
    const optimizeMs = performance.now() - o0;
    // Bytes count the series index too; rows only the points.
    const tables = `(${[...METRIC_TABLES, TABLES.metricSeries].map((t) => `'${t}'`).join(', ')})`;
    const rs = await storage.client.query({
      query: `SELECT sum(bytes_on_disk) AS b, sumIf(rows, table != '${TABLES.metricSeries}') AS r FROM system.parts
        WHERE database = {db:String} AND table IN ${tables} AND active`,
      query_params: { db },
      format: 'JSONEachRow',
    });
    const [parts] = await rs.json<{ b: string; r: string }>();
    const cs = await storage.client.query({
      query: `SELECT name, sum(data_compressed_bytes) AS b FROM system.columns
        WHERE database = {db:String} AND table IN ${tables} GROUP BY name ORDER BY b DESC LIMIT 6`,
      query_params: { db },
      format: 'JSONEachRow',
    });
    const columns = (await cs.json<{ name: string; b: string }>()).map((x) => ({
      name: x.name,
      bytes: Number(x.b),
    }));
    if (Number(parts!.r) !== points)
      throw new Error(`system.parts counts ${parts!.r} rows, inserted ${points}`);
    const lat = await runQueries(qs, async (q) =>
      (await rangeQuery(storage, oursQuery(q))).reduce((n, s) => n + s.points.length, 0),
    );
    return {
      points,
      insertMs,
      insertCpuS,
      peakRssMiB,
      optimizeMs,
      bytes: Number(parts!.b),
      rows: Number(parts!.r),
      columns,
      lat,
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Blocks {
  label: string;
  samples: number;
  bytes: number;
  blocks: number;
  ms: number;
}

interface Prom {
  version: string;
  writeMs: number;
  fileBytes: number;
  builds: Blocks[];
  lat: Timed[];
}

function dirBytes(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, f) => n + dirBytes(join(p, f)), 0);
}

function createBlocks(file: string, out: string, label: string, flags: string[]): Blocks {
  const t0 = performance.now();
  const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', ...flags, file, out], {
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`promtool failed (${r.status}): ${r.stderr}`);
  let samples = 0;
  let bytes = 0;
  const dirs = readdirSync(out);
  for (const d of dirs) {
    const meta = JSON.parse(readFileSync(join(out, d, 'meta.json'), 'utf8')) as {
      stats: { numSamples: number };
    };
    samples += meta.stats.numSamples;
    bytes += dirBytes(join(out, d));
  }
  return { label, samples, bytes, blocks: dirs.length, ms };
}

async function waitReady(base: string, child: ChildProcess, logs: () => string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${logs()}`);
    try {
      if ((await fetch(`${base}/-/ready`)).status === 200) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready after 120 s: ${logs()}`);
}

interface PromResponse {
  status: string;
  error?: string;
  data: { resultType: string; result: { values?: unknown[] }[] };
}

async function measurePrometheus(qs: Query[]): Promise<Prom> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-prom-bench-'));
  let child: ChildProcess | undefined;
  try {
    const file = join(dir, 'samples.om');
    const t0 = performance.now();
    const written = w.writeOpenMetrics(file);
    const writeMs = performance.now() - t0;
    const fileBytes = statSync(file).size;
    const builds = [
      createBlocks(file, join(dir, 'b2h'), '2 h blocks (default)', []),
      createBlocks(file, join(dir, 'b18h'), '18 h blocks (--max-block-duration=24h)', [
        '--max-block-duration=24h',
      ]),
    ];
    for (const b of builds)
      if (b.samples !== written)
        throw new Error(`promtool stored ${b.samples} of ${written} samples (${b.label})`);
    rmSync(file);
    rmSync(join(dir, 'b2h'), { recursive: true });
    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 15s\n');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let logs = '';
    child = spawn(
      'prometheus',
      [
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${join(dir, 'b18h')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=100y',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => (logs = (logs + d).slice(-20_000)));
    await waitReady(base, child, () => logs);
    const lat = await runQueries(qs, async (q) => {
      const res = await fetch(promUrl(base, q));
      const body = (await res.json()) as PromResponse;
      if (body.status !== 'success')
        throw new Error(`prometheus: ${body.error ?? res.status} for ${promUrl(base, q)}`);
      return body.data.result.reduce((n, s) => n + (s.values?.length ?? 0), 0);
    });
    const version = /version (\S+)/.exec(
      spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).stdout,
    )?.[1];
    return { version: version ?? '?', writeMs, fileBytes, builds, lat };
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasProm = ['promtool', 'prometheus'].every((b) => spawnSync(b, ['--version']).status === 0);
const qs = queryMix();
const t0 = performance.now();
const ours = await measureOurs(qs);
const prom = hasProm ? await measurePrometheus(qs) : undefined;
const totalS = (performance.now() - t0) / 1000;

const f1 = (x: number): string => x.toFixed(1);
const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const SKIP = 'SKIPPED: install Debian’s prometheus (apt-get install prometheus)';
const oursBpp = ours.bytes / ours.rows;
const big = prom?.builds[1];
const lat = (t: Timed[] | undefined, keep: (q: Query) => boolean): string => {
  if (t === undefined) return SKIP;
  const ms = t.filter((_, i) => keep(qs[i]!)).map((x) => x.ms);
  return `p50 ${f1(pct(ms, 50))} ms, p99 ${f1(pct(ms, 99))} ms`;
};
const rows: [string, string, string][] = [
  [
    'points stored',
    `${n0(ours.rows)} (${SERIES} series × ${POINTS}, ${ROUNDS} round(s) per insert)`,
    prom ? n0(big!.samples) : SKIP,
  ],
  [
    'bytes per point',
    `${oursBpp.toFixed(2)} (after OPTIMIZE FINAL)`,
    prom
      ? prom.builds
          .map((b) => `${(b.bytes / b.samples).toFixed(2)} (${b.label}, ${b.blocks} blocks)`)
          .join('; ')
      : SKIP,
  ],
  [
    'bytes ratio ours / Prometheus 18 h blocks (target ≤ 3×)',
    prom ? `${(oursBpp / (big!.bytes / big!.samples)).toFixed(2)}×` : SKIP,
    '',
  ],
  [
    'ingest rate (insert calls, wall)',
    `${n0(ours.points / (ours.insertMs / 1000))} points/s`,
    prom
      ? `(info: promtool backfill ${prom.builds.map((b) => `${f1(b.ms / 1000)} s for ${b.label}`).join(', ')}, from a ${f1(prom.fileBytes / 2 ** 20)} MiB file written in ${f1(prom.writeMs / 1000)} s)`
      : SKIP,
  ],
  [
    'ingest per CPU-second (process, all threads)',
    `${n0(ours.points / ours.insertCpuS)} points per CPU-second (${f1(ours.insertCpuS)} CPU-s)`,
    '',
  ],
  ['peak resident memory (insert phase)', `${n0(ours.peakRssMiB)} MiB`, ''],
  [`range query latency, all ${qs.length}`, lat(ours.lat, () => true), lat(prom?.lat, () => true)],
];
for (const kind of ['raw', 'rate', 'sum'] as const)
  for (const window of ['1h', '24h'] as const)
    rows.push([
      `  ${kind} ${window}${kind === 'sum' ? ' (sum by namespace, all series)' : ' (one pod)'}`,
      lat(ours.lat, (q) => q.kind === kind && q.window === window),
      lat(prom?.lat, (q) => q.kind === kind && q.window === window),
    ]);
console.log(`| metric | WatchingCat (chDB) | Prometheus ${prom ? prom.version : ''} |\n|---|---|---|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\nOurs, largest columns (bytes per point): ${ours.columns.map((c) => `${c.name} ${(c.bytes / ours.rows).toFixed(2)}`).join(', ')}; OPTIMIZE FINAL ${f1(ours.optimizeMs / 1000)} s. Whole run ${f1(totalS)} s.`,
);
if (prom) {
  // Both hold the same samples, so raw range selections must return the same number of them.
  const bad = qs.flatMap((q, i) =>
    q.kind === 'raw' && ours.lat[i]!.points !== prom.lat[i]!.points
      ? [
          `${q.metric}{pod="${q.pod}"}[${q.window}]: ours ${ours.lat[i]!.points}, prometheus ${prom.lat[i]!.points}`,
        ]
      : [],
  );
  if (bad.length > 0) {
    console.error(`raw sample counts differ:\n${bad.join('\n')}`);
    process.exitCode = 1;
  }
}
