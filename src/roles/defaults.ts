// The configuration each role runs with when no file is given (DESIGN §4: every role runs
// with no configuration at all). These are plain objects in the file format, so
// `watchingcat print-config <role>` shows exactly what runs.
import { join } from 'node:path';
import type { RoleFlags } from './flags.ts';

export const ROLES = ['agent', 'cluster', 'backend', 'up'] as const;
export type Role = (typeof ROLES)[number];

type Obj = Record<string, unknown>;

/** Where OTLP goes when nothing says: the flag, then the OpenTelemetry SDK's own variable. */
export function otlpEndpoint(flags: RoleFlags, env: NodeJS.ProcessEnv): string | undefined {
  return flags.otlpEndpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

function otlpExporter(endpoint: string, env: NodeJS.ProcessEnv): [string, Obj] {
  const queue = { sending_queue: { storage: 'file_storage' }, retry_on_failure: { max_elapsed_time: '0s' } };
  const grpc = (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').toLowerCase() === 'grpc';
  if (grpc) {
    return [
      'otlp',
      { endpoint, ...(endpoint.startsWith('http://') ? { tls: { insecure: true } } : {}), ...queue },
    ];
  }
  return ['otlphttp', { endpoint, ...queue }];
}

const memoryLimiter = { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 };

function pipelines(
  receivers: string[],
  processors: string[],
  exporters: string[],
  more: { metrics: string[]; logs: string[] },
): Obj {
  const p = { receivers, processors, exporters };
  return {
    traces: { ...p },
    metrics: { ...p, receivers: [...receivers, ...more.metrics] },
    logs: { ...p, receivers: [...receivers, ...more.logs] },
  };
}

/** The node this agent serves: --node-name, else the downward API's variable. */
export function nodeNameOf(flags: RoleFlags, env: NodeJS.ProcessEnv): string | undefined {
  return flags.nodeName || env.K8S_NODE_NAME || env.NODE_NAME || undefined;
}

/**
 * The agent's own metrics, besides OTLP from the node's pods: host metrics on any Linux
 * machine; container metrics (cgroups) and kubelet stats only on a Kubernetes node — a node name
 * is known — since without a kubelet there are no pods to name and nothing to ask.
 */
function agentMetricReceivers(flags: RoleFlags, env: NodeJS.ProcessEnv, notes: string[]): Obj {
  const out: Obj = {};
  if (process.platform === 'linux') out.hostmetrics = {};
  else notes.push(`host metrics read Linux's /proc and /sys: not collected on ${process.platform}`);
  const node = nodeNameOf(flags, env);
  if (node !== undefined) {
    out.cadvisor = {};
    out.kubeletstats = { endpoint: `${node}:10250` };
  } else {
    notes.push(
      'no node name (--node-name or K8S_NODE_NAME): container metrics and kubelet stats are off; on Kubernetes set K8S_NODE_NAME from the downward API (spec.nodeName)',
    );
  }
  return out;
}

/**
 * What the forwarding roles add to everything they pass on. The agent: the pod's metadata
 * (k8sattributes, its own node's pods only — before the batch processor, which loses the
 * sender's address) and where it runs; on a Kubernetes node the `system` detector is left out,
 * since the agent's own host name would be put on other pods' data. The cluster (a gateway for
 * the agents' data): only the cluster's identity — its own node is not where the data came from.
 */
function enrichment(role: Role, node: string | undefined): Obj {
  if (role === 'cluster') return { resourcedetection: { detectors: ['env', 'cluster'] } };
  if (node === undefined) return { resourcedetection: { detectors: ['env', 'cluster', 'system'] } };
  return {
    k8sattributes: { filter: { node } },
    resourcedetection: { detectors: ['env', 'cluster', 'k8snode'] },
  };
}

export interface DefaultConfig {
  config: Obj;
  /** What the user should know about the defaults chosen (said once at start). */
  notes: string[];
}

export function defaultConfig(
  role: Role,
  flags: RoleFlags,
  env: NodeJS.ProcessEnv = process.env,
): DefaultConfig {
  const notes: string[] = [];
  const receivers: Obj = {
    otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
  };
  // The cluster role watches the API server for kube-state metrics (served on the metrics
  // address and pushed down the metrics pipeline); without Kubernetes it says so once and idles.
  const metricReceivers: Obj = {};
  const logReceivers: Obj = {};
  const extensions: Obj = { health_check: { endpoint: '0.0.0.0:13133' } };
  if (role === 'cluster') {
    // One active replica, elected on a Lease (its namespace: $POD_NAMESPACE, else the service
    // account's, else default): kube-state metrics and Kubernetes events (checkpointed on the Lease).
    extensions.k8s_leader_elector = { lease_name: 'watchingcat-cluster' };
    metricReceivers.kubestate = { k8s_leader_elector: 'k8s_leader_elector' };
    logReceivers.k8s_events = { k8s_leader_elector: 'k8s_leader_elector' };
  }
  // Every process reports its own health (heartbeat, queues, refused and dropped counts) down
  // its metrics pipeline: the backend's pipeline health view reads it.
  metricReceivers.selfmetrics = {};
  // `up` is the backend and an agent for this machine: its host metrics too.
  if (role === 'up' && process.platform === 'linux') metricReceivers.hostmetrics = {};
  if (role === 'agent') {
    Object.assign(metricReceivers, agentMetricReceivers(flags, env, notes));
    // The node's container logs (/var/log/pods under --root-path): nothing to read elsewhere,
    // and a glob that matches nothing costs a directory lookup per poll.
    const node = nodeNameOf(flags, env);
    logReceivers.filelog = node ? { pod_metadata: { node_name: node } } : {};
  }
  // The storage exporter batches itself (group commit after the data is in its block, so an
  // acknowledgement waits for one insert, not for a batch timeout and then an insert); the roles
  // that forward keep the batch processor.
  const stores = role === 'backend' || role === 'up';
  const processors: Obj = stores
    ? {
        memory_limiter: memoryLimiter,
        ...(role === 'up' ? { resourcedetection: { detectors: ['env', 'cluster', 'system'] } } : {}),
      }
    : { memory_limiter: memoryLimiter, ...enrichment(role, nodeNameOf(flags, env)), batch: {} };
  let exporters: Obj;
  let exporterId: string;

  if (role === 'agent' || role === 'cluster') {
    const endpoint = otlpEndpoint(flags, env);
    if (endpoint) {
      const [id, cfg] = otlpExporter(endpoint, env);
      exporters = { [id]: cfg };
      exporterId = id;
      // The durable queue lives under the data directory.
      extensions.file_storage = flags.dataDir ? { directory: join(flags.dataDir, 'queue') } : {};
    } else {
      exporters = { debug: { verbosity: 'basic' } };
      exporterId = 'debug';
      notes.push(
        'no OTLP destination is set (--otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT): received telemetry is only summarised in the log by the debug exporter',
      );
    }
  } else {
    // backend, up: OTLP in, stored in ClickHouse (embedded chDB under the data directory unless
    // --clickhouse-url names a server), queried through the REST API (service.backend.api).
    exporters = { storage: flags.clickhouseUrl ? { endpoint: flags.clickhouseUrl } : {} };
    exporterId = 'storage';
  }

  return {
    config: {
      extensions,
      receivers: { ...receivers, ...metricReceivers, ...logReceivers },
      processors,
      exporters,
      service: {
        extensions: Object.keys(extensions),
        pipelines: pipelines(['otlp'], Object.keys(processors), [exporterId], {
          metrics: Object.keys(metricReceivers),
          logs: Object.keys(logReceivers),
        }),
      },
    },
    notes,
  };
}
