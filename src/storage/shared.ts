// One Storage per process and set of options, shared by reference count: the `storage` exporter
// and the REST API of the same process use the same connection. chDB allows only one embedded
// session per process, so two independent openStorage() calls on the same data directory would
// fail; sharing also keeps one writer and one reader view of the same tables.
//
// Contract: acquireStorage() with equal options returns the same Storage (opened once, even
// when called concurrently); release() is idempotent per lease, and the Storage is closed when
// the last lease is released. A failed open is not cached: the next acquire tries again.
import { resolve } from 'node:path';
import { openStorage, type Storage, type StorageOptions } from './connection.ts';
import { DEFAULT_DATABASE, DEFAULT_RETENTION_DAYS } from './schema.ts';

export type SharedStorageOptions = StorageOptions;

export interface StorageLease {
  readonly storage: Storage;
  /** Gives the lease back; closes the storage when it was the last. Safe to call twice. */
  release(): Promise<void>;
}

interface Entry {
  opening: Promise<Storage>;
  refs: number;
}

const entries = new Map<string, Entry>();

/** The identity of a storage: what makes two option sets open the same thing. */
function keyOf(o: SharedStorageOptions): string {
  const target = o.url !== undefined && o.url !== '' ? `url:${o.url}` : `dir:${resolve(o.dataDir ?? '')}`;
  return JSON.stringify([
    target,
    o.username ?? '',
    o.password ?? '',
    o.database ?? DEFAULT_DATABASE,
    o.retentionDays ?? DEFAULT_RETENTION_DAYS,
  ]);
}

export async function acquireStorage(opts: SharedStorageOptions): Promise<StorageLease> {
  const key = keyOf(opts);
  let entry = entries.get(key);
  if (!entry) {
    const normalized: StorageOptions = { ...opts };
    if (normalized.url === '') delete normalized.url;
    const created: Entry = { opening: openStorage(normalized), refs: 0 };
    entry = created;
    entries.set(key, created);
    // A failed open must not poison later attempts.
    created.opening.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
  }
  entry.refs++;
  let storage: Storage;
  try {
    storage = await entry.opening;
  } catch (e) {
    entry.refs--;
    throw e;
  }
  const held = entry;
  let released = false;
  return {
    storage,
    async release() {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs > 0) return;
      if (entries.get(key) === held) entries.delete(key);
      await storage.close();
    },
  };
}

/** How many distinct storages are open (tests, diagnostics). */
export function openSharedStorages(): number {
  return entries.size;
}
