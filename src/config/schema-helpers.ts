// Building blocks for component config schemas, in the Collector's option names.
// Every object schema is strict (unknown keys are errors) and fills defaults, so a component
// receives a complete config. Durations are Go-style strings ("200ms", "1m30s") or numbers
// of milliseconds; they come out as milliseconds.
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration ("300ms", "1.5h", "2h45m", "0") into milliseconds, or undefined. */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** A duration option: a Go duration string or a number of milliseconds → milliseconds. */
export const duration = () =>
  z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const ms = parseDurationMs(v);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "200ms", "5s" or "1m", got "${v}"`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** "host:port" (host may be empty, a name, IPv4 or [IPv6]). */
export const hostPort = () =>
  z
    .string()
    .refine(
      (v) =>
        /^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/.test(v) && Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535,
      {
        message: 'expected HOST:PORT, e.g. "0.0.0.0:4318" or "127.0.0.1:4317"',
      },
    );

/** Splits "host:port" into parts; an empty host means all interfaces. */
export function splitHostPort(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  let host = v.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(v.slice(i + 1)) };
}

/** Parses an optional YAML mapping: an empty entry (`batch:`) counts as `{}`. */
export function section<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess((v) => (v === null || v === undefined ? {} : v), z.strictObject(shape));
}

/** Server-side TLS (`tls:` under a receiver protocol). */
export const tlsServerSettings = () =>
  section({
    cert_file: z.string(),
    key_file: z.string(),
    ca_file: z.string().optional(),
    client_ca_file: z.string().optional(),
    min_version: z.enum(['1.2', '1.3']).default('1.2'),
  });
export type TlsServerSettings = z.infer<ReturnType<typeof tlsServerSettings>>;

/** Client-side TLS (`tls:` under an exporter). */
export const tlsClientSettings = () =>
  section({
    insecure: z.boolean().default(false),
    insecure_skip_verify: z.boolean().default(false),
    ca_file: z.string().optional(),
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    server_name_override: z.string().optional(),
    min_version: z.enum(['1.2', '1.3']).default('1.2'),
  });
export type TlsClientSettings = z.infer<ReturnType<typeof tlsClientSettings>>;

/** `retry_on_failure`, with the Collector's exporterhelper defaults. */
export const retrySettings = () =>
  section({
    enabled: z.boolean().default(true),
    initial_interval: duration().default(5000),
    randomization_factor: z.number().min(0).max(1).default(0.5),
    multiplier: z.number().min(1).default(1.5),
    max_interval: duration().default(30_000),
    /** 0 = retry forever (only safe with a persistent queue). */
    max_elapsed_time: duration().default(300_000),
  });
export type RetrySettings = z.infer<ReturnType<typeof retrySettings>>;

/** `sending_queue`, with the Collector's exporterhelper option names and defaults. */
export const sendingQueueSettings = () =>
  section({
    enabled: z.boolean().default(true),
    num_consumers: z.number().int().min(1).max(1000).default(10),
    /** What queue_size counts. */
    sizer: z.enum(['requests', 'items', 'bytes']).default('requests'),
    queue_size: z.number().int().positive().default(1000),
    /** Block the caller instead of refusing when full (refusing asks the sender to retry). */
    block_on_overflow: z.boolean().default(false),
    /** The id of a storage extension (`file_storage`) for a persistent, crash-safe queue. */
    storage: z.string().optional(),
  });
export type SendingQueueSettings = z.infer<ReturnType<typeof sendingQueueSettings>>;

/** Optional bearer-token auth for a server (our own shape; tokens may use ${env:VAR}). */
export const bearerAuthSettings = () =>
  section({
    bearer_tokens: z.array(z.string().min(1)).min(1),
  });
export type BearerAuthSettings = z.infer<ReturnType<typeof bearerAuthSettings>>;
