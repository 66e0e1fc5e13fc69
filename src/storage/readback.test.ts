// Exact read-back of logs and metrics: the codec fixtures (every field, every AnyValue kind as a
// log body, all five metric types with exemplars) go in and come out equal. Runs on embedded
// chDB (own temp dataDir) through both insert paths: Native blocks (the embedded path) and
// JSONEachRow rows (the server path, into a second database of the same engine); and, when
// WATCHINGCAT_CLICKHOUSE_URL is set, on that server too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { logsFixture, metricsFixture } from '../codecs/otlp/testdata/fixtures.ts';
import { ChdbUnavailableError, openStorage } from './connection.ts';
import type { Storage } from './connection.ts';
import { allLogs, allMetricPoints } from './queries.ts';
import type { StoredLog, StoredMetricPoint } from './queries.ts';
import { canonical, sortedPair } from './testdata/canonical.ts';
import { withoutNativeInsert } from './testdata/embedded-store.ts';
import { insertLogs, insertMetrics } from './writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-readback-'));
const serverUrl = process.env['WATCHINGCAT_CLICKHOUSE_URL'];
const backends: { name: string; storage?: Storage; unavailable: string }[] = [
  { name: 'chdb', unavailable: '' },
  { name: 'chdb (JSON rows, the server insert path)', unavailable: '' },
  { name: 'server', unavailable: 'WATCHINGCAT_CLICKHOUSE_URL not set: server read-back tests skipped' },
];

before(async () => {
  try {
    // A century of retention: the fixtures are dated 1970 and 2023 and must not expire mid-test.
    const chdb = await openStorage({ dataDir: dir, retentionDays: 36_500 });
    backends[0]!.storage = chdb;
    // Its own database: the exact comparisons read every row of a table.
    const json = await withoutNativeInsert(chdb, 'wc_readback_json');
    assert.equal(json.insertNative, undefined);
    backends[1]!.storage = json;
  } catch (e) {
    if (!(e instanceof ChdbUnavailableError)) throw e;
    backends[0]!.unavailable = `chdb unavailable: ${e.message}`;
    backends[1]!.unavailable = backends[0]!.unavailable;
  }
  if (serverUrl !== undefined && serverUrl !== '') {
    // A fresh database per run so earlier runs' rows do not disturb the exact comparisons.
    const database = `wc_readback_${process.pid}_${Date.now()}`;
    backends[2]!.storage = await openStorage({ url: serverUrl, database, retentionDays: 36_500 });
  }
});

after(async () => {
  // backends[1] shares the client of backends[0]; closing that one closes both.
  for (const b of [backends[0]!, backends[2]!]) {
    if (b.storage?.kind === 'server')
      await b.storage.client.command({ query: `DROP DATABASE IF EXISTS ${b.storage.database}` });
    await b.storage?.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

function expectedLogs(): Omit<StoredLog, 'cursor'>[] {
  const out: Omit<StoredLog, 'cursor'>[] = [];
  for (const rl of logsFixture().resourceLogs)
    for (const sl of rl.scopeLogs)
      for (const log of sl.logRecords)
        out.push({
          resource: rl.resource,
          resourceSchemaUrl: rl.schemaUrl,
          scope: sl.scope,
          scopeSchemaUrl: sl.schemaUrl,
          log,
        });
  return out;
}

function expectedMetrics(): StoredMetricPoint[] {
  const out: StoredMetricPoint[] = [];
  for (const rm of metricsFixture().resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        if (m.data === null) continue;
        for (const p of m.data.dataPoints as object[])
          out.push({
            resource: rm.resource,
            resourceSchemaUrl: rm.schemaUrl,
            scope: sm.scope,
            scopeSchemaUrl: sm.schemaUrl,
            metric: { ...m, data: { ...m.data, dataPoints: [p] } as StoredMetricPoint['metric']['data'] },
          });
      }
  return out;
}

for (const b of backends) {
  test(`${b.name}: log records read back exactly, bodies of every AnyValue kind`, async (t) => {
    if (b.storage === undefined) return t.skip(b.unavailable);
    const s = b.storage;
    const want = expectedLogs();
    assert.equal(await insertLogs(s, logsFixture()), want.length);
    const got = await allLogs(s);
    assert.equal(got.length, want.length);
    for (const g of got) assert.match(g.cursor, /^\d+-\d+$/);
    const [gs, ws] = sortedPair(
      got.map(({ cursor: _c, ...rest }) => rest),
      want,
    );
    for (let i = 0; i < ws.length; i++) assert.deepEqual(gs[i], ws[i], `log ${canonical(ws[i]!.log.body)}`);
    // Every AnyValue kind made it through as a body.
    const kinds = new Set(got.map((g) => Object.keys(g.log.body)[0] ?? 'empty'));
    assert.deepEqual([...kinds].sort(), [
      'arrayValue',
      'boolValue',
      'bytesValue',
      'doubleValue',
      'empty',
      'intValue',
      'kvlistValue',
      'stringValue',
    ]);
  });

  test(`${b.name}: metric points of all five types read back exactly, with exemplars`, async (t) => {
    if (b.storage === undefined) return t.skip(b.unavailable);
    const s = b.storage;
    const want = expectedMetrics();
    assert.equal(await insertMetrics(s, metricsFixture()), want.length);
    const got = await allMetricPoints(s);
    assert.equal(got.length, want.length);
    const [gs, ws] = sortedPair(got, want);
    for (let i = 0; i < ws.length; i++)
      assert.deepEqual(
        gs[i],
        ws[i],
        `${ws[i]!.metric.name} point ${canonical(ws[i]!.metric.data.dataPoints)}`,
      );
    assert.deepEqual([...new Set(got.map((g) => g.metric.data.type))].sort(), [
      'exponentialHistogram',
      'gauge',
      'histogram',
      'sum',
      'summary',
    ]);
  });
}
