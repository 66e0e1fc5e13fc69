// End-to-end pipeline throughput: OTLP/HTTP protobuf → otlp receiver → batch → otlphttp
// exporter → loopback destination, for traces, logs and metrics, with the in-memory and the
// persistent (disk) sending queue. Reported per core of the agent process (its own CPU
// seconds from /proc), so the load generator's CPU does not count. The limit measured in the
// same run is a relay that forwards the same HTTP bodies without decoding.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Signal } from '../src/model/common.ts';
import { makeRequest, nullSink } from './lib/load.ts';
import { measure, startInstance, type Row } from './lib/measure.ts';
import { cpuSeconds, rssBytes } from './lib/proc.ts';
import { childEnv, freePort } from '../test/helpers/process.ts';

const BIN = fileURLToPath(new URL('../bin/watchingcat.js', import.meta.url));
const RELAY = fileURLToPath(new URL('./lib/relay.ts', import.meta.url));
const ITEMS_PER_REQUEST = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 8000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = {
  concurrency: CONCURRENCY,
  itemsPerRequest: ITEMS_PER_REQUEST,
  warmupMs: WARMUP_MS,
  measureMs: MEASURE_MS,
};

/** Extra processors (YAML under `processors:`) run before batch in every pipeline. */
interface Extra {
  name: string;
  yaml: string;
}

async function startAgent(sinkPort: number, persistent: boolean, compression: string, extra?: Extra) {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-'));
  const [http, grpc, tel, health, metrics] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const queue = persistent
    ? '\n    sending_queue:\n      storage: file_storage\n      sizer: bytes\n      queue_size: 1073741824'
    : '';
  const procs = extra ? `${extra.name}, batch` : 'batch';
  const yaml = `receivers:
  otlp:
    protocols:
      grpc: {endpoint: 127.0.0.1:${grpc}}
      http: {endpoint: 127.0.0.1:${http}}
processors:
  batch: {}${extra ? `\n  ${extra.yaml}` : ''}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sinkPort}
    compression: ${compression}${queue}
extensions:
  health_check: {endpoint: 127.0.0.1:${health}}
  file_storage: {directory: ${dir}/q}
service:
  extensions: [health_check, file_storage]
  telemetry: {metrics: {address: 127.0.0.1:${tel}}}
  metrics_endpoint: {address: 127.0.0.1:${metrics}}
  pipelines:
    traces: {receivers: [otlp], processors: [${procs}], exporters: [otlphttp]}
    metrics: {receivers: [otlp], processors: [${procs}], exporters: [otlphttp]}
    logs: {receivers: [otlp], processors: [${procs}], exporters: [otlphttp]}
`;
  writeFileSync(join(dir, 'c.yaml'), yaml);
  const agent = await startInstance(
    ['agent', '--config', join(dir, 'c.yaml'), '--data-dir', dir],
    dir,
    health,
  );
  return { ...agent, http };
}

/** The built-in agent configuration, moved to free loopback ports. */
async function startDefaultAgent(sinkPort: number) {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-idle-'));
  const [grpc, http, health, tel, metrics] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const printed = spawnSync(
    BIN,
    ['print-config', 'agent', '--otlp-endpoint', `http://127.0.0.1:${sinkPort}`],
    { encoding: 'utf8', env: childEnv({}) },
  );
  if (printed.status !== 0) throw new Error(`print-config failed: ${printed.stderr}`);
  const yaml = printed.stdout
    .replace('0.0.0.0:4317', `127.0.0.1:${grpc}`)
    .replace('0.0.0.0:4318', `127.0.0.1:${http}`)
    .replace('0.0.0.0:13133', `127.0.0.1:${health}`);
  writeFileSync(join(dir, 'c.yaml'), yaml);
  return startInstance(
    [
      'agent',
      ...['--config', join(dir, 'c.yaml'), '--data-dir', dir],
      ...['--telemetry-address', `127.0.0.1:${tel}`, '--metrics-address', `127.0.0.1:${metrics}`],
    ],
    dir,
    health,
  );
}

