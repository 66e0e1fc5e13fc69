// Round trips through embedded chDB: schema creation, inserting the codec fixtures and reading
// them back exactly. One temp dataDir for the file (chDB allows one session per process).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bytes, defaultSpan, realisticTraces, tracesFixture } from '../codecs/otlp/testdata/fixtures.ts';
import type { TracesData } from '../model/traces.ts';
import type { Span } from '../model/traces.ts';
import type { Storage } from './connection.ts';
import { allSpans, searchTraces, servicesSummary, traceById } from './queries.ts';
import { insertTraces } from './writer.ts';
import { embeddedStoreForTest } from './testdata/embedded-store.ts';

let storage: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};

before(async () => {
  ({ storage, unavailable, close: closeStore } = await embeddedStoreForTest('wc-storage-'));
});

after(async () => {
  await closeStore();
});

function need(t: { skip(msg: string): void }): Storage | undefined {
  if (storage === undefined) t.skip(`chdb unavailable: ${unavailable}`);
  return storage;
}

test('the schema exists on embedded chDB', async (t) => {
  const s = need(t);
  if (!s) return;
  const rs = await s.client.query({
    query: 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
    query_params: { db: s.database },
    format: 'JSONEachRow',
  });
  const names = (await rs.json<{ name: string }>()).map((r) => r.name);
  assert.deepEqual(names, [
    'logs',
    'metric_series',
    'metrics_exp_histogram',
    'metrics_exp_histogram_series_mv',
    'metrics_histogram',
    'metrics_histogram_series_mv',
    'metrics_number',
    'metrics_number_series_mv',
    'metrics_summary',
    'metrics_summary_series_mv',
    'spans',
  ]);
});

test('spans round-trip exactly, with their resource and scope', async (t) => {
  const s = need(t);
  if (!s) return;
  const data = tracesFixture();
  assert.equal(await insertTraces(s, data), 4);
  const expected: {
    span: Span;
    resource: unknown;
    scope: unknown;
    scopeSchemaUrl: string;
    resourceSchemaUrl: string;
  }[] = [];
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans)
        expected.push({
          span,
          resource: rs.resource,
          scope: ss.scope,
          scopeSchemaUrl: ss.schemaUrl,
          resourceSchemaUrl: rs.schemaUrl,
        });
  const got = await allSpans(s);
  const key = (x: { span: Span }): string => `${x.span.startTimeUnixNano}/${x.span.name}`;
  expected.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  got.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  assert.deepEqual(got.map(key), expected.map(key));
  for (let i = 0; i < got.length; i++) assert.deepEqual(got[i], expected[i], `span ${key(expected[i]!)}`);

  const byId = await traceById(
    s,
    Buffer.from(data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId).toString('hex'),
  );
  assert.deepEqual(
    byId.map((x) => x.span.name),
    ['SELECT', 'GET /items/{id}'],
  );
});

