// Retention by size: keeps the data tables' disk use under a cap by dropping whole daily
// partitions, oldest day first. It complements the tables' TTL (retention by age, schema.ts).
//
// Contracts:
// - Size is the sum of `bytes_on_disk` of the *active* parts in `system.parts` for the given
//   tables of our database (compressed size, what the disk holds). ClickHouse deletes the files
//   of a dropped partition a few minutes later (outdated parts), so the disk frees up with a lag
//   while this accounting sees the drop at once.
// - A day is dropped from every selected table that holds it (one `DROP PARTITION ID` per table),
//   so spans, their trace index, logs and metrics keep covering the same days.
// - Only days strictly before today (UTC: partitions are `toDate(timestamp)` of a UTC DateTime64)
//   are eligible. Today's partition takes the live writes and is never dropped; neither are days
//   after today (clock-skewed senders): they are newer data. When the cap cannot be met without
//   them, the result says so (`capMet: false`) and a warning is logged instead.
// - Only a single node's local tables are measured (the storage opened by connection.ts).
import type { Logger } from '../telemetry/logger.ts';
import type { SelfMetrics } from '../telemetry/self-metrics.ts';
import type { Storage } from './connection.ts';
import { TABLES, assertIdentifier } from './schema.ts';

/** The tables a size cap covers by default: every table holding data. */
export const DATA_TABLES: readonly string[] = Object.values(TABLES);

export const DEFAULT_SIZE_CAP_INTERVAL_MS = 60_000;

export interface SizeCapOptions {
  /** The cap in bytes; a positive integer. */
  maxBytes: number;
  /** Tables of `storage.database` to measure and trim; default DATA_TABLES. */
  tables?: readonly string[];
  /** Each drop is logged at info level, an unmeetable cap at warn level. */
  logger?: Logger;
  /** The clock deciding what "today" is (ms since the epoch); default Date.now. */
  now?: () => number;
}

export interface DroppedPartition {
  table: string;
  /** ClickHouse's partition id, `YYYYMMDD`. */
  partitionId: string;
  /** The day, `YYYY-MM-DD` (UTC). */
  day: string;
  bytes: number;
}

export interface SizeCapResult {
  maxBytes: number;
  /** Total of the tables before this pass. */
  bytesBefore: number;
  /** Total after the drops (by the accounting of the parts read before them). */
  bytesAfter: number;
  /** Bytes per table after the drops. */
  bytesByTable: Record<string, number>;
  /** In the order they were dropped (oldest day first). */
  dropped: DroppedPartition[];
  /** False when only today's (or later) partitions are left and the total is still above the cap. */
  capMet: boolean;
}

interface PartRow {
  table: string;
  partition_id: string;
  bytes: string;
}

const PARTITION_ID = /^(\d{4})(\d{2})(\d{2})$/;

function checkOptions(o: SizeCapOptions): readonly string[] {
  if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes <= 0)
    throw new Error(`invalid maxBytes ${o.maxBytes}: expected a positive integer`);
  const tables = o.tables ?? DATA_TABLES;
  if (tables.length === 0) throw new Error('size cap: no tables given');
  for (const t of tables) assertIdentifier(t, 'table name');
  return tables;
}

/** `YYYYMMDD` of a time, in UTC: the partition id of that day. */
export function partitionIdOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Bytes on disk of the active parts, per table and partition id. */
async function readParts(storage: Storage, tables: readonly string[]): Promise<PartRow[]> {
  const rs = await storage.client.query({
    query:
      'SELECT table, partition_id, toString(sum(bytes_on_disk)) AS bytes FROM system.parts ' +
      'WHERE database = {db:String} AND active AND table IN {tables:Array(String)} ' +
      'GROUP BY table, partition_id',
    query_params: { db: storage.database, tables: [...tables] },
    format: 'JSONEachRow',
  });
  return rs.json<PartRow>();
}

/**
 * One pass: measures the tables and, while their total exceeds `maxBytes`, drops the oldest day
 * before today from every table holding it. Returns what it dropped. A failing DROP rejects
 * (earlier drops of the pass stay done).
 */
