// The Summary parser and everything built from it are fuzzed: mutated Summaries (fields removed,
// replaced by values of the wrong type, lists emptied or duplicated, numbers made negative,
// huge, NaN-like), random JSON values, and bytes that are not JSON at all through the receiver's
// HTTP path. Nothing may throw; what is produced must still be valid (finite numbers, valid OTLP
// points, exposition lines that parse).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { renderFamilies } from '../../../metricfamily/family.ts';
import type { NumberDataPoint } from '../../../model/metrics.ts';
import { prng, randInt } from '../../../queue/testdata/prng.ts';
import { ExpositionRegistry, bodyText } from '../../../telemetry/exposition.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema } from './config.ts';
import { CpuRateTracker, summaryToOtlp } from './otel-metrics.ts';
import { KubeletStatsReceiver } from './receiver.ts';
import { parseSummary } from './summary.ts';
import { volumeFamilies } from './volume-stats.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const FIXTURE: unknown = JSON.parse(
  readFileSync(new URL('./testdata/summary.json', import.meta.url), 'utf8'),
) as unknown;
const ODD: unknown[] = [
  null,
  0,
  -1,
  -0,
  1e308,
  2 ** 64,
  0.5,
  '',
  'x',
  '12',
  '0001-01-01T00:00:00Z',
  '2026-13-45T99:99:99Z',
  'x'.repeat(100),
  true,
  [],
  {},
  [{}],
  { name: 1 },
  [null],
  { name: '', namespace: '' },
];

function mutate(v: unknown, rnd: () => number, depth = 0): unknown {
  if (depth > 12) return v;
  if (Array.isArray(v)) {
    const r = rnd();
    if (r < 0.05) return ODD[randInt(rnd, ODD.length)];
    if (r < 0.1) return [...v, ...v]; // duplicates: same pods, same claims, same keys
    if (r < 0.13) return [];
    return v.map((x) => mutate(x, rnd, depth + 1));
  }
  if (v && typeof v === 'object') {
    if (depth > 0 && rnd() < 0.04) return ODD[randInt(rnd, ODD.length)];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (rnd() < 0.05) continue;
      out[k] = mutate(x, rnd, depth + 1);
    }
    return out;
  }
  if (typeof v === 'number' && rnd() < 0.1) return -v;
  return rnd() < 0.12 ? ODD[randInt(rnd, ODD.length)] : v;
}

function randomJson(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.3) return ODD[randInt(rnd, ODD.length)];
  if (r < 0.6) return Array.from({ length: randInt(rnd, 4) }, () => randomJson(rnd, depth + 1));
  const keys = [
    'node',
    'pods',
    'podRef',
    'volume',
    'containers',
    'cpu',
    'memory',
    'ephemeral-storage',
    'pvcRef',
  ];
  return Object.fromEntries(
    Array.from({ length: randInt(rnd, 5) }, () => [
      keys[randInt(rnd, keys.length)]!,
      randomJson(rnd, depth + 1),
    ]),
  );
}

const SAMPLE_LINE = /^[a-z_]+\{namespace="(?:[^"\\]|\\.)*",persistentvolumeclaim="(?:[^"\\]|\\.)*"\} \S+$/;

function checkOutputs(body: unknown, rates: CpuRateTracker): void {
  const s = parseSummary(body);
  if (!s) return;
  const text = renderFamilies(volumeFamilies(s), 'text');
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.match(line, SAMPLE_LINE);
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    assert.ok(Number.isFinite(v) && v >= 0, line);
  }
  const rms = summaryToOtlp(s, {
    node: true,
    pod: true,
    container: true,
    cpuMemory: true,
    timeUnixNano: 1n,
    defaultStartUnixNano: 0n,
    scopeName: 'fuzz',
    scopeVersion: '0',
    rates,
  });
  for (const rm of rms) {
    for (const m of rm.scopeMetrics[0]!.metrics) {
      for (const p of m.data!.dataPoints as NumberDataPoint[]) {
        const v = p.asDouble ?? p.asInt;
        assert.ok(v !== undefined, m.name);
        if (typeof v === 'number') assert.ok(Number.isFinite(v) && v >= 0, `${m.name} = ${v}`);
        if (p.asInt !== undefined) {
          assert.ok(
            typeof p.asInt === 'bigint' || Number.isSafeInteger(p.asInt),
            `${m.name} asInt ${p.asInt}`,
          );
        }
      }
    }
  }
}

