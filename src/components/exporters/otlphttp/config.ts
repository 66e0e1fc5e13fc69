// The `otlphttp` exporter's options, with the Collector's names and defaults.
import { z } from 'zod';
import type { Signal } from '../../../model/common.ts';
import {
  duration,
  retrySettings,
  section,
  sendingQueueSettings,
  tlsClientSettings,
} from '../../../config/schema-helpers.ts';
import { clientAuthSettings } from '../../../exporterhelper/auth.ts';

const httpUrl = () =>
  z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'expected an http:// or https:// URL, e.g. "https://collector:4318"' },
  );

export const configSchema = section({
  /** Base URL; /v1/traces, /v1/metrics and /v1/logs are appended to its path. */
  endpoint: httpUrl().optional(),
  /** Full URLs that override `endpoint` for one signal. */
  traces_endpoint: httpUrl().optional(),
  metrics_endpoint: httpUrl().optional(),
  logs_endpoint: httpUrl().optional(),
  compression: z.enum(['gzip', 'none']).default('gzip'),
  encoding: z.enum(['proto', 'json']).default('proto'),
  headers: z.record(z.string(), z.string()).default({}),
  timeout: duration().default(30_000),
  tls: tlsClientSettings(),
  retry_on_failure: retrySettings(),
  sending_queue: sendingQueueSettings(),
  auth: clientAuthSettings().optional(),
  /** Connection pool, as the Collector's HTTP client: idle connections kept, per-host cap (0 = none). */
  max_idle_conns: z.number().int().nonnegative().default(100),
  max_conns_per_host: z.number().int().nonnegative().default(0),
  idle_conn_timeout: duration().default(90_000),
  disable_keep_alives: z.boolean().default(false),
}).refine((c) => c.endpoint || c.traces_endpoint || c.metrics_endpoint || c.logs_endpoint, {
  message: 'endpoint is required (or traces_endpoint, metrics_endpoint, logs_endpoint)',
  path: ['endpoint'],
});
export type OtlpHttpExporterConfig = z.infer<typeof configSchema>;

/** The URL for one signal: its own `<signal>_endpoint`, else `endpoint` + /v1/<signal>. */
export function signalUrl(config: OtlpHttpExporterConfig, signal: Signal): URL | undefined {
  const own = config[`${signal}_endpoint`];
  if (own) return new URL(own);
  if (!config.endpoint) return undefined;
  const u = new URL(config.endpoint);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return u;
}
