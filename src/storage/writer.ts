// Converts OTLP model data into rows of the tables in schema.ts and inserts them.
//
// Contract: each call resolves only once ClickHouse has committed its rows, so a resolved insert
// is visible to the next query; it returns the number of rows it was given.
// - Embedded chDB (a storage with `insertNative`): rows are encoded straight into ClickHouse
//   Native blocks (native/) by one group-commit appender per table (appender.ts). Concurrent calls
//   share blocks, so one insert carries the rows of many calls; a call resolves once every block
//   holding its rows is committed, and rejects if any of them failed (rows of that call in other
//   blocks may stay committed: at-least-once on retry). Each insert names its columns (the lists
//   of columns.ts). The appenders flush pending rows when the storage closes.
// - Server (no `insertNative`): JSONEachRow rows (json-rows.ts) over HTTP, one insert per table
//   per call; the server batches them (async_insert with wait_for_async_insert, see below).
import { Readable } from 'node:stream';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import { itemCount } from '../model/signal.ts';
import type { Storage } from './connection.ts';
import { logRows, metricRows, spanRows } from './json-rows.ts';
import { TABLES } from './schema.ts';
import { BlockAppender } from './appender.ts';
import type { RowBlock } from './native/block.ts';
import { nativeBlock } from './native/block.ts';
import { SpanBlock, spanWriter } from './native/spans.ts';
import { LogBlock, logWriter } from './native/logs.ts';
import { MetricBlocks, metricWriter } from './native/metrics.ts';

export { logRows, metricRows, spanRows } from './json-rows.ts';
export type { MetricRows } from './json-rows.ts';

/**
 * A server batches concurrent small inserts itself (async_insert) and answers only once the
 * batch holding ours is written (wait_for_async_insert): the backend has no batch processor in
 * front of the writer, and one part per request would overwhelm merges. The embedded engine (the
 * JSON path runs on it in tests) inserts synchronously.
 */
const SERVER_INSERT_SETTINGS = { async_insert: 1, wait_for_async_insert: 1, wait_end_of_query: 1 } as const;
const SYNC_INSERT_SETTINGS = { async_insert: 0, wait_end_of_query: 1 } as const;

async function insertJson(storage: Storage, table: string, rows: string[]): Promise<void> {
  if (rows.length === 0) return;
  const res = await storage.client.exec({
    query: `INSERT INTO ${storage.database}.${table} FORMAT JSONEachRow`,
    values: Readable.from([rows.join('\n') + '\n'], { objectMode: false }),
    clickhouse_settings: storage.kind === 'server' ? SERVER_INSERT_SETTINGS : SYNC_INSERT_SETTINGS,
  });
  // The response body is empty for an INSERT; draining it releases the connection.
  for await (const _ of res.stream) void _;
}

/** The group-commit appenders of an embedded storage (one per table), made on first use. */
interface Appenders {
  spans: BlockAppender<SpanBlock>;
  logs: BlockAppender<LogBlock>;
  metrics: BlockAppender<MetricBlocks>;
}

const appenders = new WeakMap<Storage, Appenders>();

function appendersOf(storage: Storage): Appenders | undefined {
  const insertNative = storage.insertNative;
  if (insertNative === undefined) return undefined;
  const a = appenders.get(storage);
  if (a !== undefined) return a;
  const send = (table: string, block: RowBlock): Promise<void> => {
    const cols = block.columns();
    return insertNative(
      `${storage.database}.${table}`,
      cols.map(([name]) => name),
      nativeBlock(block.rows, cols),
    );
  };
  const made: Appenders = {
    spans: new BlockAppender(
      () => new SpanBlock(),
      (b) => send(TABLES.spans, b),
    ),
    logs: new BlockAppender(
      () => new LogBlock(),
      (b) => send(TABLES.logs, b),
    ),
    metrics: new BlockAppender(
      () => new MetricBlocks(),
      async (b) => {
        // One insert per table that has rows; a failure fails the whole block (its senders retry).
        if (b.number.rows > 0) await send(TABLES.gaugeSum, b.number);
        if (b.histogram.rows > 0) await send(TABLES.histogram, b.histogram);
        if (b.expHistogram.rows > 0) await send(TABLES.expHistogram, b.expHistogram);
        if (b.summary.rows > 0) await send(TABLES.summary, b.summary);
      },
    ),
  };
  appenders.set(storage, made);
  storage.onClose(async () => {
    await Promise.all([made.spans.close(), made.logs.close(), made.metrics.close()]);
  });
  return made;
}

export async function insertTraces(storage: Storage, data: TracesData): Promise<number> {
  const a = appendersOf(storage);
  if (a !== undefined) {
    const n = itemCount('traces', data);
    if (n > 0) await a.spans.append(spanWriter(data));
    return n;
  }
  const rows = spanRows(data);
  await insertJson(storage, TABLES.spans, rows);
  return rows.length;
}

export async function insertLogs(storage: Storage, data: LogsData): Promise<number> {
  const a = appendersOf(storage);
  if (a !== undefined) {
    const n = itemCount('logs', data);
    if (n > 0) await a.logs.append(logWriter(data));
    return n;
  }
  const rows = logRows(data);
  await insertJson(storage, TABLES.logs, rows);
  return rows.length;
}

export async function insertMetrics(storage: Storage, data: MetricsData): Promise<number> {
  const a = appendersOf(storage);
  if (a !== undefined) {
    const n = itemCount('metrics', data);
    if (n > 0) await a.metrics.append(metricWriter(data));
    return n;
  }
  const r = metricRows(data);
  await insertJson(storage, TABLES.gaugeSum, r.number);
  await insertJson(storage, TABLES.histogram, r.histogram);
  await insertJson(storage, TABLES.expHistogram, r.expHistogram);
  await insertJson(storage, TABLES.summary, r.summary);
  return r.number.length + r.histogram.length + r.expHistogram.length + r.summary.length;
}
