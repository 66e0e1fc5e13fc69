// The metric endpoints and /api/v1/dependencies against an embedded store filled through
// insertMetrics / insertTraces.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bytes, defaultSpan } from '../codecs/otlp/testdata/fixtures.ts';
import type { KeyValue } from '../model/common.ts';
import type { MetricsData, NumberDataPoint } from '../model/metrics.ts';
import type { Span, TracesData } from '../model/traces.ts';
import type { Storage } from '../storage/connection.ts';
import { embeddedStoreForTest } from '../storage/testdata/embedded-store.ts';
import { insertMetrics, insertTraces } from '../storage/writer.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { buildApi } from './server.ts';

const S = 1_000_000_000n;
const NOW = 1_750_000_020n * S; // minute-aligned
const T0 = NOW - 600n * S; // ten minutes before
const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

function pt(attrs: KeyValue[], sec: number, v: number): NumberDataPoint {
  return {
    attributes: attrs,
    startTimeUnixNano: T0,
    timeUnixNano: T0 + BigInt(sec) * S,
    asDouble: v,
    exemplars: [],
    flags: 0,
  };
}

// requests: cumulative counter per route (/a +10 per 10 s, /b +5 per 10 s) on two pods;
// temp: gauge on h1 (1.5, 2.5, …) and h2 (10.5, 20.5, …) every 30 s.
function metrics(): MetricsData {
  const scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  const secs = [0, 10, 20, 30, 40, 50];
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'api')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: [
              {
                name: 'http.requests',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'sum',
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    ...secs.map((x) => pt([str('route', '/a'), str('pod', 'p1')], x, x)),
                    ...secs.map((x) => pt([str('route', '/b'), str('pod', 'p2')], x, x / 2)),
                  ],
                },
              },
              {
                name: 'temp',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'gauge',
                  dataPoints: [0, 30].flatMap((x, i) => [
                    pt([str('host', 'h1')], x, i + 1.5),
                    pt([str('host', 'h2')], x, (i + 1) * 10 + 0.5),
                  ]),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

// Traces: frontend → api (3 calls, 1 error), api → db (2 calls).
function traces(): TracesData {
  const group = (service: string, spans: Span[]) => ({
    resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: [
      { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
    ],
  });
  const span = (trace: number, id: number, parent: number | undefined, error = false): Span => ({
    ...defaultSpan(),
    traceId: bytes(16, trace),
    spanId: bytes(8, id),
    parentSpanId: parent === undefined ? new Uint8Array(0) : bytes(8, parent),
    name: 'op',
    startTimeUnixNano: T0 + BigInt(id) * S,
    endTimeUnixNano: T0 + BigInt(id) * S + 1000n,
    status: error ? { code: 2, message: 'x' } : { code: 0, message: '' },
  });
  return {
    resourceSpans: [
      group('frontend', [span(1, 10, undefined), span(2, 20, undefined), span(3, 30, undefined)]),
      group('api', [span(1, 11, 10), span(2, 21, 20, true), span(3, 31, 30)]),
      group('db', [span(1, 12, 11), span(2, 22, 21)]),
    ],
  };
}

let store: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};
let app: FastifyInstance | undefined;

before(async () => {
  ({ storage: store, unavailable, close: closeStore } = await embeddedStoreForTest('wc-api-metrics-'));
  if (!store) return;
  await insertMetrics(store, metrics());
  await insertTraces(store, traces());
  app = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW });
});
after(async () => {
  await app?.close();
  await closeStore();
});

