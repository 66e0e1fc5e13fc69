// `storage`: writes what it receives into the backend's ClickHouse (embedded chDB under
// `<data_dir>/clickhouse`, or a server at `endpoint`). There is no queue: consume() resolves
// only after ClickHouse committed the insert, so a receiver acknowledges its sender only for
// data that is stored (end-to-end acknowledgement; a crash loses nothing that was acknowledged).
// Storage failures are retried within `retry_on_failure` and then reported as RetryableError
// (receivers answer 503 and the sender retries); data ClickHouse can never accept is a
// PermanentError. The Storage is shared with the REST API of the same process (acquireStorage).
// With `max_size` > 0, a size-cap enforcer (storage/size-cap.ts) runs while the storage is open
// and drops the oldest days when the data outgrows the cap.
import { SIGNALS, type Signal } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import { itemCount, type SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import { deliver } from '../../../exporterhelper/retry.ts';
import type { SendResult } from '../../../exporterhelper/types.ts';
import type { Consumer, ExporterFactory } from '../../../pipeline/component.ts';
import { PermanentError, RetryableError } from '../../../pipeline/errors.ts';
import type { Storage } from '../../../storage/connection.ts';
import { acquireStorage, type SharedStorageOptions, type StorageLease } from '../../../storage/shared.ts';
import { startSizeCapEnforcer, type SizeCapEnforcer } from '../../../storage/size-cap.ts';
import { insertLogs, insertMetrics, insertTraces } from '../../../storage/writer.ts';
import { classifyInsertError } from './classify.ts';
import { configSchema, retentionDays, type StorageExporterConfig } from './config.ts';

/** How often a server that could not be reached at start is tried again. */
const REOPEN_INTERVAL_MS = 2000;

function insert(storage: Storage, signal: Signal, data: SignalData): Promise<number> {
  switch (signal) {
    case 'traces':
      return insertTraces(storage, data as TracesData);
    case 'metrics':
      return insertMetrics(storage, data as MetricsData);
    case 'logs':
      return insertLogs(storage, data as LogsData);
  }
}

/** The options acquireStorage() gets for a config, so the API can open the very same storage. */
export function storageOptions(config: StorageExporterConfig, dataDir: string): SharedStorageOptions {
  const common = { database: config.database, retentionDays: retentionDays(config) };
  return config.endpoint
    ? { ...common, url: config.endpoint, username: config.username, password: config.password }
    : { ...common, dataDir };
}

export const factory: ExporterFactory<StorageExporterConfig> = {
  kind: 'exporter',
  type: 'storage',
  signals: SIGNALS,
  configSchema,
  create(settings, config) {
    const { logger, telemetry } = settings;
    const opts = storageOptions(config, settings.dataDir);
    const stopping = new AbortController();
    const hardStop = new AbortController();
    let lease: StorageLease | undefined;
    let openError = 'not started';
    let reopenTimer: NodeJS.Timeout | undefined;
    let inflight = 0;
    let sizeCap: SizeCapEnforcer | undefined;

    const open = async (): Promise<void> => {
      const l = await acquireStorage(opts);
      if (stopping.signal.aborted) {
        await l.release();
        return;
      }
      lease = l;
      logger.info({ kind: l.storage.kind, database: l.storage.database }, 'storage exporter connected');
      if (config.max_size > 0) {
        sizeCap = startSizeCapEnforcer(
          l.storage,
          { maxBytes: config.max_size, metrics: telemetry.metrics },
          logger,
        );
      }
    };
    const scheduleReopen = (): void => {
      reopenTimer = setTimeout(() => {
        open().catch((e: Error) => {
          openError = e.message;
          logger.warn({ error: e.message }, 'storage still unavailable; retrying');
          if (!stopping.signal.aborted) scheduleReopen();
        });
      }, REOPEN_INTERVAL_MS);
      reopenTimer.unref();
    };

    const consume = async (signal: Signal, data: SignalData): Promise<void> => {
      const items = itemCount(signal, data);
      if (items === 0) return;
      const storage = lease?.storage;
      if (!storage || stopping.signal.aborted) {
        telemetry.sendFailed(signal, items, 'unavailable');
        throw new RetryableError(
          stopping.signal.aborted ? 'storage exporter is stopping' : `storage is not available: ${openError}`,
          'unavailable',
          REOPEN_INTERVAL_MS,
        );
      }
      inflight++;
      try {
        const send = async (): Promise<SendResult> => {
          try {
            await insert(storage, signal, data);
            return { kind: 'ok' };
          } catch (e) {
            return classifyInsertError(e);
          }
        };
        const outcome = await deliver(
          send,
          { signal, items, payload: new Uint8Array(0) },
          {
            retry: config.retry_on_failure,
            timeoutMs: config.timeout,
            stopping: stopping.signal,
            hardStop: hardStop.signal,
            // The sender still holds the data: on shutdown give up and let it retry elsewhere/later.
            lastAttemptOnStop: false,
            logger,
          },
        );
        switch (outcome.kind) {
          case 'ok':
            telemetry.sent(signal, items);
            return;
          case 'permanent':
            telemetry.sendFailed(signal, items, 'permanent');
            throw new PermanentError(outcome.message);
          case 'exhausted':
            telemetry.sendFailed(signal, items, 'retries_exhausted');
            throw new RetryableError(outcome.message, 'unavailable', outcome.retryAfterMs ?? 1000);
          case 'shutdown':
            telemetry.sendFailed(signal, items, 'shutdown');
            throw new RetryableError(`storage exporter is stopping: ${outcome.message}`, 'unavailable');
        }
      } finally {
        inflight--;
      }
    };

    return {
      consumer<S extends Signal>(signal: S): Consumer<S> {
        return { consume: (data: SignalData<S>) => consume(signal, data) };
      },
      async start() {
        try {
          await open();
        } catch (e) {
          openError = (e as Error).message;
          // The embedded engine either opens now or never (files, platform): fail the start.
          if (!config.endpoint) throw e;
          // A server may come up later; intake answers 503 until it does.
          logger.warn(
            { endpoint: config.endpoint, error: openError },
            'ClickHouse is not reachable; will keep trying (intake answers 503 until then)',
          );
          scheduleReopen();
        }
      },
      async shutdown() {
        stopping.abort();
        clearTimeout(reopenTimer);
        // Inserts in flight finish (they are short and their senders wait); then stop waiting.
        const deadline = Date.now() + config.timeout + 1000;
        while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        hardStop.abort();
        // A drop in progress finishes before the storage may be closed under it.
        await sizeCap?.stop();
        sizeCap = undefined;
        const l = lease;
        lease = undefined;
        await l?.release();
      },
    };
  },
};