// Six traces of two spans (a server root and a client child) from 'api' and 'db' services, each
// 1 ms apart from "now - 1 minute"; every third trace fails, durations grow with the index.
function generated(now: bigint): TracesData {
  const spans = (service: string, from: number): TracesData['resourceSpans'][number] => ({
    resource: {
      attributes: [{ key: 'service.name', value: { stringValue: service } }],
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeSpans: [
      {
        scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: [0, 1, 2].flatMap((j) => {
          const i = from + j;
          const start = now - 60_000_000_000n + BigInt(i) * 1_000_000n;
          const root: Span = {
            ...defaultSpan(),
            traceId: bytes(16, 100 + i),
            spanId: bytes(8, 200 + i),
            name: 'GET /x',
            kind: 2,
            startTimeUnixNano: start,
            endTimeUnixNano: start + BigInt(i + 1) * 1_000_000n,
            attributes: [{ key: 'http.response.status_code', value: { intValue: i % 3 === 0 ? 500 : 200 } }],
            status: { code: i % 3 === 0 ? 2 : 0, message: '' },
          };
          const child: Span = {
            ...defaultSpan(),
            traceId: root.traceId,
            spanId: bytes(8, 300 + i),
            parentSpanId: root.spanId,
            name: 'SELECT',
            kind: 3,
            startTimeUnixNano: start + 100n,
            endTimeUnixNano: start + 200n,
          };
          return [root, child];
        }),
      },
    ],
  });
  return { resourceSpans: [spans('api', 0), spans('db', 3)] };
}

test('trace search and the services summary over generated spans', async (t) => {
  const s = need(t);
  if (!s) return;
  const now = BigInt(Date.now()) * 1_000_000n;
  assert.equal(await insertTraces(s, generated(now)), 12);
  const range = { startNs: now - 3_600_000_000_000n, endNs: now };
  const all = await searchTraces(s, { ...range, service: 'api' });
  assert.deepEqual(
    all.map((x) => [x.traceId, x.spanCount, x.errorCount, x.durationNs, x.rootService, x.rootName]),
    [2, 1, 0].map((i) => [
      Buffer.from(bytes(16, 100 + i)).toString('hex'),
      2,
      i % 3 === 0 ? 1 : 0,
      BigInt(i + 1) * 1_000_000n,
      'api',
      'GET /x',
    ]),
  );
  const slow = await searchTraces(s, {
    ...range,
    minDurationNs: 3_000_000n,
    maxDurationNs: 5_000_000n,
    limit: 2,
  });
  assert.deepEqual(
    slow.map((x) => x.durationNs),
    [5_000_000n, 4_000_000n],
  );
  const failed = await searchTraces(s, { ...range, attributes: { 'http.response.status_code': '500' } });
  assert.deepEqual(
    failed.map((x) => x.durationNs),
    [4_000_000n, 1_000_000n],
  );
  assert.deepEqual(await searchTraces(s, { ...range, operation: 'nope' }), []);
  // Outside the time range: nothing.
  assert.deepEqual(
    await searchTraces(s, { startNs: 0n, endNs: now - 7_200_000_000_000n, service: 'api' }),
    [],
  );

  const summary = await servicesSummary(s, range.startNs, range.endNs);
  assert.deepEqual(
    summary.map((x) => [x.service, x.spans, x.errorRate]),
    [
      ['api', 3, 1 / 3],
      ['db', 3, 1 / 3],
    ],
  );
  const api = summary[0]!;
  assert.ok(api.p50Ns >= 1_000_000 && api.p50Ns <= 3_000_000, `p50 ${api.p50Ns}`);
  assert.ok(api.p99Ns <= 3_000_000 && api.p99Ns >= api.p50Ns, `p99 ${api.p99Ns}`);
  assert.ok(Math.abs(api.rate - 3 / 3600) < 1e-9);
});

test('bad query parameters are rejected before SQL', async (t) => {
  const s = need(t);
  if (!s) return;
  await assert.rejects(traceById(s, "' OR 1=1 --"), /invalid trace id/);
  await assert.rejects(searchTraces(s, { startNs: 10n, endNs: 1n }), /endNs < startNs/);
  await assert.rejects(searchTraces(s, { startNs: 0n, endNs: 1n, limit: 0 }), /invalid limit/);
  await assert.rejects(searchTraces(s, { startNs: -1n, endNs: 1n }), /invalid startNs/);
});

test('a large batch is fully committed when insertTraces resolves', async (t) => {
  const s = need(t);
  if (s === undefined) return;
  const data = realisticTraces(8000); // one Native block through the spans appender
  const tag = 0xee;
  for (const span of data.resourceSpans[0]!.scopeSpans[0]!.spans) span.traceId[0] = tag;
  assert.equal(await insertTraces(s, data), 8000);
  const rs = await s.client.query({
    query: `SELECT count() AS n FROM ${s.database}.spans WHERE startsWith(trace_id, 'ee')`,
    format: 'JSONEachRow',
  });
  assert.deepEqual(await rs.json(), [{ n: 8000 }]);
});
