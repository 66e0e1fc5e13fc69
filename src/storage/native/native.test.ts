// Native blocks against the JSONEachRow rows: the same data goes into two databases of one
// embedded chDB, once as JSON rows (json-rows.ts, the server insert path) and once as a Native
// file built by the blocks of this directory, and both tables must then hold the same rows, value
// for value. Also checks the column lists of columns.ts against the blocks, the JSON rows and the
// real tables.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, mock, test } from 'node:test';
import {
  attrs,
  bytes,
  everyValue,
  logsFixture,
  metricsFixture,
  realisticLogs,
  realisticMetrics,
  realisticTraces,
  textLog,
  tracesFixture,
} from '../../codecs/otlp/testdata/fixtures.ts';
import type { KeyValue } from '../../model/common.ts';
import type { LogsData } from '../../model/logs.ts';
import type { Exemplar, MetricsData } from '../../model/metrics.ts';
import type { TracesData } from '../../model/traces.ts';
import type { Storage } from '../connection.ts';
import { TABLES, singleNodeDDL } from '../schema.ts';
import { LOG_COLUMNS, METRIC_COLUMNS, SPAN_COLUMNS } from '../columns.ts';
import { logRows, metricRows, spanRows } from '../json-rows.ts';
import { embeddedStoreForTest } from '../testdata/embedded-store.ts';
import type { RowBlock } from './block.ts';
import { nativeBlock } from './block.ts';
import { encodeGroup } from './group.ts';
import { LogBlock, appendLogs } from './logs.ts';
import { MetricBlocks, appendMetrics } from './metrics.ts';
import { SpanBlock } from './spans.ts';

const NATIVE_DB = 'wc_native';
const fileDir = mkdtempSync(join(tmpdir(), 'wc-native-files-'));
let storage: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};

before(async () => {
  ({ storage, unavailable, close: closeStore } = await embeddedStoreForTest('wc-native-'));
  if (storage === undefined) return;
  for (const sql of singleNodeDDL({ database: NATIVE_DB, retentionDays: 36_500 }))
    await storage.client.command({ query: sql });
});

after(async () => {
  await closeStore();
  rmSync(fileDir, { recursive: true, force: true });
});

function need(t: { skip(msg: string): void }): Storage | undefined {
  if (storage === undefined) t.skip(`chdb unavailable: ${unavailable}`);
  return storage;
}

// ---- edge-value fixtures beyond the codec fixtures --------------------------------------------

const LONE_SURROGATE = 'lone \ud800 surrogate';
const ODD_STRINGS = [
  '',
  'tab\there, newline\nthere, cr\r, nul\0, backslash\\, quote\' "',
  LONE_SURROGATE,
  '\udc00',
  'é'.repeat(42),
  'é'.repeat(43),
  '🐈'.repeat(21),
  'x'.repeat(127),
  'x'.repeat(128),
  'ü'.repeat(5000),
];

function oddAttrs(): KeyValue[] {
  return [
    ...ODD_STRINGS.map((s, i) => ({ key: `odd.${i}`, value: { stringValue: s } })),
    { key: LONE_SURROGATE, value: { intValue: -9223372036854775808n } },
    { key: '', value: { stringValue: 'empty key' } },
    { key: 'tab\tkey', value: { doubleValue: -0 } },
    ...attrs('every'),
  ];
}

