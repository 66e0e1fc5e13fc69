// The backend end to end: OTLP/HTTP protobuf → `watchingcat backend` (otlp receiver →
// memory_limiter → storage exporter → embedded chDB, its default pipeline) with every request
// acknowledged only after its items are committed. Items/s and items per CPU-second of the
// backend process (its own CPU from /proc: receiver, encoder and the engine's threads; the load
// generator in this process does not count). Bodies: 64 distinct pre-encoded requests of 1,000
// items from bench/lib/telemetry-workload.ts (20 services, traces of 16 spans, varied values), so
// stored data is not one request repeated.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRequest } from '../src/codecs/otlp/index.ts';
import type { Signal } from '../src/model/common.ts';
import { freePort } from '../test/helpers/process.ts';
import { makeRequest } from './lib/load.ts';
import { measure, startInstance, type Row } from './lib/measure.ts';
import { logTemplate, spanTemplate, stampLogs, stampSpans } from './lib/telemetry-workload.ts';

const ITEMS = 1000;
const BODIES = 64;
const run = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  itemsPerRequest: ITEMS,
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 5000),
  measureMs: Number(process.env.BENCH_MEASURE_MS ?? 20000),
};

async function startBackend() {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-backend-'));
  const [http, health, tel, metrics, api] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  writeFileSync(
    join(dir, 'c.yaml'),
    `receivers:
  otlp:
    protocols:
      http: {endpoint: 127.0.0.1:${http}}
processors:
  memory_limiter: {check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 25}
exporters:
  storage: {}
extensions:
  health_check: {endpoint: 127.0.0.1:${health}}
service:
  extensions: [health_check]
  telemetry: {metrics: {address: 127.0.0.1:${tel}}}
  metrics_endpoint: {address: 127.0.0.1:${metrics}}
  pipelines:
    traces: {receivers: [otlp], processors: [memory_limiter], exporters: [storage]}
    metrics: {receivers: [otlp], processors: [memory_limiter], exporters: [storage]}
    logs: {receivers: [otlp], processors: [memory_limiter], exporters: [storage]}
`,
  );
  const backend = await startInstance(
    ['backend', '--config', join(dir, 'c.yaml'), '--data-dir', dir, '--api-address', `127.0.0.1:${api}`],
    dir,
    health,
  );
  return { ...backend, http };
}

/** BODIES distinct requests of ITEMS items each, timestamped within the last minutes. */
function bodies(signal: Signal): Uint8Array[] {
  const now = BigInt(Date.now()) * 1_000_000n;
  return Array.from({ length: BODIES }, (_, i) => {
    const at = now - BigInt(BODIES - i) * 1_000_000_000n;
    if (signal === 'traces') {
      const t = spanTemplate(ITEMS, i + 1);
      stampSpans(t, i, at);
      return encodeRequest('traces', t.data);
    }
    if (signal === 'logs') {
      const t = logTemplate(ITEMS, i + 1);
      stampLogs(t, at);
      return encodeRequest('logs', t.data);
    }
    return makeRequest('metrics', ITEMS);
  });
}

const rows: Row[] = [];
for (const signal of ['traces', 'logs', 'metrics'] as const) {
  const pool = bodies(signal);
  let next = 0;
  const backend = await startBackend();
  try {
    rows.push(
      await measure(
        signal,
        backend.child.pid!,
        backend.http,
        `/v1/${signal}`,
        () => pool[next++ % pool.length]!,
        run,
      ),
    );
  } finally {
    await backend.stop();
  }
}
console.log(
  `Requests of ${ITEMS} items, ${run.concurrency} keep-alive connections, ${run.measureMs / 1000} s measured after ${run.warmupMs / 1000} s warm-up; every 200 means committed.\n`,
);
console.log(
  '| signal | items/s | items per CPU-second of the backend | backend CPU (cores) | peak RSS MiB | refused requests |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${Math.round(r.itemsPerSec).toLocaleString('en')} | ${Math.round(r.perCore).toLocaleString('en')} | ${r.cpu.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.refused} |`,
  );
}
