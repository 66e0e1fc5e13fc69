// One embedded chDB store per API test file, in a temporary directory. When chDB cannot load on
// this machine, `lease` is undefined and `unavailable` says why: tests skip with that message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbUnavailableError } from '../../storage/connection.ts';
import { acquireStorage, type StorageLease } from '../../storage/shared.ts';

export interface TestStore {
  lease: StorageLease | undefined;
  unavailable: string;
  /** Releases the store and removes its directory. */
  close(): Promise<void>;
}

export async function embeddedStoreForTest(prefix: string): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const close = async (lease?: StorageLease): Promise<void> => {
    await lease?.release();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A long retention: fixtures carry fixed timestamps that a 7-day TTL would drop at once.
    const lease = await acquireStorage({ dataDir: dir, retentionDays: 36_500 });
    return { lease, unavailable: '', close: () => close(lease) };
  } catch (e) {
    if (!(e instanceof ChdbUnavailableError)) throw e;
    return { lease: undefined, unavailable: e.message, close: () => close() };
  }
}