function edgeLogs(): LogsData {
  const t = 1_700_000_000_000_000_000n;
  const u64max = 2n ** 64n - 1n;
  return {
    resourceLogs: [
      {
        resource: { attributes: oddAttrs(), droppedAttributesCount: 0xffffffff },
        schemaUrl: LONE_SURROGATE,
        scopeLogs: [
          {
            scope: { name: 'tab\tscope', version: '🐈', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: 'a\\b',
            logRecords: [
              ...ODD_STRINGS.map((s, i) =>
                textLog(t + BigInt(i), s, i, {
                  severityText: s,
                  eventName: s,
                  attributes: oddAttrs().slice(i),
                }),
              ),
              // No time: filed under the observed time; neither: under now (Date.now is fixed below).
              textLog(0n, 'observed only', 1, { observedTimeUnixNano: t + 99n }),
              textLog(0n, 'no time at all', 1, { observedTimeUnixNano: 0n }),
              // The largest observed time. (A time past 2^63 ns would be clamped to 2262, but such
              // rows are dropped on insert by both paths: toDate() wraps and the TTL has expired.)
              textLog(2_200_000_000_000_000_000n, 'far future', 24, {
                observedTimeUnixNano: u64max,
                flags: 0xffffffff,
                droppedAttributesCount: 0xffffffff,
                traceId: bytes(16, 5),
                spanId: bytes(8, 6),
                severityNumber: 255,
              }),
              ...everyValue().map((body, i) => ({ ...textLog(t, '', 9), body, attributes: attrs('b', i) })),
            ],
          },
          {
            scope: { name: 'empty', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [],
          },
        ],
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeLogs: [] },
    ],
  };
}

function edgeExemplars(t: bigint): Exemplar[] {
  const none = { spanId: new Uint8Array(0), traceId: new Uint8Array(0) };
  return [
    {
      filteredAttributes: oddAttrs(),
      timeUnixNano: t,
      asDouble: NaN,
      spanId: bytes(8, 3),
      traceId: bytes(16, 4),
    },
    { filteredAttributes: [], timeUnixNano: 2n ** 64n - 1n, asDouble: -0, ...none },
    { filteredAttributes: [], timeUnixNano: 0n, asDouble: -Infinity, ...none },
    { filteredAttributes: attrs('e', 2), timeUnixNano: t, asInt: 9223372036854775807n, ...none },
    { filteredAttributes: [], timeUnixNano: t, asInt: -9223372036854775808n, ...none },
    { filteredAttributes: [], timeUnixNano: t, asInt: Number.MIN_SAFE_INTEGER, ...none },
    { filteredAttributes: [], timeUnixNano: t, ...none },
  ];
}

// The gauge has many points (its fields are encoded once), the other metrics few (written directly).
function edgeMetrics(): MetricsData {
  const t0 = 1_700_000_000_000_000_000n;
  const t1 = 1_700_000_060_000_000_000n;
  const point = {
    attributes: [] as KeyValue[],
    startTimeUnixNano: t0,
    timeUnixNano: t1,
    exemplars: [],
    flags: 0,
  };
  const doubles = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, -1.5, 0.1];
  const ints: (number | bigint)[] = [
    9223372036854775807n,
    -9223372036854775808n,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    -1,
    0,
    2 ** 32,
  ];
  return {
    resourceMetrics: [
      {
        resource: { attributes: oddAttrs(), droppedAttributesCount: 1 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 'no metrics', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [],
          },
          {
            scope: {
              name: LONE_SURROGATE,
              version: 'v\t1',
              attributes: oddAttrs(),
              droppedAttributesCount: 2,
            },
            schemaUrl: 'https://x',
            metrics: [
              {
                name: 'gauge\twith tab',
                description: LONE_SURROGATE,
                unit: 'é'.repeat(43),
                metadata: oddAttrs(),
                data: {
                  type: 'gauge',
                  dataPoints: [
                    ...doubles.map((asDouble, i) => ({
                      ...point,
                      asDouble,
                      attributes: attrs('g', i),
                      flags: i,
                    })),
                    ...ints.map((asInt) => ({ ...point, asInt })),
                    { ...point, exemplars: edgeExemplars(t1) },
                    { ...point, timeUnixNano: 0n, startTimeUnixNano: 2n ** 64n - 1n, flags: 0xffffffff },
                  ],
                },
              },
              {
                name: 'sum.unspecified',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'sum',
                  aggregationTemporality: 0,
                  isMonotonic: false,
                  dataPoints: [{ ...point, asInt: 7, exemplars: edgeExemplars(t0).slice(2) }],
                },
              },
              {
                name: 'sum.delta.monotonic',
                description: 'd',
                unit: 'By',
                metadata: attrs('m', 3),
                data: {
                  type: 'sum',
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [{ ...point, asDouble: NaN }, point],
                },
              },
              {
                name: 'hist',
                description: '',
                unit: 'ms',
                metadata: [],
                data: {
                  type: 'histogram',
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...point,
                      count: Number.MAX_SAFE_INTEGER,
                      sum: NaN,
                      min: -0,
                      max: Infinity,
                      bucketCounts: [0, 2 ** 53 - 1, 1, 0, 0, 3],
                      explicitBounds: [-Infinity, -0, 0, 5e-324, 1e308],
                      exemplars: edgeExemplars(t1),
                    },
                    { ...point, count: 0, bucketCounts: [], explicitBounds: [] },
                    {
                      ...point,
                      count: 1,
                      sum: -Infinity,
                      bucketCounts: [1],
                      explicitBounds: [],
                      attributes: oddAttrs(),
                    },
                  ],
                },
              },
              {
                name: 'exp',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'exponentialHistogram',
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      ...point,
                      count: 5,
                      sum: -0,
                      scale: -2147483648,
                      zeroCount: 2 ** 40,
                      positive: { offset: 2147483647, bucketCounts: [0, 2 ** 52] },
                      negative: { offset: -1, bucketCounts: [] },
                      min: NaN,
                      max: -Infinity,
                      zeroThreshold: -0,
                      exemplars: edgeExemplars(t0),
                    },
                    {
                      ...point,
                      count: 0,
                      scale: 2147483647,
                      zeroCount: 0,
                      positive: { offset: 0, bucketCounts: [] },
                      negative: { offset: -2147483648, bucketCounts: [1, 2, 3] },
                      zeroThreshold: NaN,
                    },
                    {
                      ...point,
                      count: 1,
                      scale: 0,
                      zeroCount: 1,
                      positive: { offset: 0, bucketCounts: [] },
                      negative: { offset: 0, bucketCounts: [] },
                      zeroThreshold: Infinity,
                    },
                  ],
                },
              },
              {
                name: 'summ',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'summary',
                  dataPoints: [
                    {
                      ...point,
                      count: 2 ** 53 - 1,
                      sum: NaN,
                      quantileValues: [
                        { quantile: -0, value: -Infinity },
                        { quantile: 1, value: NaN },
                        { quantile: 0.99, value: 5e-324 },
                      ],
                    },
                    { ...point, count: 0, sum: -0, quantileValues: [] },
                  ],
                },
              },
              {
                name: 'no points',
                description: '',
                unit: '',
                metadata: [],
                data: { type: 'summary', dataPoints: [] },
              },
              { name: 'no data', description: '', unit: '', metadata: [], data: null },
            ],
          },
        ],
      },
    ],
  };
}

