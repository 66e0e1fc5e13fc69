// The metric series index (schema.ts TABLES.metricSeries): what the views put in it for every
// metric type and both insert paths, and its backfill when a data directory from before it opens.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { metricsFixture } from '../codecs/otlp/testdata/fixtures.ts';
import { ChdbUnavailableError, openStorage, type Storage } from './connection.ts';
import { METRIC_TABLES, SERIES_BACKFILLED, TABLES, seriesView } from './schema.ts';
import { withoutNativeInsert } from './testdata/embedded-store.ts';
import { insertMetrics } from './writer.ts';

/** The data with every nonzero time field moved by `by` nanoseconds. */
function shifted<T>(data: T, by: bigint): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        typeof x === 'bigint' && /TimeUnixNano$/i.test(k) && x !== 0n ? x + by : walk(x),
      ]),
    );
  };
  return walk(data) as T;
}

async function open(dir: string): Promise<Storage | string> {
  try {
    return await openStorage({ dataDir: dir, retentionDays: 36_500 });
  } catch (e) {
    if (e instanceof ChdbUnavailableError) return e.message;
    throw e;
  }
}

async function json<T>(s: Storage, query: string): Promise<T[]> {
  return (await s.client.query({ query, format: 'JSONEachRow' })).json<T>();
}

/** The index's series (deduplicated), and the series the metric tables' points define. */
async function indexed(s: Storage, db = s.database): Promise<string[]> {
  return (
    await json<{ x: string }>(
      s,
      `SELECT toString((day, metric_name, series_id, any(labels))) AS x FROM ${db}.${TABLES.metricSeries}
       GROUP BY day, metric_name, series_id ORDER BY x`,
    )
  ).map((r) => r.x);
}

async function fromPoints(s: Storage, db = s.database): Promise<string[]> {
  const each = METRIC_TABLES.map(
    (t) =>
      `SELECT toDate(timestamp) AS d, metric_name, series_id, mapUpdate(resource_attributes, attributes) AS l FROM ${db}.${t}`,
  ).join(' UNION ALL ');
  return (
    await json<{ x: string }>(
      s,
      `SELECT DISTINCT toString((d, metric_name, series_id, l)) AS x FROM (${each}) ORDER BY x`,
    )
  ).map((r) => r.x);
}

test('the series index holds every series of every metric type, from both insert paths', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wc-series-index-'));
  const s = await open(dir);
  if (typeof s === 'string') return t.skip(s);
  try {
    assert.ok((await insertMetrics(s, metricsFixture())) > 0);
    const want = await fromPoints(s);
    // gauge, sum, histogram, exponential histogram and summary points all have series.
    const types = await json<{ n: string }>(
      s,
      `SELECT count() AS n FROM (${METRIC_TABLES.map((x) => `SELECT 1 FROM ${s.database}.${x} LIMIT 1`).join(' UNION ALL ')})`,
    );
    assert.equal(Number(types[0]!.n), METRIC_TABLES.length);
    assert.ok(want.length >= METRIC_TABLES.length);
    assert.deepEqual(await indexed(s), want);
    // The same (old) points again: their series are written again (the views check only the last
    // two days), and readers group them away.
    await insertMetrics(s, metricsFixture());
    assert.deepEqual(await indexed(s), want);
    // Today's points: each series once, however many inserts carry it.
    await s.client.command({ query: `TRUNCATE TABLE ${s.database}.${TABLES.metricSeries}` });
    // Noon UTC today, so the fixture's minute never straddles two days.
    const noon = BigInt(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 43_200_000) * 1_000_000n;
    const shift = noon - 1_700_000_000_000_000_000n;
    for (let i = 0; i < 3; i++) await insertMetrics(s, shifted(metricsFixture(), shift));
    const today = await json<{ rows: string; series: string }>(
      s,
      `SELECT count() AS rows, uniqExact(metric_name, series_id) AS series FROM ${s.database}.${TABLES.metricSeries}`,
    );
    assert.equal(Number(today[0]!.series), new Set(want.map((x) => x.replace(/^\('[^']*',/, ''))).size);
    assert.equal(today[0]!.rows, today[0]!.series);

    // The JSONEachRow path (a ClickHouse server) feeds the views the same way.
    const server = await withoutNativeInsert(s, 'wc_json');
    await insertMetrics(server, metricsFixture());
    assert.deepEqual(await indexed(s, 'wc_json'), await fromPoints(s, 'wc_json'));
    assert.deepEqual((await indexed(s, 'wc_json')).length, want.length);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data directory from before the series index gets it filled at open, again if interrupted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wc-series-backfill-'));
  let s = await open(dir);
  if (typeof s === 'string') return t.skip(s);
  try {
    const db = s.database;
    // An earlier version's directory: metric points, no views, no series table.
    for (const m of METRIC_TABLES) await s.client.command({ query: `DROP VIEW ${db}.${seriesView(m)}` });
    await s.client.command({ query: `DROP TABLE ${db}.${TABLES.metricSeries}` });
    await insertMetrics(s, metricsFixture());
    const want = await fromPoints(s);
    assert.ok(want.length > 0);
    await s.close();

    s = (await open(dir)) as Storage;
    assert.deepEqual(await indexed(s), want);
    const comment = async (x: Storage): Promise<string> =>
      (
        await json<{ comment: string }>(
          x,
          `SELECT comment FROM system.tables WHERE database = '${db}' AND name = '${TABLES.metricSeries}'`,
        )
      )[0]!.comment;
    assert.equal(await comment(s), SERIES_BACKFILLED);

    // A backfill cut short (the completion mark not written) runs again at the next open.
    await s.client.command({ query: `TRUNCATE TABLE ${db}.${TABLES.metricSeries}` });
    await s.client.command({ query: `ALTER TABLE ${db}.${TABLES.metricSeries} MODIFY COMMENT ''` });
    await s.close();
    s = (await open(dir)) as Storage;
    assert.deepEqual(await indexed(s), want);
    // Once complete, opening does not fill it again.
    await s.client.command({ query: `TRUNCATE TABLE ${db}.${TABLES.metricSeries}` });
    await s.close();
    s = (await open(dir)) as Storage;
    assert.deepEqual(await indexed(s), []);
  } finally {
    await (s as Storage).close();
    rmSync(dir, { recursive: true, force: true });
  }
});
