// Retention by size on embedded chDB: spans and logs on several days, then caps below the total.
// The clock is injected ("today" = 2024-03-10) and the schema keeps a century, so neither the
// wall clock nor the TTL decides what is dropped. One temp dataDir for the file (one chDB session).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { realisticLogs, realisticTraces } from '../codecs/otlp/testdata/fixtures.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import type { Storage } from './connection.ts';
import { enforceSizeCap, partitionIdOf, startSizeCapEnforcer } from './size-cap.ts';
import { insertLogs, insertTraces } from './writer.ts';
import { embeddedStoreForTest } from './testdata/embedded-store.ts';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2024, 2, 10, 12, 0, 0); // 2024-03-10 12:00 UTC
const now = () => NOW;
const TODAY = '20240310';
const TABLES = ['spans', 'logs'];

let storage: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};

/** Spans and logs at noon of the day `offset` days from today (negative = past). */
async function insertDay(s: Storage, offset: number): Promise<void> {
  const ns = BigInt(NOW + offset * DAY_MS) * 1_000_000n;
  const traces = realisticTraces(300);
  for (const span of traces.resourceSpans[0]!.scopeSpans[0]!.spans) {
    const d = span.endTimeUnixNano - span.startTimeUnixNano;
    span.startTimeUnixNano = ns + (span.startTimeUnixNano % 1_000_000_000n);
    span.endTimeUnixNano = span.startTimeUnixNano + d;
  }
  const logs = realisticLogs(300);
  for (const r of logs.resourceLogs[0]!.scopeLogs[0]!.logRecords) {
    r.timeUnixNano = ns + (r.timeUnixNano % 1_000_000_000n);
    r.observedTimeUnixNano = r.timeUnixNano + 1000n;
  }
  await insertTraces(s, traces);
  await insertLogs(s, logs);
}

/** Active bytes per partition id, summed over the test's tables. */
async function bytesByDay(s: Storage): Promise<Map<string, number>> {
  const rs = await s.client.query({
    query:
      'SELECT partition_id, toString(sum(bytes_on_disk)) AS b FROM system.parts ' +
      'WHERE database = {db:String} AND active AND table IN {t:Array(String)} GROUP BY partition_id',
    query_params: { db: s.database, t: TABLES },
    format: 'JSONEachRow',
  });
  return new Map(
    (await rs.json<{ partition_id: string; b: string }>()).map((r) => [r.partition_id, Number(r.b)]),
  );
}

