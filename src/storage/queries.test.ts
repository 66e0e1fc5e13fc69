// The log, metric and service-graph queries on generated data with known answers (own temp
// dataDir on embedded chDB).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bytes, defaultSpan, textLog } from '../codecs/otlp/testdata/fixtures.ts';
import type { KeyValue } from '../model/common.ts';
import type { LogRecord, LogsData } from '../model/logs.ts';
import type { MetricsData, NumberDataPoint } from '../model/metrics.ts';
import type { Span, TracesData } from '../model/traces.ts';
import { ChdbUnavailableError, openStorage } from './connection.ts';
import type { Storage } from './connection.ts';
import {
  dependencies,
  labelNames,
  labelValues,
  metricNames,
  metricSeries,
  rangeQuery,
  type Matcher,
  searchLogs,
  traceById,
} from './queries.ts';
import { singleNodeDDL } from './schema.ts';
import { insertLogs, insertMetrics, insertTraces } from './writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-queries-'));
let storage: Storage | undefined;
let unavailable = '';
const MIN = 60_000_000_000n;
// Minute-aligned, ten minutes ago: every generated item is inside the default retention.
const T0 = ((BigInt(Date.now()) * 1_000_000n) / MIN - 10n) * MIN;
const range = { start: T0 - 60n * MIN, end: T0 + 60n * MIN };

before(async () => {
  try {
    storage = await openStorage({ dataDir: dir });
  } catch (e) {
    if (!(e instanceof ChdbUnavailableError)) throw e;
    unavailable = e.message;
  }
});

after(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

function need(t: { skip(msg: string): void }): Storage | undefined {
  if (storage === undefined) t.skip(`chdb unavailable: ${unavailable}`);
  return storage;
}

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

const log = (time: bigint, body: string, severityNumber: number): LogRecord =>
  textLog(time, body, severityNumber);

function logs(service: string, namespace: string, records: LogRecord[]): LogsData {
  const scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [str('service.name', service), str('k8s.namespace.name', namespace)],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeLogs: [{ scope, schemaUrl: '', logRecords: records }],
      },
    ],
  };
}

/** One service's spans, as the resource spans of a TracesData. */
const svc = (name: string, spans: Span[]): TracesData['resourceSpans'][number] => ({
  resource: { attributes: [str('service.name', name)], droppedAttributesCount: 0 },
  schemaUrl: '',
  scopeSpans: [
    { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
  ],
});

const bodies = (r: { logs: { log: LogRecord }[] }): string[] =>
  r.logs.map((x) => (x.log.body as { stringValue: string }).stringValue);

test('searchLogs: full text, severity, service, resource, newest first, and a tailing cursor', async (t) => {
  const s = need(t);
  if (!s) return;
  // api: ten requests 1 ms apart, every third one a timeout error; db: three slow queries.
  const api = Array.from({ length: 10 }, (_, i) =>
    i % 3 === 0
      ? log(T0 + BigInt(i) * 1_000_000n, `request ${i} failed: Connection TIMEOUT error`, 17)
      : log(T0 + BigInt(i) * 1_000_000n, `request ${i} served`, 9),
  );
  const db = [0, 1, 2].map((i) => log(T0 + BigInt(i) * 1_000_000n + 500n, `query ${i} slow`, 13));
  await insertLogs(s, logs('api', 'shop', api));
  await insertLogs(s, logs('db', 'data', db));

  const timeouts = await searchLogs(s, { ...range, text: 'timeout' });
  assert.deepEqual(
    bodies(timeouts),
    [9, 6, 3, 0].map((i) => `request ${i} failed: Connection TIMEOUT error`),
  );
  assert.equal(timeouts.cursor, timeouts.logs[0]!.cursor);
  // Case-insensitive, every word must occur, words are whole tokens.
  assert.equal((await searchLogs(s, { ...range, text: 'connection Timeout' })).logs.length, 4);
  assert.equal((await searchLogs(s, { ...range, text: 'timeout served' })).logs.length, 0);
  assert.equal((await searchLogs(s, { ...range, text: 'time' })).logs.length, 0);

  assert.deepEqual(bodies(await searchLogs(s, { ...range, service: 'db' })), [
    'query 2 slow',
    'query 1 slow',
    'query 0 slow',
  ]);
  assert.equal((await searchLogs(s, { ...range, severityMin: 13 })).logs.length, 7);
  assert.equal((await searchLogs(s, { ...range, severityMin: 17, service: 'db' })).logs.length, 0);
  assert.equal(
    (await searchLogs(s, { ...range, resource: { 'k8s.namespace.name': 'shop' } })).logs.length,
    10,
  );
  const newest = await searchLogs(s, { ...range, limit: 3 });
  assert.deepEqual(bodies(newest), [
    'request 9 failed: Connection TIMEOUT error',
    'request 8 served',
    'request 7 served',
  ]);
  // Outside the range: nothing.
  assert.equal((await searchLogs(s, { start: T0 - 10n * MIN, end: T0 - MIN })).logs.length, 0);

  // Live tail: nothing after the newest record; then new records (two in the same nanosecond)
  // arrive and a tail of one record per poll sees each exactly once, in time order.
  const tail = { ...range, service: 'api', limit: 1 };
  let cursor = (await searchLogs(s, { ...tail, limit: 1 })).cursor;
  const idle = await searchLogs(s, { ...tail, cursor });
  assert.deepEqual(idle.logs, []);
  assert.equal(idle.cursor, cursor);
  const later = T0 + 20_000_000n;
  await insertLogs(
    s,
    logs('api', 'shop', [log(later, 'late a', 9), log(later, 'late b', 9), log(later + 1n, 'late c', 9)]),
  );
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await searchLogs(s, { ...tail, cursor });
    seen.push(...bodies(r));
    cursor = r.cursor;
  }
  assert.deepEqual([...seen.slice(0, 2)].sort(), ['late a', 'late b']);
  assert.deepEqual(seen.slice(2), ['late c']);
  // With a larger limit, the newest-first order holds for a cursor query too.
  const first = (await searchLogs(s, { ...range, service: 'api', limit: 10 })).logs.find(
    (l) =>
      (l.log.body as { stringValue: string }).stringValue === 'request 9 failed: Connection TIMEOUT error',
  )!;
  assert.deepEqual(bodies(await searchLogs(s, { ...range, service: 'api', cursor: first.cursor })), [
    'late c',
    seen[1],
    seen[0],
  ]);

  await assert.rejects(searchLogs(s, { ...range, cursor: 'x' }), /invalid cursor/);
  await assert.rejects(searchLogs(s, { ...range, text: '!!' }), /invalid text/);
  await assert.rejects(searchLogs(s, { ...range, severityMin: 30 }), /invalid severityMin/);
  await assert.rejects(searchLogs(s, { start: 0n, end: range.end }), /spans more than 32 days/);
  await assert.rejects(searchLogs(s, { ...range, limit: 100_000 }), /invalid limit/);
});

