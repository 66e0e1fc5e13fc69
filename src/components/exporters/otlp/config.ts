// The `otlp` (gRPC) exporter's options, with the Collector's names and defaults.
import { z } from 'zod';
import {
  duration,
  retrySettings,
  section,
  sendingQueueSettings,
  tlsClientSettings,
} from '../../../config/schema-helpers.ts';
import { clientAuthSettings } from '../../../exporterhelper/auth.ts';

/** host:port, http(s)://host:port, or a gRPC target (dns:///host:port, unix:///path). */
const grpcEndpoint = () =>
  z
    .string()
    .min(1)
    .refine((v) => parseEndpoint(v) !== undefined, {
      message: 'expected HOST:PORT (e.g. "collector:4317"), an http(s):// URL, or a dns:/// or unix: target',
    });

export interface GrpcTarget {
  /** What grpc-js dials. */
  target: string;
  /** true/false when the endpoint's scheme decides (https/http); undefined → `tls.insecure` decides. */
  secureByScheme: boolean | undefined;
}

export function parseEndpoint(v: string): GrpcTarget | undefined {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(v);
  if (m) return { target: m[2]!, secureByScheme: m[1] === 'https' };
  if (/^(dns|unix|unix-abstract|ipv4|ipv6):/.test(v)) return { target: v, secureByScheme: undefined };
  if (/^(\[[0-9a-fA-F:.]+\]|[^:/\s]+):\d{1,5}$/.test(v)) return { target: v, secureByScheme: undefined };
  return undefined;
}

export const configSchema = section({
  endpoint: grpcEndpoint(),
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /** Sent as gRPC metadata on every call. */
  headers: z.record(z.string(), z.string()).default({}),
  timeout: duration().default(5000),
  tls: tlsClientSettings(),
  retry_on_failure: retrySettings(),
  sending_queue: sendingQueueSettings(),
  auth: clientAuthSettings().optional(),
  balancer_name: z.enum(['round_robin', 'pick_first']).default('round_robin'),
  keepalive: section({
    time: duration().default(10_000),
    timeout: duration().default(10_000),
    permit_without_stream: z.boolean().default(false),
  }).optional(),
  /** Overrides the :authority pseudo-header. */
  authority: z.string().optional(),
  /** Wait for the connection to become ready instead of failing fast while it is down. */
  wait_for_ready: z.boolean().default(false),
});
export type OtlpGrpcExporterConfig = z.infer<typeof configSchema>;

/** Whether the connection uses TLS: the endpoint's http/https scheme wins, else `tls.insecure`. */
export function usesTls(config: OtlpGrpcExporterConfig): boolean {
  const t = parseEndpoint(config.endpoint)!;
  return t.secureByScheme ?? !config.tls.insecure;
}
