// Storage on embedded chDB: insert throughput, bytes per stored span, trace-by-id and trace-search
// latency over SPANS spans (default 1M; WC_BENCH_SPANS overrides) in batches of BATCH spans
// (default 50k; WC_BENCH_BATCH overrides), and the process's resident memory. chDB runs in-process,
// so RSS and the CPU time of `process.cpuUsage()` include the engine's threads: spans per CPU-second
// is the rate one core sustains. Uses a temp dataDir, removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realisticTraces } from '../src/codecs/otlp/testdata/fixtures.ts';
import { openStorage } from '../src/storage/connection.ts';
import { searchTraces, traceById } from '../src/storage/queries.ts';
import { insertTraces } from '../src/storage/writer.ts';

const SPANS = Number(process.env['WC_BENCH_SPANS'] ?? 1_000_000);
const BATCH = Number(process.env['WC_BENCH_BATCH'] ?? 50_000);
const ID_SAMPLES = 200;
const dir = mkdtempSync(join(tmpdir(), 'wc-storage-bench-'));
const storage = await openStorage({ dataDir: dir });
try {
  // Shift the generator's 2023 timestamps to "now" so the 7-day TTL keeps them.
  const shift = BigInt(Date.now() - 3_600_000) * 1_000_000n - 1_700_000_000_000_000_000n;
  let inserted = 0;
  let insertMs = 0;
  let insertCpuUs = 0;
  let peakRss = 0;
  // A reservoir of trace ids actually inserted, for trace-by-id percentiles over many ids.
  const ids: string[] = [];
  let seen = 0;
  for (let b = 0; inserted < SPANS; b++) {
    const data = realisticTraces(BATCH);
    for (const s of data.resourceSpans[0]!.scopeSpans[0]!.spans) {
      s.startTimeUnixNano += shift + BigInt(b * BATCH) * 1000n;
      s.endTimeUnixNano += shift + BigInt(b * BATCH) * 1000n;
      s.traceId[0] = b & 0xff;
      s.traceId[1] = (b >> 8) & 0xff;
      seen++;
      if (ids.length < ID_SAMPLES) ids.push(Buffer.from(s.traceId).toString('hex'));
      else if (Math.random() * seen < ID_SAMPLES)
        ids[Math.floor(Math.random() * ID_SAMPLES)] = Buffer.from(s.traceId).toString('hex');
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    inserted += await insertTraces(storage, data);
    const c = process.cpuUsage(c0);
    insertMs += performance.now() - t0;
    insertCpuUs += c.user + c.system;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await storage.client.command({ query: `OPTIMIZE TABLE ${storage.database}.spans FINAL` });
  const rs = await storage.client.query({
    query: `SELECT sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts WHERE database = {db:String} AND table = 'spans' AND active`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const [parts] = await rs.json<{ b: string; r: string }>();
  const time = async (f: () => Promise<unknown>, n = 20): Promise<number> => {
    await f();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    return (performance.now() - t0) / n;
  };
  // Each id once after one warm-up query; every lookup must find its trace.
  await traceById(storage, ids[0]!);
  const lat: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const spans = await traceById(storage, id);
    lat.push(performance.now() - t0);
    if (spans.length === 0) throw new Error(`trace ${id} not found`);
  }
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  const now = BigInt(Date.now()) * 1_000_000n;
  const search = await time(() =>
    searchTraces(storage, {
      startNs: now - 7_200_000_000_000n,
      endNs: now,
      service: 'checkout',
      minDurationNs: 1_000_000n,
      limit: 20,
    }),
  );
  console.log('| metric | value |\n|---|---|');
  console.log(`| spans inserted | ${inserted} (batches of ${BATCH}) |`);
  console.log(`| insert rate | ${Math.round(inserted / (insertMs / 1000))} spans/s |`);
  console.log(
    `| insert CPU (process, all threads) | ${(insertCpuUs / 1e6).toFixed(1)} s = ${Math.round(inserted / (insertCpuUs / 1e6))} spans per CPU-second |`,
  );
  console.log(`| bytes per stored span | ${(Number(parts!.b) / Number(parts!.r)).toFixed(1)} |`);
  console.log(
    `| trace by id (${lat.length} random inserted ids) | p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms |`,
  );
  console.log(`| trace search (service, min duration, limit 20) | ${search.toFixed(1)} ms |`);
  console.log(`| resident memory (peak during inserts) | ${(peakRss / 2 ** 20).toFixed(0)} MiB |`);
  console.log(`| resident memory (end) | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB |`);
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