async function get(url: string) {
  const res = await app!.inject({ method: 'GET', url });
  return {
    status: res.statusCode,
    body: res.json() as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}
const enc = encodeURIComponent;

describe('metrics', () => {
  test('names (with match), labels, label values', async (t) => {
    if (!app) return t.skip(unavailable);
    const names = await get('/api/v1/metrics');
    assert.equal(names.status, 200);
    assert.deepEqual(names.body['metrics'], ['http.requests', 'temp']);
    assert.equal(names.body['truncated'], false);
    assert.deepEqual((await get('/api/v1/metrics?match=TEM')).body['metrics'], ['temp']);
    const one = await get('/api/v1/metrics?limit=1');
    assert.deepEqual([one.body['metrics'], one.body['truncated']], [['http.requests'], true]);
    assert.deepEqual((await get(`/api/v1/metrics?end=${T0 - S}`)).body['metrics'], []);
    assert.deepEqual((await get('/api/v1/metrics/http.requests/labels')).body['labels'], [
      'pod',
      'route',
      'service.name',
    ]);
    assert.deepEqual((await get('/api/v1/metrics/temp/labels/host/values')).body['values'], ['h1', 'h2']);
    assert.deepEqual((await get('/api/v1/metrics/nope/labels')).body['labels'], []);
  });

  test('series with =, !=, =~ and !~ matchers', async (t) => {
    if (!app) return t.skip(unavailable);
    const series = async (...m: string[]) => {
      const r = await get(
        `/api/v1/metrics/http.requests/series?${m.map((x) => `match[]=${enc(x)}`).join('&')}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body['series'] as Array<{ labels: Record<string, string> }>).map((s) => s.labels['route']);
    };
    assert.deepEqual(await series(), ['/a', '/b']);
    assert.deepEqual(await series('route="/a"'), ['/a']);
    assert.deepEqual(await series('route!="/a"'), ['/b']);
    assert.deepEqual(await series('pod=~"p[12]"', 'route!~"/a|/c"'), ['/b']);
    assert.deepEqual(await series('route=~"/"'), [], 'regexes are anchored');
    const full = await get('/api/v1/metrics/temp/series?match[]=host%3D%22h1%22');
    assert.deepEqual(full.body['series'], [{ labels: { 'service.name': 'api', host: 'h1' } }]);
  });

  test('query_range: raw, rate, sum by, avg; step and points capped', async (t) => {
    if (!app) return t.skip(unavailable);
    const range = `start=${T0}&end=${T0 + 59n * S}`;
    const raw = await get(`/api/v1/metrics/temp/query_range?${range}&match[]=${enc('host="h2"')}`);
    assert.equal(raw.status, 200, JSON.stringify(raw.body));
    const t0ms = Number(T0 / 1_000_000n);
    assert.deepEqual(raw.body['series'], [
      {
        labels: { 'service.name': 'api', host: 'h2' },
        points: [
          [t0ms, 10.5],
          [t0ms + 30_000, 20.5],
        ],
      },
    ]);
    const rate = await get(`/api/v1/metrics/http.requests/query_range?${range}&step=20s&fn=rate&by=route`);
    assert.equal(rate.status, 200, JSON.stringify(rate.body));
    // /a rises 10 per 10 s = 1/s; /b 0.5/s. The first bucket has only one increase (0 → 10 at 10 s).
    assert.deepEqual(rate.body['series'], [
      {
        labels: { route: '/a' },
        points: [
          [t0ms, 0.5],
          [t0ms + 20_000, 1],
          [t0ms + 40_000, 1],
        ],
      },
      {
        labels: { route: '/b' },
        points: [
          [t0ms, 0.25],
          [t0ms + 20_000, 0.5],
          [t0ms + 40_000, 0.5],
        ],
      },
    ]);
    const avg = await get(`/api/v1/metrics/temp/query_range?${range}&step=1m&fn=avg`);
    // One 60 s bucket: each host's last value (2.5, 20.5) averaged.
    assert.deepEqual(avg.body['series'], [{ labels: {}, points: [[t0ms, 11.5]] }]);
    assert.equal(avg.body['stepMs'], 60_000);
    // Several metrics in one query: exactly each metric's own answer, its series tagged with it.
    for (const params of [
      `step=20s&fn=rate&by=route`,
      `step=20s&fn=rate`,
      `step=1m&fn=avg`,
      `fn=raw`,
      `step=30s&fn=max&by=host`,
    ]) {
      const both = await get(
        `/api/v1/metrics/query_range?metric=http.requests&metric=temp&${range}&${params}`,
      );
      assert.equal(both.status, 200, JSON.stringify(both.body));
      assert.deepEqual(both.body['metrics'], ['http.requests', 'temp']);
      const expected = [];
      for (const m of ['http.requests', 'temp']) {
        const one = await get(`/api/v1/metrics/${m}/query_range?${range}&${params}`);
        expected.push(...(one.body['series'] as object[]).map((x) => ({ metric: m, ...x })));
      }
      assert.ok(expected.length > 0, params);
      assert.deepEqual(both.body['series'], expected, params);
    }
  });

  test('bad metric parameters are 400 naming the parameter', async (t) => {
    if (!app) return t.skip(unavailable);
    const q = '/api/v1/metrics/temp/query_range';
    for (const [url, name] of [
      [`${q}?step=1ms&start=${T0 - 3600n * S}&end=${T0}`, 'step'], // 3.6M points
      [`${q}?step=0`, 'step'],
      [`${q}?step=40d`, 'step'],
      [`${q}?step=1500us`, 'step'],
      [`${q}?step=soon`, 'step'],
      [`${q}?fn=median`, 'fn'],
      [`${q}?by=host`, 'by'],
      [`${q}?fn=sum&by=,`, 'by'],
      [`/api/v1/metrics/query_range`, 'metric'],
      [`/api/v1/metrics/query_range?${'metric=a&'.repeat(9)}`, 'metric'],
      [`/api/v1/metrics/query_range?metric=`, 'metric'],
      [`${q}?match[]=host`, 'match\\[\\]'],
      [`${q}?match[]=${enc('host=~"(?=x)"')}`, 'match\\[\\]'],
      [`${q}?match[]=${enc('host=~"("')}`, 'match\\[\\]'],
      [`/api/v1/metrics/temp/series?start=x`, 'start'],
      ['/api/v1/metrics?limit=0', 'limit'],
      ['/api/v1/dependencies?end=2&start=3', 'end'],
    ] as const) {
      const r = await get(url);
      assert.equal(r.status, 400, url);
      assert.match(r.body.error!.message, new RegExp(`parameter ${name}`), url);
    }
  });
});

test('GET /api/v1/dependencies: nodes and edges with calls and errors', async (t) => {
  if (!app) return t.skip(unavailable);
  const r = await get(`/api/v1/dependencies?start=${T0}&end=${NOW}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body['nodes'], [
    { id: 'api', name: 'api' },
    { id: 'db', name: 'db' },
    { id: 'frontend', name: 'frontend' },
  ]);
  assert.deepEqual(r.body['edges'], [
    { parent: 'api', child: 'db', calls: 2, errors: 0 },
    { parent: 'frontend', child: 'api', calls: 3, errors: 1 },
  ]);
  const empty = await get(`/api/v1/dependencies?start=${NOW - S}&end=${NOW}`);
  assert.deepEqual([empty.body['nodes'], empty.body['edges']], [[], []]);
});
