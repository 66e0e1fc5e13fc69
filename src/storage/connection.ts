// Opens the backend's ClickHouse: embedded chDB under the data directory, or a server by URL.
// Both are driven through the same `@clickhouse/client` API, so writer.ts and queries.ts do not
// know which one they talk to.
//
// Contract: chDB allows one on-disk session per process; opening a second storage with another
// dataDir in the same process fails (chDB's own error is passed on).
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  DEFAULT_DATABASE,
  DEFAULT_RETENTION_DAYS,
  OPTIONAL_SETTINGS,
  SERIES_BACKFILLED,
  TABLES,
  assertIdentifier,
  seriesBackfill,
  singleNodeDDL,
} from './schema.ts';
import { processAlive } from '../util/process-alive.ts';

export interface StorageOptions {
  /** Embedded chDB stores its files in `<dataDir>/clickhouse`. Required unless `url` is set. */
  dataDir?: string;
  /** A ClickHouse server (http[s]://host:port); takes precedence over dataDir. */
  url?: string;
  username?: string;
  password?: string;
  database?: string;
  retentionDays?: number;
}

export interface Storage {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly kind: 'chdb' | 'server';
  /**
   * Embedded chDB only: inserts one Native block (storage/native/) into `table` with the column
   * list `columns`; resolves once committed. The block goes through a spool file (chDB's raw
   * insert takes only text formats, whose parsing cost 3-10× the Native read), in RAM under
   * /dev/shm when it is writable. `parts` may change once the promise settles.
   */
  readonly insertNative?: (
    table: string,
    columns: readonly string[],
    parts: readonly Buffer[],
  ) => Promise<void>;
  /** Runs `fn` at close, before the connection closes (pending writes flush there). */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

/** Thrown when the embedded engine cannot be loaded (missing native library, wrong platform). */
export class ChdbUnavailableError extends Error {}

/** Loads chDB's connection factory; a clear error when the native library is unusable. */
export async function loadChdb(): Promise<(opts: { path: string }) => unknown> {
  try {
    const mod = (await import('chdb/connection')) as {
      createChdbConnection: (opts: { path: string }) => unknown;
    };
    return mod.createChdbConnection;
  } catch (e) {
    throw new ChdbUnavailableError(
      `embedded ClickHouse (chdb) cannot be loaded on ${process.platform}-${process.arch}: ${(e as Error).message}. ` +
        'Install the chdb package for this platform or pass a ClickHouse server URL.',
      { cause: e },
    );
  }
}

export async function openStorage(opts: StorageOptions): Promise<Storage> {
  const database = opts.database ?? DEFAULT_DATABASE;
  assertIdentifier(database, 'database name');
  const retentionDays = opts.retentionDays ?? DEFAULT_RETENTION_DAYS;
  let client: ClickHouseClient;
  let kind: Storage['kind'];
  let insertNative: NativeInserter | undefined;
  if (opts.url !== undefined) {
    client = createClient({
      url: opts.url,
      username: opts.username ?? 'default',
      password: opts.password ?? '',
      // Inserts return only once ClickHouse committed them (see writer.ts).
      clickhouse_settings: { wait_end_of_query: 1 },
    });
    kind = 'server';
  } else {
    if (opts.dataDir === undefined || opts.dataDir === '')
      throw new Error('openStorage: dataDir or url is required');
    const createChdbConnection = await loadChdb();
    const path = join(opts.dataDir, 'clickhouse');
    mkdirSync(path, { recursive: true });
    let connection: unknown;
    try {
      connection = createChdbConnection({ path });
    } catch (e) {
      throw new ChdbUnavailableError(
        `embedded ClickHouse (chdb) failed to open ${path}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    client = createClient({ connection } as Parameters<typeof createClient>[0]);
    kind = 'chdb';
    insertNative = nativeInserter(client, spoolDir(opts.dataDir));
  }
  try {
    const optionalSettings = kind === 'chdb' || (await knowsSettings(client, OPTIONAL_SETTINGS));
    for (const sql of singleNodeDDL({ database, retentionDays, optionalSettings }))
      await client.command({ query: sql });
    await backfillSeries(client, database);
  } catch (e) {
    await client.close();
    throw e;
  }
  let closed = false;
  const closers: (() => Promise<void>)[] = [];
  return {
    client,
    database,
    kind,
    ...(insertNative !== undefined ? { insertNative } : {}),
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers) await fn().catch(() => undefined);
      await client.close();
      insertNative?.dispose();
    },
  };
}

/** Runs the series table's backfill (schema.ts seriesBackfill) unless it has completed before. */
async function backfillSeries(client: ClickHouseClient, database: string): Promise<void> {
  const rs = await client.query({
    query: 'SELECT comment FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    query_params: { db: database, t: TABLES.metricSeries },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ comment: string }>();
  if (row?.comment === SERIES_BACKFILLED) return;
  for (const sql of seriesBackfill(database)) await client.command({ query: sql });
}

/** Whether the engine has every one of these MergeTree settings (older servers lack newer ones). */
export async function knowsSettings(client: ClickHouseClient, names: string[]): Promise<boolean> {
  const rs = await client.query({
    query: 'SELECT count() AS n FROM system.merge_tree_settings WHERE name IN {names:Array(String)}',
    query_params: { names },
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]?.n ?? 0) === names.length;
}

/**
 * A fresh directory for the spool files of Native inserts: under /dev/shm (RAM) when writable,
 * else under the data directory. Each storage gets its own, named after the process and removed
 * at close; those of processes that died without closing (a crash, kill -9) are removed here, so
 * their last block does not stay in RAM.
 */
export function spoolDir(dataDir: string, shm = '/dev/shm'): string {
  let base = join(dataDir, 'spool');
  try {
    accessSync(shm, constants.W_OK);
    base = shm;
  } catch {
    mkdirSync(base, { recursive: true });
  }
  for (const name of readdirSync(base)) {
    const m = SPOOL_NAME.exec(name);
    if (m !== null && !processAlive(Number(m[1]))) rmSync(join(base, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(base, `${SPOOL_PREFIX}${process.pid}-`));
}

const SPOOL_PREFIX = 'watchingcat-insert-';
const SPOOL_NAME = /^watchingcat-insert-(\d+)-/;

/**
 * Writes the block in one synchronous writev: the spool is in RAM (/dev/shm) or the page cache,
 * so this is a memory copy (~10 ms for a 47 MB block of 65k spans). The asynchronous writeFile
 * it replaces wrote the ~150 column parts one thread-pool round trip at a time, and each round
 * trip waited for the JS thread to finish encoding a batch, which delayed every insert by 0.5-1.4 s
 * and left the engine idle (bench/storage.bench.ts at 10M spans: 64.5k → 86.5k spans/s).
 */
function writeSpool(path: string, parts: readonly Buffer[]): void {
  const fd = openSync(path, 'w');
  try {
    let total = 0;
    for (const p of parts) total += p.length;
    let written = 0;
    // writev writes at most IOV_MAX buffers and may write less than asked: continue from there.
    const rest: Buffer[] = parts.slice();
    while (written < total) {
      const n = writevSync(fd, rest.slice(0, 1024));
      if (n === 0) throw new Error(`spool file ${path}: write made no progress`);
      written += n;
      let skip = n;
      while (skip > 0 && rest.length > 0) {
        const head = rest[0]!;
        if (skip >= head.length) {
          skip -= head.length;
          rest.shift();
        } else {
          rest[0] = head.subarray(skip);
          skip = 0;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

type NativeInserter = NonNullable<Storage['insertNative']> & { dispose(): void };

function nativeInserter(client: ClickHouseClient, dir: string): NativeInserter {
  let seq = 0;
  // The path is ours (mkdtemp + a counter); quoting still keeps any directory name a literal.
  const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const insert = async (
    table: string,
    columns: readonly string[],
    parts: readonly Buffer[],
  ): Promise<void> => {
    const path = join(dir, `${++seq}.native`);
    try {
      writeSpool(path, parts);
      await client.command({
        query: `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM file(${literal(path)}, Native)`,
        clickhouse_settings: { async_insert: 0, max_insert_threads: '1' },
      });
    } finally {
      await unlink(path).catch(() => undefined);
    }
  };
  return Object.assign(insert, {
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  });
}
