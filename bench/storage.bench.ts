// Backend storage on embedded chDB, at the scale: SPANS spans and LOGS log records
// (default 10M each; WC_BENCH_SPANS / WC_BENCH_LOGS override), inserted by WRITERS concurrent
// callers (default 16: a backend receiving from 16 agents at once) in batches of BATCH (default 8,192, the batch processor's size), the way
// the storage exporter calls the writer. Then query latency p50/p99: trace by id, trace search,
// log search. Metric points are in metrics-storage.bench.ts (with Prometheus as the peer).
//
// chDB runs in-process, so RSS and process.cpuUsage() include the engine's threads: items per
// CPU-second is the rate one core sustains. Generation is templates re-stamped per insert
// (bench/lib/telemetry-workload.ts), counted in the time (it is a small share). Uses a temp
// dataDir, removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/storage/connection.ts';
import type { Storage } from '../src/storage/connection.ts';
import { searchLogs } from '../src/storage/logs-queries.ts';
import { searchTraces, traceById } from '../src/storage/queries.ts';
import { insertLogs, insertTraces } from '../src/storage/writer.ts';
import {
  OPERATIONS,
  SERVICES,
  SPANS_PER_TRACE,
  logTemplate,
  prng,
  spanTemplate,
  type LogTemplate,
  type SpanTemplate,
  stampLogs,
  stampSpans,
  traceIdHex,
} from './lib/telemetry-workload.ts';

const SPANS = Number(process.env['WC_BENCH_SPANS'] ?? 10_000_000);
const LOGS = Number(process.env['WC_BENCH_LOGS'] ?? 10_000_000);
const BATCH = Number(process.env['WC_BENCH_BATCH'] ?? 8192);
const WRITERS = Number(process.env['WC_BENCH_WRITERS'] ?? 16);
const QUERIES = 100;
const BY_ID_QUERIES = 1000;
// The data's time span (default 24 h: 10M spans a day is ~116/s, a mid-size cluster; the
// 2026-12-02 run with everything in 2 h is in bench/RESULTS.md). Searches use 1 h windows and
// must find something, so scaled-down runs need a shorter span (e.g. 50k items: WC_BENCH_HOURS=2).
const HOURS = Number(process.env['WC_BENCH_HOURS'] ?? 24);
const WINDOW_NS = BigInt(HOURS) * 3_600_000_000_000n;
const HOUR_NS = 3_600_000_000_000n;

interface Ingest {
  items: number;
  wallS: number;
  cpuS: number;
  peakRssMiB: number;
}

/** WRITERS loops, each with its own template, until `total` items are inserted. */
async function ingest(
  total: number,
  batchSize: number,
  insertBatch: (writer: number, batch: number, batches: number) => Promise<number>,
): Promise<Ingest> {
  const batches = Math.ceil(total / batchSize);
  let next = 0;
  let items = 0;
  let peak = 0;
  let lastReport = Date.now();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (next < batches) {
        const b = next++;
        const got = await insertBatch(w, b, batches); // (not `items += await`: it reads items first)
        items += got;
        peak = Math.max(peak, process.memoryUsage().rss);
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          process.stderr.write(`  ${items.toLocaleString('en')} / ${total.toLocaleString('en')}\n`);
        }
      }
    }),
  );
  const c = process.cpuUsage(c0);
  return {
    items,
    wallS: (performance.now() - t0) / 1000,
    cpuS: (c.user + c.system) / 1e6,
    peakRssMiB: peak / 2 ** 20,
  };
}

/** Active parts of `table` now (before bytesPerRow's OPTIMIZE): what merges still have to do. */
async function activeParts(storage: Storage, table: string): Promise<number> {
  const rs = await storage.client.query({
    query: `SELECT count() AS n FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active`,
    query_params: { db: storage.database, t: table },
    format: 'JSONEachRow',
  });
  const [p] = await rs.json<{ n: string }>();
  return Number(p!.n);
}

async function bytesPerRow(storage: Storage, table: string): Promise<number> {
  await storage.client.command({ query: `OPTIMIZE TABLE ${storage.database}.${table} FINAL` });
  const rs = await storage.client.query({
    query: `SELECT sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active`,
    query_params: { db: storage.database, t: table },
    format: 'JSONEachRow',
  });
  const [p] = await rs.json<{ b: string; r: string }>();
  return Number(p!.b) / Number(p!.r);
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Runs slower than SLOW_MS. */
  slow: number;
}
const SLOW_MS = 50;

/** p50 / p99 / max of `n` runs of `f(i)` after one warm-up; each run must return a non-empty result. */
async function latency(n: number, f: (i: number) => Promise<number>): Promise<Latency> {
  if ((await f(-1)) === 0) throw new Error('warm-up query found nothing');
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const found = await f(i);
    lat.push(performance.now() - t0);
    if (found === 0) throw new Error(`query ${i} found nothing`);
  }
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return {
    p50: pct(50),
    p99: pct(99),
    max: lat[lat.length - 1]!,
    slow: lat.filter((x) => x > SLOW_MS).length,
  };
}

/**
 * Queries are measured at rest: the load generator's templates (~260 MiB, re-stamped in place
 * during ingest) and the ingest's garbage would otherwise be collected during the first queries —
 * a 77 ms young-generation collection landed on one trace lookup in a --trace-gc run. Needs
 * --expose-gc (npm run bench passes it); without it the first queries may pay for it.
 */
function settleHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en');
const ms = (l: Latency): string =>
  `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${l.slow} over ${SLOW_MS} ms)`;