export async function enforceSizeCap(storage: Storage, opts: SizeCapOptions): Promise<SizeCapResult> {
  const tables = checkOptions(opts);
  const today = partitionIdOf((opts.now ?? Date.now)());
  const parts = await readParts(storage, tables);

  const bytesByTable: Record<string, number> = Object.fromEntries(tables.map((t) => [t, 0]));
  // day (partition id) → the tables' partitions of that day.
  const days = new Map<string, { table: string; bytes: number }[]>();
  let total = 0;
  for (const p of parts) {
    const bytes = Number(p.bytes);
    total += bytes;
    bytesByTable[p.table] = (bytesByTable[p.table] ?? 0) + bytes;
    // A partition that is not a day (another partition key) is counted but never dropped.
    if (!PARTITION_ID.test(p.partition_id) || p.partition_id >= today) continue;
    let list = days.get(p.partition_id);
    if (!list) days.set(p.partition_id, (list = []));
    list.push({ table: p.table, bytes });
  }

  const bytesBefore = total;
  const dropped: DroppedPartition[] = [];
  // `YYYYMMDD` strings sort as the days they name.
  const oldestFirst = [...days.keys()].sort();
  for (const id of oldestFirst) {
    if (total <= opts.maxBytes) break;
    const [, y, m, d] = PARTITION_ID.exec(id)!;
    const day = `${y}-${m}-${d}`;
    for (const { table, bytes } of days.get(id)!) {
      // The id passed the YYYYMMDD check above and the table is an identifier: safe to splice.
      await storage.client.command({
        query: `ALTER TABLE ${storage.database}.${table} DROP PARTITION ID '${id}'`,
      });
      total -= bytes;
      bytesByTable[table] = bytesByTable[table]! - bytes;
      dropped.push({ table, partitionId: id, day, bytes });
      opts.logger?.info(
        { table, day, bytes, totalBytes: total, maxBytes: opts.maxBytes },
        'storage size cap: dropped partition',
      );
    }
  }

  const capMet = total <= opts.maxBytes;
  if (!capMet) {
    opts.logger?.warn(
      {
        totalBytes: total,
        maxBytes: opts.maxBytes,
        today: `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6)}`,
      },
      'storage size cap cannot be met: only today’s (or newer) partitions are left, which are never dropped',
    );
  }
  return { maxBytes: opts.maxBytes, bytesBefore, bytesAfter: total, bytesByTable, dropped, capMet };
}

export interface SizeCapEnforcerOptions extends Omit<SizeCapOptions, 'logger'> {
  /** Time between passes; default 60 s. */
  intervalMs?: number;
  /** Registers `watchingcat_storage_dropped_partitions_total` and `watchingcat_storage_bytes`. */
  metrics?: SelfMetrics;
}

export interface SizeCapEnforcer {
  /** Runs a pass now (or joins the one running); never rejects — failures are logged. */
  runOnce(): Promise<SizeCapResult | undefined>;
  /** Stops the timer and waits for a running pass to finish. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs enforceSizeCap() at once and then every `intervalMs`; passes never overlap (a pass that
 * is still running when the timer fires is joined, not doubled). The timer does not keep the
 * process alive. A failed pass is logged and the next one tries again.
 */
export function startSizeCapEnforcer(
  storage: Storage,
  opts: SizeCapEnforcerOptions,
  logger: Logger,
): SizeCapEnforcer {
  const tables = checkOptions(opts);
  const intervalMs = opts.intervalMs ?? DEFAULT_SIZE_CAP_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new Error(`invalid intervalMs ${intervalMs}: expected a positive number`);
  const droppedCounter = opts.metrics?.counter(
    'storage_dropped_partitions',
    'Daily partitions dropped to keep the storage under its size cap (max_size).',
    ['database', 'table'],
  );
  const bytesGauge = opts.metrics?.gauge(
    'storage_bytes',
    'Bytes on disk of the active parts of a storage table, as of the last size-cap pass.',
    ['database', 'table'],
  );
  const passOptions: SizeCapOptions = { ...opts, tables, logger };

  let running: Promise<SizeCapResult | undefined> | undefined;
  let stopped = false;

  const pass = async (): Promise<SizeCapResult | undefined> => {
    try {
      const r = await enforceSizeCap(storage, passOptions);
      for (const d of r.dropped) droppedCounter?.inc({ database: storage.database, table: d.table });
      for (const [table, bytes] of Object.entries(r.bytesByTable))
        bytesGauge?.set({ database: storage.database, table }, bytes);
      return r;
    } catch (e) {
      logger.warn({ error: (e as Error).message }, 'storage size cap pass failed; will retry');
      return undefined;
    }
  };
  const runOnce = (): Promise<SizeCapResult | undefined> => {
    if (stopped) return Promise.resolve(undefined);
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  void runOnce();
  const timer = setInterval(() => void runOnce(), intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