// ---- inserting both ways and comparing ----------------------------------------------------------

/** JSONEachRow rows into the storage's own database, as writer.ts sends them to a server. */
async function insertJsonRows(s: Storage, table: string, rows: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  const res = await s.client.exec({
    query: `INSERT INTO ${s.database}.${table} FORMAT JSONEachRow`,
    values: Readable.from([rows.join('\n') + '\n'], { objectMode: false }),
    clickhouse_settings: { async_insert: 0, wait_end_of_query: 1 },
  });
  for await (const _ of res.stream) void _;
}

let fileNo = 0;
async function insertNative(s: Storage, table: string, block: RowBlock): Promise<void> {
  if (block.rows === 0) return;
  const path = join(fileDir, `${table}-${fileNo++}.native`);
  writeFileSync(path, Buffer.concat(nativeBlock(block.rows, block.columns())));
  const cols = block.columns().map(([name]) => name);
  await s.client.command({
    query: `INSERT INTO ${NATIVE_DB}.${table} (${cols.join(', ')}) SELECT * FROM file('${path}', Native)`,
  });
}

/** Every stored row of `db.table` as JSON (NaN and ±Infinity as strings), in a canonical order. */
async function stored(s: Storage, db: string, table: string): Promise<unknown[]> {
  const rs = await s.client.query({
    query: `SELECT * FROM ${db}.${table}`,
    format: 'JSONEachRow',
    clickhouse_settings: {
      output_format_json_quote_denormals: 1,
      output_format_json_quote_64bit_integers: 1,
    },
  });
  const lines = (await rs.text()).split('\n').filter((l) => l !== '');
  return lines.sort().map((l) => JSON.parse(l) as unknown);
}

