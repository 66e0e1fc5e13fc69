// The backend's REST API next to its pipelines: it reads the same Storage the `storage`
// exporter writes (acquireStorage shares one instance per process and options).
import type { ResolvedConfig } from '../config/load.ts';
import { startApi, type Api } from '../api/server.ts';
import { configSchema, type StorageExporterConfig } from '../components/exporters/storage/config.ts';
import { storageOptions } from '../components/exporters/storage/factory.ts';
import { acquireStorage } from '../storage/shared.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface BackendApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The storage the API reads: that of the first `storage` exporter; without one (a file that
 * stores nothing), the defaults, with `service.backend.clickhouse_url` as the server when set.
 */
export function apiStorageConfig(resolved: ResolvedConfig): StorageExporterConfig {
  for (const [, c] of [...resolved.exporters].sort(([a], [b]) => a.localeCompare(b)))
    if (c.factory.type === 'storage') return c.config as StorageExporterConfig;
  const url = resolved.service.backend.clickhouse_url;
  return configSchema.parse(url ? { endpoint: url } : {});
}

export async function startBackendApi(resolved: ResolvedConfig, logger: Logger): Promise<BackendApi> {
  const lease = await acquireStorage(storageOptions(apiStorageConfig(resolved), resolved.service.data_dir));
  let api: Api;
  try {
    api = await startApi({
      address: resolved.service.backend.api.address,
      ...(resolved.service.backend.api.auth.token !== undefined
        ? { token: resolved.service.backend.api.auth.token }
        : {}),
      storage: lease.storage,
      logger: logger.child({ component: 'api' }),
    });
  } catch (e) {
    await lease.release();
    throw e;
  }
  return {
    url: api.url,
    async close() {
      try {
        await api.close();
      } finally {
        await lease.release();
      }
    },
  };
}
