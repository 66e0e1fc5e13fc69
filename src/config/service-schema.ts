// The shape of a configuration file: the Collector's top-level sections, with component
// bodies validated later by each factory's own schema, and our own process settings under
// `service` (data directory, listen addresses, Kubernetes identity).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { duration, hostPort, section } from './schema-helpers.ts';

/** `./data` on a workstation, `/var/lib/watchingcat` inside a container or pod. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const inContainer =
    !!env.KUBERNETES_SERVICE_HOST || existsSync('/.dockerenv') || existsSync('/run/.containerenv');
  return inContainer ? '/var/lib/watchingcat' : './data';
}

export const pipelineSchema = section({
  receivers: z.array(z.string()).min(1, 'a pipeline needs at least one receiver'),
  processors: z.array(z.string()).default([]),
  exporters: z.array(z.string()).min(1, 'a pipeline needs at least one exporter'),
});

const logLevel = z.enum(['debug', 'info', 'warn', 'error']);

export const serviceSchema = section({
  extensions: z.array(z.string()).default([]),
  pipelines: z.record(z.string(), pipelineSchema),
  telemetry: section({
    metrics: section({
      /** The process's own metrics (`watchingcat_*`), Prometheus format. */
      address: hostPort().default('0.0.0.0:8888'),
      /** `none` turns the own-metrics endpoint off. */
      level: z.enum(['none', 'basic', 'normal', 'detailed']).default('normal'),
    }).default({ address: '0.0.0.0:8888', level: 'normal' }),
    logs: section({
      level: logLevel.default('info'),
      encoding: z.enum(['json']).default('json'),
    }).default({ level: 'info', encoding: 'json' }),
  }).default({
    metrics: { address: '0.0.0.0:8888', level: 'normal' },
    logs: { level: 'info', encoding: 'json' },
  }),
  /** Where components' Prometheus endpoints are served: /metrics, /metrics/kubestate, /metrics/cadvisor, /metrics/node. */
  metrics_endpoint: section({ address: hostPort().default('0.0.0.0:9443') }).default({
    address: '0.0.0.0:9443',
  }),
  /** Export queues, checkpoints and the embedded database live here. */
  data_dir: z.string().min(1).default(defaultDataDir()),
  kubernetes: section({
    kubeconfig: z.string().optional(),
    /** k8s.cluster.name on everything the agent and cluster roles pass on (`--cluster-name`). */
    cluster_name: z.string().optional(),
    /** cloud.region on the same (`--region`; the Helm chart's global.region). */
    region: z.string().optional(),
    /** deployment.environment.name on the same (`--environment`; the Helm chart's global.environment). */
    environment: z.string().optional(),
    node_name: z.string().optional(),
  }).default({}),
  host: section({ root_path: z.string().default('/') }).default({ root_path: '/' }),
  backend: section({
    clickhouse_url: z.string().optional(),
    api: section({
      address: hostPort().default('0.0.0.0:8090'),
      /**
       * `token`: when set, every /api route needs `Authorization: Bearer <token>` (/health stays
       * open). Use `${env:VAR}` to keep it out of the file. No CLI flag (DESIGN §9 has none).
       */
      auth: section({ token: z.string().min(1, 'the API token may not be empty').optional() }).default({}),
    }).default({ address: '0.0.0.0:8090', auth: {} }),
    ui: section({ address: hostPort().default('0.0.0.0:3001') }).default({ address: '0.0.0.0:3001' }),
  }).default({ api: { address: '0.0.0.0:8090', auth: {} }, ui: { address: '0.0.0.0:3001' } }),
  /** How long a graceful stop (SIGTERM) may take before the process exits anyway. */
  shutdown_timeout: duration().default(10_000),
});
export type ServiceSettings = z.infer<typeof serviceSchema>;

const components = z.preprocess(
  (v) => (v === null || v === undefined ? {} : v),
  z.record(z.string(), z.unknown()),
);

export const topLevelSchema = z.strictObject({
  receivers: components,
  processors: components,
  exporters: components,
  extensions: components,
  service: serviceSchema,
});
