// The `otlp` receiver's options, with the OpenTelemetry Collector's names and defaults.
//
// Difference from the Collector, on purpose: an entry without protocols (`otlp:`) or with an
// empty `protocols:` enables BOTH gRPC and HTTP on their default endpoints, where the Collector
// refuses to start ("must specify at least one protocol"). Naming one protocol
// (`protocols: {grpc:}`) enables only that one.
import { z } from 'zod';
import { hostPort, section, tlsServerSettings } from '../../../config/schema-helpers.ts';

/** `auth: {authenticator: <extension id>}` on a server protocol. */
const serverAuthSettings = () => section({ authenticator: z.string().min(1) });

/** A URL path for one signal; a missing leading slash is added, as the Collector does. */
const urlPath = (def: string) =>
  z
    .string()
    .min(1)
    .refine((v) => !/[\s?#]/.test(v), { message: 'expected a URL path such as "/v1/traces"' })
    .transform((v) => (v.startsWith('/') ? v : `/${v}`))
    .default(def);

const corsSettings = () =>
  section({
    /** Origins allowed to send from a browser; "*" and one "*" wildcard per entry are accepted. */
    allowed_origins: z.array(z.string().min(1)).default([]),
    /** Request headers a browser may send beyond the CORS-safelisted ones. */
    allowed_headers: z.array(z.string().min(1)).default([]),
    /** Seconds a browser may cache a preflight answer (0: the header is not sent). */
    max_age: z.number().int().nonnegative().default(0),
  });

export const grpcSchema = section({
  endpoint: hostPort().default('0.0.0.0:4317'),
  /** Largest accepted request message, in MiB; larger ones get RESOURCE_EXHAUSTED. */
  max_recv_msg_size_mib: z.number().positive().default(4),
  tls: tlsServerSettings().optional(),
  auth: serverAuthSettings().optional(),
  /** Hand the request metadata (lower-cased keys) to the pipeline as ConsumeContext.metadata. */
  include_metadata: z.boolean().default(false),
});
export type GrpcConfig = z.infer<typeof grpcSchema>;

export const httpSchema = section({
  endpoint: hostPort().default('0.0.0.0:4318'),
  traces_url_path: urlPath('/v1/traces'),
  metrics_url_path: urlPath('/v1/metrics'),
  logs_url_path: urlPath('/v1/logs'),
  /** Bytes; enforced on the body as received AND on the decompressed body (zip bombs). */
  max_request_body_size: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  tls: tlsServerSettings().optional(),
  auth: serverAuthSettings().optional(),
  include_metadata: z.boolean().default(false),
  cors: corsSettings().optional(),
});
export type HttpConfig = z.infer<typeof httpSchema>;
export type CorsConfig = NonNullable<HttpConfig['cors']>;

/** The parsed config: a protocol that is absent is not served. */
export interface Config {
  protocols: { grpc?: GrpcConfig; http?: HttpConfig };
}

const protocolsSchema = z.preprocess(
  (v) => (v === null || v === undefined ? {} : v),
  z.strictObject({ grpc: grpcSchema.optional(), http: httpSchema.optional() }),
);

export const configSchema: z.ZodType<Config, unknown> = section({
  protocols: protocolsSchema.optional(),
})
  .refine(
    (c) => {
      const p = c.protocols;
      if (!p?.grpc || !p.http) return true;
      // Port 0 asks the OS for a free port each time, so equal strings do not collide then.
      return p.grpc.endpoint !== p.http.endpoint || p.http.endpoint.endsWith(':0');
    },
    { message: 'grpc and http cannot listen on the same endpoint', path: ['protocols', 'http', 'endpoint'] },
  )
  .transform((c): Config => {
    const p = c.protocols ?? {};
    if (!p.grpc && !p.http) return { protocols: { grpc: grpcSchema.parse({}), http: httpSchema.parse({}) } };
    return { protocols: { ...(p.grpc ? { grpc: p.grpc } : {}), ...(p.http ? { http: p.http } : {}) } };
  });