async function truncate(s: Storage, table: string): Promise<void> {
  await s.client.command({ query: `TRUNCATE TABLE ${s.database}.${table}` });
  await s.client.command({ query: `TRUNCATE TABLE ${NATIVE_DB}.${table}` });
}

/** Asserts both databases hold the same `rows` rows in `table`; returns them (as stored). */
async function assertSameRows(s: Storage, table: string, rows: number): Promise<Record<string, unknown>[]> {
  const json = await stored(s, s.database, table);
  const native = await stored(s, NATIVE_DB, table);
  assert.equal(json.length, rows, `${table}: JSON rows`);
  assert.equal(native.length, rows, `${table}: Native rows`);
  for (let i = 0; i < rows; i++) assert.deepStrictEqual(native[i], json[i], `${table} row ${i}`);
  return native as Record<string, unknown>[];
}

const FIXED_NOW_MS = 1_750_000_000_123;

/** Runs `build` with Date.now fixed, so "now" is the same for both builders. */
function atFixedNow<T>(build: () => T): T {
  const m = mock.method(Date, 'now', () => FIXED_NOW_MS);
  try {
    return build();
  } finally {
    m.mock.restore();
  }
}

// ---- tests --------------------------------------------------------------------------------------

const COLUMN_LISTS: [table: string, columns: readonly string[]][] = [
  [TABLES.spans, SPAN_COLUMNS],
  [TABLES.logs, LOG_COLUMNS],
  [TABLES.gaugeSum, METRIC_COLUMNS.number],
  [TABLES.histogram, METRIC_COLUMNS.histogram],
  [TABLES.expHistogram, METRIC_COLUMNS.expHistogram],
  [TABLES.summary, METRIC_COLUMNS.summary],
];

test('the blocks name exactly the column lists of columns.ts, in order', () => {
  const names = (b: RowBlock): string[] => b.columns().map(([n]) => n);
  assert.deepEqual(names(new LogBlock()), LOG_COLUMNS);
  assert.deepEqual(names(new SpanBlock()), SPAN_COLUMNS);
  const m = new MetricBlocks();
  assert.deepEqual(names(m.number), METRIC_COLUMNS.number);
  assert.deepEqual(names(m.histogram), METRIC_COLUMNS.histogram);
  assert.deepEqual(names(m.expHistogram), METRIC_COLUMNS.expHistogram);
  assert.deepEqual(names(m.summary), METRIC_COLUMNS.summary);
});

test('the JSON rows carry exactly the column lists of columns.ts, in order', () => {
  const keys = (row: string | undefined): string[] => {
    assert.ok(row !== undefined, 'a row to check');
    return Object.keys(JSON.parse(row) as object);
  };
  assert.deepEqual(keys(spanRows(tracesFixture())[0]), SPAN_COLUMNS);
  assert.deepEqual(keys(logRows(logsFixture())[0]), LOG_COLUMNS);
  const r = metricRows(metricsFixture());
  assert.deepEqual(keys(r.number[0]), METRIC_COLUMNS.number);
  assert.deepEqual(keys(r.histogram[0]), METRIC_COLUMNS.histogram);
  assert.deepEqual(keys(r.expHistogram[0]), METRIC_COLUMNS.expHistogram);
  assert.deepEqual(keys(r.summary[0]), METRIC_COLUMNS.summary);
});

