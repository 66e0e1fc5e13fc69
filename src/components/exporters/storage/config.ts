// The `storage` exporter's options: where the backend's ClickHouse is and how long data lives
// (by age: `retention`; by size: `max_size`).
import { z } from 'zod';
import { duration, retrySettings, section } from '../../../config/schema-helpers.ts';
import { byteSize } from '../../../config/byte-size.ts';

const DAY_MS = 86_400_000;

const serverUrl = () =>
  z.string().refine(
    (v) => {
      if (v === '') return true;
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    {
      message:
        'expected a ClickHouse HTTP URL such as "http://clickhouse:8123", or "" for the embedded engine',
    },
  );

/**
 * Retries happen inside consume(), while the sender waits for its acknowledgement, so the
 * default window is short (5 s): a sender that gets 503 retries on its own, from its own queue.
 */
const RETRY_DEFAULT = {
  enabled: true,
  initial_interval: 100,
  randomization_factor: 0.5,
  multiplier: 1.5,
  max_interval: 1000,
  max_elapsed_time: 5000,
};

export const configSchema = section({
  /** A ClickHouse server (http[s]://host:port); empty = embedded chDB under `<data_dir>/clickhouse`. */
  endpoint: serverUrl().default(''),
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a ClickHouse identifier (letters, digits, _)')
    .default('watchingcat'),
  /** How long data is kept (whole days, at least one; a table TTL). */
  retention: duration()
    .default(168 * 3_600_000)
    .refine((ms) => ms >= DAY_MS, { message: 'retention must be at least 24h' }),
  /**
   * A cap on the data's disk use: when exceeded, whole days are dropped oldest first (never
   * today's). Bytes as a number or a string with a unit ("50GiB", "500MB"); 0 = no cap.
   */
  max_size: byteSize().default(0),
  username: z.string().default('default'),
  password: z.string().default(''),
  /** Per insert attempt. */
  timeout: duration().default(10_000),
  retry_on_failure: retrySettings().default(RETRY_DEFAULT),
});
export type StorageExporterConfig = z.infer<typeof configSchema>;

/** The table TTL in whole days (rounded up, so data is never kept shorter than asked). */
export function retentionDays(config: StorageExporterConfig): number {
  return Math.ceil(config.retention / DAY_MS);
}