test(`parser and builders never throw on mutated Summaries (seed ${SEED})`, () => {
  const rnd = prng(SEED);
  const rates = new CpuRateTracker();
  for (let i = 0; i < 1500; i++) {
    const body = i % 5 === 4 ? randomJson(rnd) : mutate(FIXTURE, rnd);
    try {
      checkOutputs(body, rates);
    } catch (err) {
      assert.fail(`round ${i}: ${(err as Error).message}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }
  assert.ok(rates.size < 100, 'the rate tracker stays bounded');
});

test('non-Summary JSON is recognised as such, partial Summaries are used', () => {
  for (const v of [null, 1, 'x', [], [1], {}, { items: [] }, true]) assert.equal(parseSummary(v), undefined);
  assert.deepEqual(parseSummary({ pods: [] }), { node: { nodeName: '' }, pods: [] });
  const s = parseSummary({ node: { nodeName: 'n', cpu: 'x' }, pods: [{ podRef: { name: 'p' } }, 7] })!;
  assert.deepEqual(s, { node: { nodeName: 'n' }, pods: [] }, 'a pod without namespace is skipped');
});

test('lists are capped: a hostile Summary cannot make the work unbounded', () => {
  const pods = Array.from({ length: 6000 }, (_, i) => ({
    podRef: { name: `p${i}`, namespace: 'n' },
    volume: Array.from({ length: 3 }, (_, j) => ({
      name: `v${j}`,
      capacityBytes: 1,
      pvcRef: { name: `c${i}-${j}`, namespace: 'n' },
    })),
  }));
  const s = parseSummary({ node: {}, pods })!;
  assert.equal(s.pods.length, 5000);
  const many = parseSummary({
    pods: [
      {
        podRef: { name: 'p', namespace: 'n' },
        volume: Array.from({ length: 2000 }, (_, j) => ({ name: `v${j}` })),
      },
    ],
  })!;
  assert.equal(many.pods[0]!.volumes.length, 500);
});

test(`the receiver survives mutated, truncated and non-JSON answers (seed ${SEED})`, async () => {
  const rnd = prng(SEED + 1);
  let body = '';
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const exposition = new ExpositionRegistry();
  let pushes = 0;
  const r = new KubeletStatsReceiver(
    {
      id: { type: 'kubeletstats', name: '', key: 'kubeletstats' },
      kind: 'receiver',
      logger: pino({ level: 'silent' }),
      telemetry: new SelfMetrics({ processMetrics: false }).forComponent('receiver', 'kubeletstats'),
      dataDir: '/nonexistent',
    },
    configSchema.parse({
      endpoint: url,
      auth_type: 'none',
      metric_groups: ['node', 'pod', 'container', 'volume'],
      cpu_memory: 'always',
      collection_interval: '1h',
    }),
    { consume: async () => void pushes++ },
  );
  await r.start({ getExtension: () => undefined, isReady: () => true, exposition });
  try {
    const full = JSON.stringify(FIXTURE);
    for (let i = 0; i < 60; i++) {
      const k = i % 4;
      body =
        k === 0
          ? JSON.stringify(mutate(FIXTURE, rnd))
          : k === 1
            ? full.slice(0, randInt(rnd, full.length)) // truncated
            : k === 2
              ? Buffer.from(Array.from({ length: randInt(rnd, 200) }, () => randInt(rnd, 256))).toString(
                  'latin1',
                )
              : full;
      await r.collect(0);
      await bodyText((await exposition.collect('/metrics/kubelet', i % 2 ? 'text' : 'openmetrics'))!);
    }
    assert.ok(pushes >= 15, `the intact answers were pushed (${pushes})`);
  } finally {
    await r.shutdown();
    server.closeAllConnections();
    await new Promise((res) => server.close(res));
  }
});