/** The columns of `table` an insert must fill (all but MATERIALIZED), as ClickHouse lists them. */
async function insertableColumns(s: Storage, table: string): Promise<string[]> {
  const rs = await s.client.query({
    query:
      "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String} AND default_kind != 'MATERIALIZED'",
    query_params: { db: s.database, t: table },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ name: string }>()).map((x) => x.name);
}

test('the column lists are exactly the insertable columns of each table', async (t) => {
  const s = need(t);
  if (!s) return;
  for (const [table, columns] of COLUMN_LISTS) {
    const names = await insertableColumns(s, table);
    assert.ok(names.length > 0, `${table} has columns`);
    assert.deepEqual([...columns].sort(), names.sort(), table);
  }
});

const logCases: [string, () => LogsData][] = [
  ['codec fixture', logsFixture],
  ['edge values', edgeLogs],
  ['realistic', () => realisticLogs(300)],
];

for (const [name, make] of logCases) {
  test(`logs (${name}): Native stores the same rows as JSON`, async (t) => {
    const s = need(t);
    if (!s) return;
    await truncate(s, TABLES.logs);
    const data = make();
    const block = new LogBlock();
    // A block is reusable: rows appended before a reset leave no trace.
    appendLogs(realisticLogs(3), block);
    block.reset();
    assert.equal(block.rows, 0);
    const [rows, n] = atFixedNow(() => [logRows(data), appendLogs(data, block)] as const);
    assert.equal(n, rows.length);
    assert.equal(block.rows, n);
    assert.ok(n > 0);
    await insertJsonRows(s, TABLES.logs, rows);
    await insertNative(s, TABLES.logs, block);
    const got = await assertSameRows(s, TABLES.logs, n);
    if (name === 'edge values') {
      const byBody = (b: string): Record<string, unknown> => got.find((r) => r['body'] === b)!;
      assert.equal(byBody('no time at all')['timestamp'], '2025-06-15 15:06:40.123000000');
      assert.equal(byBody('no time at all')['has_time'], 0);
      assert.equal(byBody('far future')['observed_time_unix_nano'], '18446744073709551615');
      assert.equal(byBody('lone \ufffd surrogate')['severity_text'], 'lone \ufffd surrogate');
      assert.ok(byBody('ü'.repeat(5000)));
    }
  });
}

const metricCases: [string, () => MetricsData][] = [
  ['codec fixture', metricsFixture],
  ['edge values', edgeMetrics],
  ['realistic', () => realisticMetrics(300)],
];

for (const [name, make] of metricCases) {
  test(`metrics (${name}): Native stores the same rows as JSON in all four tables`, async (t) => {
    const s = need(t);
    if (!s) return;
    const data = make();
    const r = metricRows(data);
    const blocks = new MetricBlocks();
    appendMetrics(metricsFixture(), blocks);
    blocks.reset();
    assert.equal(blocks.rows, 0);
    const n = appendMetrics(data, blocks);
    assert.equal(n, r.number.length + r.histogram.length + r.expHistogram.length + r.summary.length);
    assert.equal(blocks.rows, n);
    const tables = [
      [TABLES.gaugeSum, r.number, blocks.number],
      [TABLES.histogram, r.histogram, blocks.histogram],
      [TABLES.expHistogram, r.expHistogram, blocks.expHistogram],
      [TABLES.summary, r.summary, blocks.summary],
    ] as const;
    for (const [table, rows, block] of tables) {
      await truncate(s, table);
      assert.equal(block.rows, rows.length, `${table}: block rows`);
      await insertJsonRows(s, table, rows);
      await insertNative(s, table, block);
      await assertSameRows(s, table, rows.length);
    }
    if (name !== 'realistic')
      for (const [, rows] of tables) assert.ok(rows.length > 0, 'every table is covered');
  });
}

