// One embedded chDB store per test file, in a temporary directory. When chDB cannot load on this
// machine, `storage` is undefined and `unavailable` says why: tests skip with that message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbUnavailableError, openStorage, type Storage } from '../connection.ts';
import { singleNodeDDL } from '../schema.ts';

export interface TestStore {
  storage: Storage | undefined;
  unavailable: string;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

export async function embeddedStoreForTest(prefix: string): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const close = async (storage?: Storage): Promise<void> => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A century of retention: fixtures carry fixed timestamps that a 7-day TTL would drop at once.
    const storage = await openStorage({ dataDir: dir, retentionDays: 36_500 });
    return { storage, unavailable: '', close: () => close(storage) };
  } catch (e) {
    if (!(e instanceof ChdbUnavailableError)) throw e;
    return { storage: undefined, unavailable: e.message, close: () => close() };
  }
}

/**
 * The same engine as `storage`, driven like a ClickHouse server: without `insertNative`, so
 * writer.ts inserts JSONEachRow rows (json-rows.ts). With `database`, that database is created
 * (schema.ts, a century of retention) and used instead of the storage's own. It shares the
 * storage's client and close: close only the original.
 */
export async function withoutNativeInsert(storage: Storage, database?: string): Promise<Storage> {
  if (database !== undefined && database !== storage.database)
    for (const sql of singleNodeDDL({ database, retentionDays: 36_500 }))
      await storage.client.command({ query: sql });
  return { ...storage, database: database ?? storage.database, insertNative: undefined };
}