function point(attrs: KeyValue[], tSec: number, v: number, start = T0): NumberDataPoint {
  return {
    attributes: attrs,
    startTimeUnixNano: start,
    timeUnixNano: T0 + BigInt(tSec) * 1_000_000_000n,
    asInt: Number.isInteger(v) ? v : undefined,
    ...(Number.isInteger(v) ? {} : { asDouble: v }),
    exemplars: [],
    flags: 0,
  } as NumberDataPoint;
}

function metrics(): MetricsData {
  const scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  const route = (r: string): KeyValue[] => [str('route', r)];
  const host = (h: string): KeyValue[] => [str('host', h)];
  const secs = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110];
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
                    // /a: +10 every 10 s. /b: +5 every 10 s, restarted at 60 s (value 3, new start).
                    ...secs.map((x) => point(route('/a'), x, x)),
                    ...secs.map((x) =>
                      x < 60
                        ? point(route('/b'), x, x / 2)
                        : point(route('/b'), x, 3 + (x - 60) / 2, T0 + 55n * 1_000_000_000n),
                    ),
                  ],
                },
              },
              {
                name: 'deltas',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'sum',
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [0, 10, 20, 30, 40, 50].map((x) => point([], x, 5)),
                },
              },
              {
                name: 'temp',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'gauge',
                  dataPoints: [0, 30, 60, 90].flatMap((x, i) => [
                    point(host('h1'), x, i + 1.5),
                    point(host('h2'), x, (i + 1) * 10 + 0.5),
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

test('metric names, labels, series and range queries (raw, rate, aggregations)', async (t) => {
  const s = need(t);
  if (!s) return;
  assert.equal(await insertMetrics(s, metrics()), 24 + 6 + 8);
  assert.deepEqual(await metricNames(s, range), ['deltas', 'http.requests', 'temp']);
  assert.deepEqual(await metricNames(s, { ...range, match: 'TEM' }), ['temp']);
  assert.deepEqual(await metricNames(s, { start: T0 - 10n * MIN, end: T0 - MIN }), []);
  assert.deepEqual(await labelNames(s, 'temp', range), ['host', 'service.name']);
  assert.deepEqual(await labelValues(s, 'temp', 'host', range), ['h1', 'h2']);
  // Only series with points in the range, though the series index holds them for the whole day.
  const before = { start: T0 - 10n * MIN, end: T0 - MIN };
  assert.deepEqual(await labelNames(s, 'temp', before), []);
  assert.deepEqual(await labelValues(s, 'temp', 'host', before), []);
  assert.deepEqual(await metricSeries(s, 'temp', [], before), []);
  assert.deepEqual(
    await metricSeries(s, 'http.requests', [{ label: 'route', op: '=~', value: '/a|/c' }], range),
    [{ labels: { 'service.name': 'api', route: '/a' } }],
  );
  assert.deepEqual(
    (await metricSeries(s, 'http.requests', [{ label: 'route', op: '!=', value: '/a' }], range)).map(
      (x) => x.labels['route'],
    ),
    ['/b'],
  );
  assert.deepEqual(
    await metricSeries(s, 'http.requests', [{ label: 'missing', op: '!~', value: '' }], range),
    [],
  );

  const step = { start: T0, end: T0 + 119n * 1_000_000_000n, stepMs: 60_000 };
  const ms = Number(T0 / 1_000_000n);
  const raw = await rangeQuery(s, {
    ...step,
    metric: 'temp',
    matchers: [{ label: 'host', op: '=', value: 'h1' }],
    fn: 'raw',
  });
  assert.deepEqual(raw, [
    {
      labels: { 'service.name': 'api', host: 'h1' },
      points: [0, 30, 60, 90].map((x, i): [number, number] => [ms + x * 1000, i + 1.5]),
    },
  ]);
  // Matchers see resource attributes too, and an absent label as '' (as in PromQL).
  const seriesOf = async (matchers: Matcher[]): Promise<string[]> =>
    (await rangeQuery(s, { ...step, metric: 'temp', matchers, fn: 'raw' })).map((r) => r.labels['host']!);
  assert.deepEqual(await seriesOf([{ label: 'service.name', op: '=', value: 'api' }]), ['h1', 'h2']);
  assert.deepEqual(await seriesOf([{ label: 'service.name', op: '!=', value: 'api' }]), []);
  assert.deepEqual(await seriesOf([{ label: 'absent', op: '=', value: '' }]), ['h1', 'h2']);
  assert.deepEqual(await seriesOf([{ label: 'host', op: '=~', value: 'h[2-9]' }]), ['h2']);
  const rate = await rangeQuery(s, { ...step, metric: 'http.requests', matchers: [], fn: 'rate' });
  assert.deepEqual(
    rate.map((r) => [r.labels['route'], r.points]),
    [
      [
        '/a',
        [
          [ms, 50 / 60],
          [ms + 60_000, 60 / 60],
        ],
      ],
      [
        '/b',
        [
          [ms, 25 / 60],
          [ms + 60_000, 28 / 60],
        ],
      ],
    ],
  );
  const rateBy = await rangeQuery(s, {
    ...step,
    metric: 'http.requests',
    matchers: [],
    fn: 'rate',
    by: ['service.name'],
  });
  assert.deepEqual(rateBy, [
    {
      labels: { 'service.name': 'api' },
      points: [
        [ms, 50 / 60 + 25 / 60],
        [ms + 60_000, 1 + 28 / 60],
      ],
    },
  ]);
  const delta = await rangeQuery(s, { ...step, metric: 'deltas', matchers: [], fn: 'rate' });
  assert.deepEqual(
    delta.map((r) => r.points),
    [[[ms, 0.5]]],
  );
  // The series' last value in each step: h1 2.5 then 4.5, h2 20.5 then 40.5.
  const agg = async (fn: 'sum' | 'avg' | 'max' | 'min', by?: string[]) =>
    rangeQuery(s, { ...step, metric: 'temp', matchers: [], fn, ...(by ? { by } : {}) });
  assert.deepEqual(await agg('sum'), [
    {
      labels: {},
      points: [
        [ms, 23],
        [ms + 60_000, 45],
      ],
    },
  ]);
  assert.deepEqual(await agg('avg'), [
    {
      labels: {},
      points: [
        [ms, 11.5],
        [ms + 60_000, 22.5],
      ],
    },
  ]);
  assert.deepEqual(await agg('max'), [
    {
      labels: {},
      points: [
        [ms, 20.5],
        [ms + 60_000, 40.5],
      ],
    },
  ]);
  assert.deepEqual(await agg('min'), [
    {
      labels: {},
      points: [
        [ms, 2.5],
        [ms + 60_000, 4.5],
      ],
    },
  ]);
  assert.deepEqual(await agg('max', ['host']), [
    {
      labels: { host: 'h1' },
      points: [
        [ms, 2.5],
        [ms + 60_000, 4.5],
      ],
    },
    {
      labels: { host: 'h2' },
      points: [
        [ms, 20.5],
        [ms + 60_000, 40.5],
      ],
    },
  ]);

  await assert.rejects(
    rangeQuery(s, { ...step, metric: 'temp', matchers: [], fn: 'p99' as 'sum' }),
    /invalid fn/,
  );
  await assert.rejects(
    rangeQuery(s, { ...step, metric: 'temp', matchers: [], fn: 'sum', stepMs: 1 }),
    /invalid stepMs/,
  );
  await assert.rejects(
    rangeQuery(s, {
      ...step,
      metric: 'temp',
      matchers: [{ label: 'a', op: '<' as '=', value: '' }],
      fn: 'sum',
    }),
    /invalid matchers\[0\]\.op/,
  );
  await assert.rejects(labelNames(s, ''), /invalid metric/);
});

test('dependencies: service graph edges with call and error counts', async (t) => {
  const s = need(t);
  if (!s) return;
  const span = (trace: number, id: number, parent: number, error = false): Span => ({
    ...defaultSpan(),
    traceId: bytes(16, 500 + trace),
    spanId: bytes(8, 600 + id),
    parentSpanId: parent < 0 ? new Uint8Array(0) : bytes(8, 600 + parent),
    name: `op${id}`,
    startTimeUnixNano: T0 + BigInt(id) * 1000n,
    endTimeUnixNano: T0 + BigInt(id) * 1000n + 500n,
    status: { code: error ? 2 : 0, message: '' },
  });
  // Per trace k: frontend root (10k) -> frontend client (10k+1) -> api server (10k+2) -> api
  // client (10k+3) -> db server (10k+4, failing in trace 0). Plus an api span whose parent is
  // missing (no edge).
  const ids = (k: number, j: number): number => 10 * k + j;
  const data: TracesData = {
    resourceSpans: [
      svc(
        'frontend',
        [0, 1].flatMap((k) => [span(k, ids(k, 0), -1), span(k, ids(k, 1), ids(k, 0))]),
      ),
      svc('api', [
        ...[0, 1].flatMap((k) => [span(k, ids(k, 2), ids(k, 1)), span(k, ids(k, 3), ids(k, 2))]),
        span(0, 99, 98),
      ]),
      svc(
        'db',
        [0, 1].map((k) => span(k, ids(k, 4), ids(k, 3), k === 0)),
      ),
    ],
  };
  await insertTraces(s, data);
  assert.deepEqual(await dependencies(s, range), [
    { parent: 'api', child: 'db', calls: 2, errors: 1 },
    { parent: 'frontend', child: 'api', calls: 2, errors: 0 },
  ]);
  assert.deepEqual(await dependencies(s, { start: T0 - 10n * MIN, end: T0 - MIN }), []);
  await assert.rejects(dependencies(s, { start: 10n, end: 1n }), /end < start/);
});

test("trace by id after a merge finds the new part's marks in the cache (prewarm_mark_cache)", async (t) => {
  const s = need(t);
  if (!s) return;
  const traced = (k: number): TracesData => ({
    resourceSpans: [
      svc(
        'marks',
        [0, 1, 2].map((j) => ({
          ...defaultSpan(),
          traceId: bytes(16, 900 + k),
          spanId: bytes(8, 900 + 10 * k + j),
          startTimeUnixNano: T0 + BigInt(j) * 1000n,
          endTimeUnixNano: T0 + BigInt(j) * 1000n + 500n,
        })),
      ),
    ],
  });
  for (const k of [0, 1]) await insertTraces(s, traced(k));
  const misses = async (): Promise<number> => {
    const rs = await s.client.query({
      query: `SELECT sum(value) AS n FROM system.events WHERE event = 'MarkCacheMisses'`,
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0]!.n);
  };
  const lookupMisses = async (): Promise<number> => {
    await s.client.command({ query: `OPTIMIZE TABLE ${s.database}.spans FINAL` });
    const m0 = await misses();
    assert.equal((await traceById(s, Buffer.from(bytes(16, 901)).toString('hex'))).length, 3);
    return (await misses()) - m0;
  };
  // The control: without the setting, the first lookup in a freshly merged part loads its marks.
  await s.client.command({ query: `ALTER TABLE ${s.database}.spans MODIFY SETTING prewarm_mark_cache = 0` });
  assert.ok((await lookupMisses()) > 0, "without prewarm the merged part's marks are loaded by the lookup");
  // The schema's upgrade DDL turns it back on.
  for (const sql of singleNodeDDL({ database: s.database, retentionDays: 7 }))
    await s.client.command({ query: sql });
  assert.equal(await lookupMisses(), 0);
});