function appendSpans(data: TracesData, block: SpanBlock): number {
  let n = 0;
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      const group = encodeGroup(rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl);
      for (const span of ss.spans) block.add(span, group, ss.schemaUrl);
      n += ss.spans.length;
    }
  return n;
}

/** Spans with the edge values of the logs above in every string, map and id of a span. */
function edgeTraces(): TracesData {
  const t = 1_700_000_000_000_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: oddAttrs(), droppedAttributesCount: 0xffffffff },
        schemaUrl: LONE_SURROGATE,
        scopeSpans: [
          {
            scope: { name: 'tab\tscope', version: '🐈', attributes: oddAttrs(), droppedAttributesCount: 1 },
            schemaUrl: 'a\\b',
            spans: ODD_STRINGS.map((str, i) => ({
              traceId: bytes(16, i + 1),
              spanId: bytes(8, i + 1),
              traceState: str,
              parentSpanId: i % 2 === 0 ? new Uint8Array(0) : bytes(8, i),
              flags: i === 0 ? 0xffffffff : i,
              name: str,
              kind: i % 6,
              // Span 1 ends before it starts (duration 0); span 2 ends at the largest UInt64.
              startTimeUnixNano: t + BigInt(i),
              endTimeUnixNano: i === 1 ? t - 1n : i === 2 ? 2n ** 64n - 1n : t + BigInt(i) * 1000n,
              attributes: oddAttrs().slice(i),
              droppedAttributesCount: i,
              events: ODD_STRINGS.slice(i).map((e, j) => ({
                timeUnixNano: j === 0 ? 2n ** 64n - 1n : t + BigInt(j),
                name: e,
                attributes: j % 2 === 0 ? oddAttrs() : [],
                droppedAttributesCount: j,
              })),
              droppedEventsCount: 0xffffffff,
              links: ODD_STRINGS.slice(0, i).map((l, j) => ({
                traceId: j === 0 ? new Uint8Array(0) : bytes(16, j),
                spanId: bytes(8, j),
                traceState: l,
                attributes: j % 2 === 1 ? oddAttrs() : [],
                droppedAttributesCount: j,
                flags: j === 0 ? 0xffffffff : j,
              })),
              droppedLinksCount: i,
              status: { code: i % 3, message: str },
            })),
          },
          {
            scope: { name: 'empty', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [],
          },
        ],
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] },
    ],
  };
}

const spanCases: [string, () => TracesData][] = [
  ['codec fixture', tracesFixture],
  ['edge values', edgeTraces],
  ['realistic', () => realisticTraces(50)],
];

for (const [name, make] of spanCases) {
  test(`spans (${name}): Native stores the same rows as JSON`, async (t) => {
    const s = need(t);
    if (!s) return;
    await truncate(s, TABLES.spans);
    const data = make();
    const rows = spanRows(data);
    const block = new SpanBlock();
    assert.equal(appendSpans(data, block), rows.length);
    assert.ok(rows.length > 0);
    await insertJsonRows(s, TABLES.spans, rows);
    await insertNative(s, TABLES.spans, block);
    const got = await assertSameRows(s, TABLES.spans, rows.length);
    if (name === 'edge values') {
      const byName = (n: string): Record<string, unknown> => got.find((r) => r['name'] === n)!;
      assert.equal(byName('')['flags'], 4294967295);
      assert.equal(byName(ODD_STRINGS[1]!)['duration_ns'], '0');
      assert.equal(
        byName(LONE_SURROGATE.replace('\ud800', '\ufffd'))['end_time_unix_nano'],
        '18446744073709551615',
      );
      assert.ok(byName('ü'.repeat(5000)));
    }
  });
}