async function countRows(s: Storage, table: string): Promise<Map<string, number>> {
  const rs = await s.client.query({
    query: `SELECT toString(toYYYYMMDD(timestamp)) AS d, toString(count()) AS c FROM ${s.database}.${table} GROUP BY d`,
    format: 'JSONEachRow',
  });
  return new Map((await rs.json<{ d: string; c: string }>()).map((r) => [r.d, Number(r.c)]));
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const id = (offset: number): string => partitionIdOf(NOW + offset * DAY_MS);

before(async () => {
  ({ storage, unavailable, close: closeStore } = await embeddedStoreForTest('wc-size-cap-'));
  if (!storage) return;
  // Four past days, today, and one day ahead (a skewed sender's clock).
  for (const offset of [-4, -3, -2, -1, 0, 1]) await insertDay(storage, offset);
});

after(async () => {
  await closeStore();
});

function need(t: { skip(msg: string): void }): Storage | undefined {
  if (storage === undefined) t.skip(`chdb unavailable: ${unavailable}`);
  return storage;
}

describe('enforceSizeCap', () => {
  test('options are checked', async () => {
    const fake = {} as Storage;
    await assert.rejects(enforceSizeCap(fake, { maxBytes: 0 }), /invalid maxBytes 0/);
    await assert.rejects(enforceSizeCap(fake, { maxBytes: 1.5 }), /invalid maxBytes/);
    await assert.rejects(enforceSizeCap(fake, { maxBytes: 10, tables: ['a; DROP'] }), /invalid table name/);
    await assert.rejects(enforceSizeCap(fake, { maxBytes: 10, tables: [] }), /no tables/);
  });

  test('under the cap nothing is dropped', async (t) => {
    const s = need(t);
    if (!s) return;
    const before = await bytesByDay(s);
    assert.deepEqual([...before.keys()].sort(), [id(-4), id(-3), id(-2), id(-1), TODAY, id(1)]);
    const r = await enforceSizeCap(s, { maxBytes: sum(before), tables: TABLES, now });
    assert.deepEqual(r.dropped, []);
    assert.equal(r.capMet, true);
    assert.equal(r.bytesBefore, sum(before));
    assert.equal(r.bytesAfter, sum(before));
    assert.deepEqual(await bytesByDay(s), before);
  });

  test('oldest days go first, from every table, until the total fits', async (t) => {
    const s = need(t);
    if (!s) return;
    const before = await bytesByDay(s);
    const total = sum(before);
    // One byte less than what remains without the oldest day: the two oldest days must go.
    const maxBytes = total - before.get(id(-4))! - 1;
    const r = await enforceSizeCap(s, { maxBytes, tables: TABLES, now });

    assert.equal(r.capMet, true);
    assert.equal(r.bytesBefore, total);
    assert.equal(r.bytesAfter, total - before.get(id(-4))! - before.get(id(-3))!);
    assert.ok(r.bytesAfter <= maxBytes);
    assert.deepEqual(
      r.dropped.map((d) => `${d.day} ${d.table}`).sort(),
      ['2024-03-06', '2024-03-07'].flatMap((day) => TABLES.map((tb) => `${day} ${tb}`)).sort(),
    );
    // Reported oldest day first, with their bytes.
    assert.deepEqual(
      r.dropped.map((d) => d.partitionId),
      [...r.dropped.map((d) => d.partitionId)].sort(),
    );
    assert.equal(
      r.dropped.filter((d) => d.partitionId === id(-4)).reduce((a, d) => a + d.bytes, 0),
      before.get(id(-4)),
    );

    const after = await bytesByDay(s);
    assert.deepEqual([...after.keys()].sort(), [id(-2), id(-1), TODAY, id(1)]);
    for (const k of after.keys()) assert.equal(after.get(k), before.get(k), `day ${k} untouched`);
    for (const table of ['spans', 'logs']) {
      const rows = await countRows(s, table);
      assert.deepEqual([...rows.keys()].sort(), [id(-2), id(-1), TODAY, id(1)], table);
      assert.equal(rows.get(TODAY), 300, `${table}: today's rows are all there`);
    }
  });

  test('today and later are never dropped: the cap is reported as not met', async (t) => {
    const s = need(t);
    if (!s) return;
    const before = await bytesByDay(s);
    const metrics = new SelfMetrics({ processMetrics: false });
    const enforcer = startSizeCapEnforcer(
      s,
      { maxBytes: 1, tables: TABLES, now, metrics, intervalMs: 3_600_000 },
      silentLogger(),
    );
    let r;
    try {
      // Joins the pass started on creation (passes never overlap).
      r = await enforcer.runOnce();
    } finally {
      await enforcer.stop();
    }
    assert.ok(r);
    assert.equal(r.capMet, false);
    assert.deepEqual([...new Set(r.dropped.map((d) => d.day))], ['2024-03-08', '2024-03-09']);
    assert.equal(r.bytesAfter, before.get(TODAY)! + before.get(id(1))!);
    const after = await bytesByDay(s);
    assert.deepEqual([...after.keys()].sort(), [TODAY, id(1)]);
    assert.equal((await countRows(s, 'spans')).get(TODAY), 300);

    const text = await metrics.exposition();
    assert.match(
      text,
      /watchingcat_storage_dropped_partitions_total\{database="watchingcat",table="spans"\} 2/,
    );
    assert.match(
      text,
      new RegExp(`watchingcat_storage_bytes\\{database="watchingcat",table="logs"\\} ${r.bytesByTable.logs}`),
    );
    assert.equal(await enforcer.runOnce(), undefined, 'a stopped enforcer does nothing');

    // A second pass has nothing left to drop and says so again.
    const again = await enforceSizeCap(s, { maxBytes: 1, tables: TABLES, now });
    assert.deepEqual(again.dropped, []);
    assert.equal(again.capMet, false);
  });
});
