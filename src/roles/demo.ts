// `watchingcat up --demo`: a simulated cluster in this process and what an installation would
// run against it — kube-state metrics, Kubernetes events, per node the container metrics and the
// container logs (each node's files under the simulator's directory, as a DaemonSet pod reads
// /hostfs) — all added to the up role's configuration, so the data takes the product's real
// paths: receivers → processors → storage. The demo application (src/sim/demo/app.ts) then sends
// traces and logs to the process's own OTLP receiver.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSim } from '../sim/run.ts';
import { splitHostPort } from '../config/schema-helpers.ts';
import { obj } from './flags.ts';

type Obj = Record<string, unknown>;

export interface DemoNode {
  name: string;
  /** The node's files: cgroups, /var/log/pods, kubelet.json. */
  root: string;
  kubelet: string;
}

export interface DemoCluster {
  sim: RunningSim;
  nodes: DemoNode[];
}

export const DEMO_SIZE = { nodes: 3, pods: 40, churn: 0.2, seed: 7 };

export async function startDemoCluster(dir: string, progress: (line: string) => void): Promise<DemoCluster> {
  const { startSim } = await import('../sim/run.ts');
  const sim = await startSim({
    ...DEMO_SIZE,
    listen: '127.0.0.1:0',
    dir,
    progress: (l) => progress(`simulated cluster: ${l}`),
  });
  const nodesDir = join(dir, 'nodes');
  const nodes = readdirSync(nodesDir)
    .sort()
    .map((name) => ({
      name,
      root: join(nodesDir, name),
      kubelet: (JSON.parse(readFileSync(join(nodesDir, name, 'kubelet.json'), 'utf8')) as { url: string })
        .url,
    }));
  return { sim, nodes };
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : [];
}

/**
 * Adds the demo cluster's receivers to an up role configuration (in place): the simulator's
 * kubeconfig, `kubestate` and `k8s_events`, and per node `cadvisor/<n>` and `filelog/<n>`
 * (endpoints off: one process serves several nodes), plus `k8sattributes` on every pipeline.
 */
export function addDemoToConfig(raw: Obj, demo: DemoCluster): void {
  const service = obj(raw, 'service');
  const kube = obj(service, 'kubernetes');
  kube.kubeconfig = demo.sim.kubeconfig;
  kube.cluster_name ??= 'demo';
  const receivers = obj(raw, 'receivers');
  const metrics: string[] = ['kubestate'];
  const logs: string[] = ['k8s_events'];
  receivers.kubestate = { streaming: { interval: '10s' } };
  receivers.k8s_events = { start_at: 'beginning' }; // a new cluster: its events so far too
  demo.nodes.forEach((n, i) => {
    receivers[`cadvisor/node${i}`] = {
      root_path: n.root,
      node_name: n.name,
      collection_interval: '10s',
      exposition: false,
      // The simulator's kubelet: a full URL keeps its scheme (plain HTTP, no credentials).
      kubelet: { endpoint: n.kubelet, auth_type: 'none' },
    };
    receivers[`filelog/node${i}`] = {
      root_path: n.root,
      start_at: 'beginning',
      pod_metadata: { node_name: n.name },
    };
    metrics.push(`cadvisor/node${i}`);
    logs.push(`filelog/node${i}`);
  });
  const processors = obj(raw, 'processors');
  processors.k8sattributes = {};
  // This machine's host.name does not belong on the simulated nodes' data.
  if (processors.resourcedetection) processors.resourcedetection = { detectors: ['env', 'cluster'] };
  const pipelines = obj(service, 'pipelines');
  for (const [name, add] of [
    ['metrics', metrics],
    ['logs', logs],
    ['traces', []],
  ] as const) {
    const p = obj(pipelines, name);
    p.receivers = [...list(p.receivers), ...add];
    // Enrichment right after the memory limiter (before any batching, which drops the sender's address).
    const procs = list(p.processors);
    const at = procs[0] === 'memory_limiter' ? 1 : 0;
    p.processors = [...procs.slice(0, at), 'k8sattributes', ...procs.slice(at)];
  }
}

/** The OTLP/HTTP URL the demo application sends to: the up role's own receiver. */
export function ownOtlpHttpUrl(raw: Obj): string {
  const receivers = obj(raw, 'receivers');
  const otlp = obj(receivers, 'otlp');
  const http = obj(obj(otlp, 'protocols'), 'http');
  const endpoint = typeof http.endpoint === 'string' ? http.endpoint : '0.0.0.0:4318';
  const { host, port } = splitHostPort(endpoint);
  const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reach}:${port}`;
}
