// The backend's REST API next to its pipelines: it reads the same Storage the `storage`
// exporter writes (acquireStorage shares one instance per process and options).
import type { ResolvedConfig } from '../config/load.ts';
import { startApi, type Api } from '../api/server.ts';
import type { UiServer } from '../api/ui-server.ts';
import { configSchema, type StorageExporterConfig } from '../components/exporters/storage/config.ts';
import { storageOptions } from '../components/exporters/storage/factory.ts';
import { acquireStorage } from '../storage/shared.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface BackendApi {
  readonly url: string;
  /** The web UI's address, when it is served. */
  readonly uiUrl?: string;
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
  // The web UI on its own address, answering /api and /health through the API's handler. A UI
  // that cannot listen (port taken) is logged and left out: ingest and the API keep running.
  let ui: UiServer | undefined;
  try {
    const { startUiServer } = await import('../api/ui-server.ts');
    ui = await startUiServer({
      address: resolved.service.backend.ui.address,
      api: api.handle,
      logger: logger.child({ component: 'ui' }),
    });
  } catch (e) {
    logger.error({ error: (e as Error).message }, 'web UI not served');
  }
  return {
    url: api.url,
    ...(ui ? { uiUrl: ui.url } : {}),
    async close() {
      try {
        // Together: the API's close ends live tails, which are connections of the UI server too.
        await Promise.all([ui?.close(), api.close()]);
      } finally {
        await lease.release();
      }
    },
  };
}
