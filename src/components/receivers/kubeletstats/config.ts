// `kubeletstats` receiver configuration, in the OpenTelemetry Collector kubeletstats receiver's
// option names. Differences from the Collector, and why:
//   - collection_interval defaults to 30s (Collector: 10s): what this receiver gathers by default
//     moves slowly — the kubelet refreshes volume stats once a minute (--volume-stats-agg-period)
//     and filesystem usage on its housekeeping cycle — and each /stats/summary makes the kubelet
//     assemble stats for every pod. CPU/memory come from the `cadvisor` receiver.
//   - auth_type defaults to serviceAccount (Collector: tls): an agent DaemonSet has a token, and
//     rarely a kubelet client certificate.
//   - metric_groups defaults to [pod, container, volume] (Collector: [container, pod, node]): the
//     node is covered by `hostmetrics` (node_*); volume stats are what only the kubelet knows.
//   - cpu_memory (ours) decides whether pod/container CPU, memory and pod network are taken from
//     the kubelet: `auto` (default) only when the pods' cgroups are not readable under
//     root_path (then `cadvisor` cannot provide them), `always`, or `never`.
//   - endpoint defaults to ${K8S_NODE_NAME}:10250 (else $NODE_NAME, else the host name, as the
//     Collector does); "host:port" means https, full http(s):// URLs are kept.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';

export const METRIC_GROUPS = ['node', 'pod', 'container', 'volume'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];
export const DEFAULT_METRIC_GROUPS: MetricGroup[] = ['pod', 'container', 'volume'];
export const DEFAULT_COLLECTION_INTERVAL_MS = 30_000;

/** The default endpoint: this node's kubelet on its secure port. */
export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const node = env.K8S_NODE_NAME || env.NODE_NAME || os.hostname();
  return `${node}:10250`;
}

export const configSchema = section({
  /** How often the Summary is read and pushed as OTLP. */
  collection_interval: duration().default(DEFAULT_COLLECTION_INTERVAL_MS),
  /** "host[:port]" (https, port 10250) or an http(s):// URL. Default: defaultEndpoint(). */
  endpoint: z.string().min(1).optional(),
  auth_type: z.enum(['serviceAccount', 'tls', 'none']).default('serviceAccount'),
  /** CA bundle verifying the kubelet's serving certificate. */
  ca_file: z.string().min(1).optional(),
  /** auth_type tls: the client certificate and key. */
  cert_file: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
  insecure_skip_verify: z.boolean().default(false),
  /** Whole-request deadline for one kubelet call. */
  timeout: duration().default(10_000),
  metric_groups: z.array(z.enum(METRIC_GROUPS)).default(DEFAULT_METRIC_GROUPS),
  cpu_memory: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Where the host's / is (`auto` looks for cgroups below it). Default: service.host.root_path, else "/". */
  root_path: z.string().min(1).optional(),
  /** The cgroup mount `auto` probes. Default: <root_path>/sys/fs/cgroup. */
  cgroup_root: z.string().min(1).optional(),
  /** Serve kubelet_volume_stats_* on the metrics address at /metrics/kubelet (and in /metrics). */
  exposition: z.boolean().default(true),
})
  .refine((c) => c.auth_type !== 'tls' || (c.cert_file !== undefined && c.key_file !== undefined), {
    message: 'auth_type tls needs cert_file and key_file',
    path: ['auth_type'],
  })
  .refine((c) => c.collection_interval >= 1000, {
    message: 'collection_interval must be at least 1s',
    path: ['collection_interval'],
  })
  .refine((c) => c.timeout > 0, { message: 'timeout must be positive', path: ['timeout'] })
  .refine((c) => new Set(c.metric_groups).size === c.metric_groups.length, {
    message: 'metric_groups lists a group twice',
    path: ['metric_groups'],
  });

export type KubeletStatsConfig = z.infer<typeof configSchema>;

/** The cgroup root `auto` probes, from the config and the process's host root path. */
export function cgroupRootOf(c: KubeletStatsConfig, hostRootPath: string | undefined): string {
  return c.cgroup_root ?? path.join(c.root_path ?? hostRootPath ?? '/', 'sys/fs/cgroup');
}