const dir = mkdtempSync(join(tmpdir(), 'wc-storage-bench-'));
const storage = await openStorage({ dataDir: dir });
try {
  const end = BigInt(Date.now() - 60_000) * 1_000_000n;
  const start = end - WINDOW_NS;
  const rows: string[] = [];
  const row = (k: string, v: string): void => {
    rows.push(`| ${k} | ${v} |`);
  };

  // Spans.
  let spanTemplates: SpanTemplate[] | undefined = Array.from({ length: WRITERS }, (_, w) =>
    spanTemplate(BATCH, w + 1),
  );
  const tracesPerBatch = spanTemplates[0]!.traces;
  let batchesUsed = 0;
  process.stderr.write(`spans: ${fmt(SPANS)} in batches of ${BATCH}, ${WRITERS} writers\n`);
  const spans = await ingest(SPANS, tracesPerBatch * SPANS_PER_TRACE, async (w, b, batches) => {
    const t = spanTemplates![w]!;
    stampSpans(t, b, start + (WINDOW_NS * BigInt(b)) / BigInt(batches));
    batchesUsed = Math.max(batchesUsed, b + 1);
    return insertTraces(storage, t.data);
  });
  row('spans inserted', `${fmt(spans.items)} over ${HOURS} h (${WRITERS} writers × batches of ${BATCH})`);
  row('span ingest', `**${fmt(spans.items / spans.wallS)} spans/s**`);
  row('span ingest per CPU-second (process incl. engine)', `${fmt(spans.items / spans.cpuS)} spans`);
  row('peak RSS while ingesting spans', `${fmt(spans.peakRssMiB)} MiB`);
  row('active span parts at the end of ingest', fmt(await activeParts(storage, 'spans')));
  row('bytes per stored span', (await bytesPerRow(storage, 'spans')).toFixed(1));

  spanTemplates = undefined;
  settleHeap();

  const rnd = prng(42);
  const traces = batchesUsed * tracesPerBatch;
  // More lookups than searches: the target is a p99, and of 200 runs that is the second slowest.
  const byId = await latency(BY_ID_QUERIES, async () => {
    const found = await traceById(storage, traceIdHex(Math.floor(rnd() * traces)));
    if (found.length !== SPANS_PER_TRACE) throw new Error(`trace with ${found.length} spans`);
    return found.length;
  });
  row(`trace by id (${BY_ID_QUERIES} random ids, ${SPANS_PER_TRACE} spans each)`, ms(byId));
  const hourIn = (): bigint => start + BigInt(Math.floor(rnd() * Number(WINDOW_NS - HOUR_NS)));
  const search = await latency(QUERIES, async () => {
    const from = hourIn();
    const r = await searchTraces(storage, {
      service: SERVICES[Math.floor(rnd() * SERVICES.length)]!,
      operation: OPERATIONS[Math.floor(rnd() * OPERATIONS.length)]!,
      minDurationNs: 100_000_000n,
      startNs: from,
      endNs: from + HOUR_NS,
      limit: 20,
    });
    return r.length;
  });
  row('trace search (service + operation + min duration 100 ms, 1 h window, limit 20)', ms(search));

  // Logs (WC_BENCH_LOGS=0 skips them).
  if (LOGS > 0) {
    let logTemplates: LogTemplate[] | undefined = Array.from({ length: WRITERS }, (_, w) =>
      logTemplate(BATCH, w + 100),
    );
    process.stderr.write(`logs: ${fmt(LOGS)} in batches of ${BATCH}, ${WRITERS} writers\n`);
    const logs = await ingest(LOGS, BATCH, async (w, b, batches) => {
      const t = logTemplates![w]!;
      stampLogs(t, start + (WINDOW_NS * BigInt(b)) / BigInt(batches));
      return insertLogs(storage, t.data);
    });
    row(
      'log records inserted',
      `${fmt(logs.items)} over ${HOURS} h (${WRITERS} writers × batches of ${BATCH})`,
    );
    row('log ingest', `**${fmt(logs.items / logs.wallS)} records/s**`);
    row('log ingest per CPU-second', `${fmt(logs.items / logs.cpuS)} records`);
    row('peak RSS while ingesting logs', `${fmt(logs.peakRssMiB)} MiB`);
    row('active log parts at the end of ingest', fmt(await activeParts(storage, 'logs')));
    row('bytes per stored log record', (await bytesPerRow(storage, 'logs')).toFixed(1));
    logTemplates = undefined;
    settleHeap();
    const text = await latency(QUERIES, async () => {
      const from = hourIn();
      const r = await searchLogs(storage, {
        text: 'timed out',
        start: from,
        end: from + HOUR_NS,
        limit: 100,
      });
      return r.logs.length;
    });
    row('log search: full text "timed out", 1 h window, limit 100', ms(text));
    const filtered = await latency(QUERIES, async () => {
      const from = hourIn();
      const r = await searchLogs(storage, {
        service: SERVICES[Math.floor(rnd() * SERVICES.length)]!,
        severityMin: 13,
        start: from,
        end: from + HOUR_NS,
        limit: 100,
      });
      return r.logs.length;
    });
    row('log search: service + severity ≥ WARN, 1 h window, limit 100', ms(filtered));
    const rare = await latency(QUERIES, async () => {
      const r = await searchLogs(storage, { text: 'declined visa', start, end, limit: 100 });
      return r.logs.length;
    });
    row(`log search: rare words "declined visa" over all ${HOURS} h, limit 100`, ms(rare));
  }
  row('resident memory (end)', `${fmt(process.memoryUsage().rss / 2 ** 20)} MiB`);

  console.log('| measure | value |\n|---|---|');
  console.log(rows.join('\n'));
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
