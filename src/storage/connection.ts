// Opens the backend's ClickHouse: embedded chDB under the data directory, or a server by URL.
// Both are driven through the same `@clickhouse/client` API, so writer.ts and queries.ts do not
// know which one they talk to.
//
// Contract: chDB allows one on-disk session per process; opening a second storage with another
// dataDir in the same process fails (chDB's own error is passed on).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_DATABASE, DEFAULT_RETENTION_DAYS, assertIdentifier, singleNodeDDL } from './schema.ts';

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

/** Text formats chDB's raw insert accepts (a subset of chdb's RawInsertFormat). */
export type RawInsertFormat = 'JSONEachRow' | 'TabSeparated' | 'CSV';

/** Optional parts of a raw insert: an explicit column list and per-insert settings. */
export interface RawInsertOptions {
  columns?: readonly string[];
  settings?: Record<string, string | number | boolean>;
}

interface ChdbRawConnection {
  chdb: {
    rawInsert(p: {
      table: string;
      values: Buffer;
      format: RawInsertFormat;
      columns?: readonly string[];
      settings?: Record<string, string | number | boolean>;
    }): Promise<unknown>;
  };
}

export interface Storage {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly kind: 'chdb' | 'server';
  /**
   * Embedded chDB only: hands an INSERT payload to the engine as bytes (no UTF-8 string round
   * trip, no SQL text concatenation); resolves once the rows are committed. Undefined for a server.
   * `table` may be db-qualified; chDB validates it, the column names and the setting names.
   */
  readonly rawInsert?: (
    table: string,
    format: RawInsertFormat,
    body: Buffer,
    options?: RawInsertOptions,
  ) => Promise<void>;
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
  let rawInsert: Storage['rawInsert'];
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
    const raw = (connection as Partial<ChdbRawConnection>).chdb;
    if (raw !== undefined && typeof raw.rawInsert === 'function') {
      rawInsert = async (table, format, body, options) => {
        await raw.rawInsert({ table, values: body, format, ...options });
      };
    }
  }
  try {
    for (const sql of singleNodeDDL({ database, retentionDays })) await client.command({ query: sql });
  } catch (e) {
    await client.close();
    throw e;
  }
  let closed = false;
  return {
    client,
    database,
    kind,
    ...(rawInsert !== undefined ? { rawInsert } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