async function relayRow(sinkPort: number, body: Uint8Array): Promise<Row> {
  const port = await freePort();
  const child = spawn(process.execPath, [RELAY, String(port), String(sinkPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((r) => child.stdout!.once('data', () => r()));
  const row = await measure(
    'limit: HTTP relay, no decoding (traces bodies)',
    child.pid!,
    port,
    '/v1/traces',
    body,
    run,
  );
  child.kill();
  return row;
}

export async function main(): Promise<void> {
  const sink = await nullSink();
  const rows: Row[] = [];
  const bodies: Record<Signal, Uint8Array> = {
    traces: makeRequest('traces', ITEMS_PER_REQUEST),
    logs: makeRequest('logs', ITEMS_PER_REQUEST),
    metrics: makeRequest('metrics', ITEMS_PER_REQUEST),
  };
  // A resource-level change (what enrichment does) leaves the spans encoded; a span-level one
  // makes the agent decode and re-encode every span.
  const resourceProc: Extra = {
    name: 'resource',
    yaml: 'resource: {attributes: [{key: k8s.cluster.name, value: bench, action: upsert}]}',
  };
  const attributesProc: Extra = {
    name: 'attributes',
    yaml: 'attributes: {actions: [{key: deployment.environment, value: bench, action: upsert}]}',
  };
  const scenarios: Array<{ signal: Signal; persistent: boolean; compression: string; extra?: Extra }> = [
    { signal: 'traces', persistent: false, compression: 'none' },
    { signal: 'traces', persistent: true, compression: 'none' },
    { signal: 'traces', persistent: false, compression: 'gzip' },
    { signal: 'traces', persistent: false, compression: 'none', extra: resourceProc },
    { signal: 'traces', persistent: false, compression: 'none', extra: attributesProc },
    { signal: 'logs', persistent: false, compression: 'none' },
    { signal: 'metrics', persistent: false, compression: 'none' },
  ];
  for (const s of scenarios) {
    const agent = await startAgent(sink.port, s.persistent, s.compression, s.extra);
    const label =
      `${s.signal}, ${s.persistent ? 'persistent' : 'memory'} queue, compression ${s.compression}` +
      (s.extra ? `, + ${s.extra.name} processor` : '');
    rows.push(await measure(label, agent.child.pid!, agent.http, `/v1/${s.signal}`, bodies[s.signal], run));
    await agent.stop();
  }
  rows.push(await relayRow(sink.port, bodies.traces));

  // Idle footprint: the built-in agent configuration (`print-config agent` with a destination:
  // OTLP gRPC + HTTP in, memory_limiter, batch, otlphttp with a persistent queue, health check)
  // on free loopback ports, with no traffic.
  const idle = await startDefaultAgent(sink.port);
  await sleep(5000);
  const idleRss = rssBytes(idle.child.pid!);
  const idleCpu0 = cpuSeconds(idle.child.pid!);
  await sleep(5000);
  const idleCpu = (cpuSeconds(idle.child.pid!) - idleCpu0) / 5;
  await idle.stop();
  await sink.close();

  console.log(
    `Requests of ${ITEMS_PER_REQUEST} items (~10 attributes each), ${CONCURRENCY} keep-alive connections, ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up.\n`,
  );
  console.log(
    '| scenario | items/s | items/s per core of the agent | agent CPU (cores) | peak RSS MiB | refused requests |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${Math.round(r.itemsPerSec).toLocaleString('en')} | ${Math.round(r.perCore).toLocaleString('en')} | ${r.cpu.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.refused} |`,
    );
  }
  const traces = rows[0]!;
  const relay = rows[rows.length - 1]!;
  console.log(
    `\nTraces per core vs the relay limit: ${((traces.perCore / relay.perCore) * 100).toFixed(0)}%. Target ≥ 200,000 spans/s per core: ${traces.perCore >= 200_000 ? 'met' : 'NOT met'}.`,
  );
  console.log(
    `Idle (the built-in agent configuration with a destination, no traffic): RSS ${(idleRss / 2 ** 20).toFixed(0)} MiB (target ≤ 80 MiB: ${idleRss <= 80 * 2 ** 20 ? 'met' : 'NOT met'}), CPU ${(idleCpu * 100).toFixed(2)}% of a core.`,
  );
}

if (import.meta.main) await main();
