// Converts OTLP model data into rows of the tables in schema.ts and inserts them.
//
// Contract: each call inserts one batch per table it touches and resolves only once ClickHouse has
// committed it (synchronous insert), so a resolved insert is visible to the next query.
// - Embedded chDB: TabSeparated rows (tsv-rows.ts) handed to the engine as one Buffer through the
//   raw insert, with an explicit column list. A batch whose text exceeds MAX_INSERT_BYTES is split
//   at row boundaries into several inserts (each atomic on its own), which bounds the memory of
//   one payload; a failure part-way leaves the earlier parts committed.
// - Server: JSONEachRow (json-rows.ts) over HTTP with async_insert = 0, wait_end_of_query = 1.
import { Readable } from 'node:stream';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import type { Storage } from './connection.ts';
import { logRows, metricRows, spanRows } from './json-rows.ts';
import { TABLES } from './schema.ts';
import { LOG_COLUMNS, METRIC_COLUMNS, SPAN_COLUMNS, logRowsTsv, metricRowsTsv } from './tsv-rows.ts';
import { TsvBuffer } from './tsv-buffer.ts';
import { writeSpansStepwise } from './tsv-spans.ts';

export { logRows, metricRows, spanRows } from './json-rows.ts';
export type { MetricRows } from './json-rows.ts';

const INSERT_SETTINGS = { async_insert: 0, wait_end_of_query: 1 } as const;

/** Upper bound of one raw insert payload, in UTF-16 code units of the row text (≈ bytes). */
export const MAX_INSERT_BYTES = 64 * 2 ** 20;

/**
 * Settings of every embedded insert. Parsing one payload in parallel chunks measured slightly
 * slower on two cores with one insert at a time (scratch runs: ~66k vs ~63k rows/s in the engine,
 * noisy), so it is off.
 */
export const RAW_INSERT_SETTINGS: Record<string, string | number | boolean> = {
  async_insert: 0,
  input_format_parallel_parsing: 0,
};

async function insertJson(storage: Storage, table: string, rows: string[]): Promise<void> {
  if (rows.length === 0) return;
  const res = await storage.client.exec({
    query: `INSERT INTO ${storage.database}.${table} FORMAT JSONEachRow`,
    values: Readable.from([rows.join('\n') + '\n'], { objectMode: false }),
    clickhouse_settings: INSERT_SETTINGS,
  });
  // The response body is empty for an INSERT; draining it releases the connection.
  for await (const _ of res.stream) void _;
}

/** Rows (each ending in '\n') into as few payloads as fit MAX_INSERT_BYTES, then inserted in order. */
async function insertTsv(
  storage: Storage,
  rawInsert: NonNullable<Storage['rawInsert']>,
  table: string,
  columns: readonly string[],
  rows: readonly string[],
): Promise<void> {
  let from = 0;
  while (from < rows.length) {
    let to = from;
    let size = 0;
    // At least one row per payload, however long it is.
    while (to < rows.length && (to === from || size + rows[to]!.length <= MAX_INSERT_BYTES))
      size += rows[to++]!.length;
    const body = Buffer.from(to - from === rows.length ? rows.join('') : rows.slice(from, to).join(''));
    await rawInsert(`${storage.database}.${table}`, 'TabSeparated', body, {
      columns,
      settings: RAW_INSERT_SETTINGS,
    });
    from = to;
  }
}

/**
 * Payload size of the pipelined span insert: small enough that building the next chunk overlaps
 * most of the engine's work on the previous one, large enough that the per-insert cost is small
 * (1M-span bench: 4 MiB ~53-55k spans/s, 8 MiB ~49k, one 64 MiB payload ~39k).
 */
export const SPAN_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * Builds span chunks while chDB inserts the previous one (its raw insert runs on an engine thread,
 * off the event loop). At most one insert is in flight and one chunk is being built, so memory
 * stays near two chunks. Resolves once every chunk is committed; on an error, waits for the
 * in-flight insert to settle before rethrowing (chunks committed before it stay committed).
 */
async function insertSpansPipelined(
  storage: Storage,
  rawInsert: NonNullable<Storage['rawInsert']>,
  data: TracesData,
): Promise<number> {
  const table = `${storage.database}.${TABLES.spans}`;
  const options = { columns: SPAN_COLUMNS, settings: RAW_INSERT_SETTINGS };
  let inflight: Promise<void> | undefined;
  const send = async (chunks: Buffer[]): Promise<void> => {
    for (const body of chunks) {
      if (inflight !== undefined) await inflight;
      inflight = rawInsert(table, 'TabSeparated', body, options);
    }
  };
  try {
    const w = new TsvBuffer(SPAN_CHUNK_BYTES);
    const it = writeSpansStepwise(w, data);
    let r = it.next();
    for (; r.done !== true; r = it.next()) await send(w.takeSealed());
    await send(w.finish());
    if (inflight !== undefined) await inflight;
    return r.value;
  } catch (e) {
    if (inflight !== undefined) await inflight.catch(() => undefined);
    throw e;
  }
}

export async function insertTraces(storage: Storage, data: TracesData): Promise<number> {
  if (storage.rawInsert !== undefined) return insertSpansPipelined(storage, storage.rawInsert, data);
  const rows = spanRows(data);
  await insertJson(storage, TABLES.spans, rows);
  return rows.length;
}

export async function insertLogs(storage: Storage, data: LogsData): Promise<number> {
  if (storage.rawInsert !== undefined) {
    const rows = logRowsTsv(data);
    await insertTsv(storage, storage.rawInsert, TABLES.logs, LOG_COLUMNS, rows);
    return rows.length;
  }
  const rows = logRows(data);
  await insertJson(storage, TABLES.logs, rows);
  return rows.length;
}

export async function insertMetrics(storage: Storage, data: MetricsData): Promise<number> {
  const raw = storage.rawInsert;
  if (raw !== undefined) {
    const r = metricRowsTsv(data);
    await insertTsv(storage, raw, TABLES.gaugeSum, METRIC_COLUMNS.number, r.number);
    await insertTsv(storage, raw, TABLES.histogram, METRIC_COLUMNS.histogram, r.histogram);
    await insertTsv(storage, raw, TABLES.expHistogram, METRIC_COLUMNS.expHistogram, r.expHistogram);
    await insertTsv(storage, raw, TABLES.summary, METRIC_COLUMNS.summary, r.summary);
    return r.number.length + r.histogram.length + r.expHistogram.length + r.summary.length;
  }
  const r = metricRows(data);
  await insertJson(storage, TABLES.gaugeSum, r.number);
  await insertJson(storage, TABLES.histogram, r.histogram);
  await insertJson(storage, TABLES.expHistogram, r.expHistogram);
  await insertJson(storage, TABLES.summary, r.summary);
  return r.number.length + r.histogram.length + r.expHistogram.length + r.summary.length;
}
