// `watchingcat sim`: assembles the simulated cluster — object store, API server, workload
// engine, per-node files — and writes DIR/kubeconfig pointing at the API server.
//
// Order matters: the cluster is populated before the API server listens (a client never sees a
// half-built cluster), and the node part starts after population (it reconciles every node and
// pod already in the store, then follows store events).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { stringify } from 'yaml';
import { splitHostPort } from '../config/schema-helpers.ts';
import { ObjectStore } from './apiserver/store.ts';
import { startApiServer, type ApiServer } from './apiserver/server.ts';
import { ClusterEngine } from './engine/engine.ts';
import { startSimNodes, type SimNodes } from './node/nodes.ts';

export interface SimOptions {
  nodes: number;
  pods: number;
  seed?: number;
  /** Random changes per second (default 1; 0: none). */
  churn?: number;
  /** API server address, host:port (port 0: any free port). */
  listen: string;
  /** Where DIR/kubeconfig and DIR/nodes/<node>/ are written. */
  dir: string;
  cgroup?: 'v1' | 'v2';
  /** Progress lines for the user (default: none). */
  progress?: (line: string) => void;
}

export interface RunningSim {
  url: string;
  kubeconfig: string;
  store: ObjectStore;
  engine: ClusterEngine;
  stop(): Promise<void>;
}

/** Watch history kept for resume: enough for several minutes of a 10,000-pod cluster's churn. */
const HISTORY_LIMIT = 100_000;

export async function startSim(opts: SimOptions): Promise<RunningSim> {
  const say = opts.progress ?? (() => {});
  const { host, port } = splitHostPort(opts.listen);
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });

  const started = Date.now();
  const store = new ObjectStore({ historyLimit: HISTORY_LIMIT });
  const engine = new ClusterEngine({
    store,
    nodes: opts.nodes,
    pods: opts.pods,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.churn !== undefined ? { churn: opts.churn } : {}),
  });
  say(`populating ${opts.nodes} nodes and ${opts.pods} pods…`);
  engine.populate();
  say(`populated in ${Date.now() - started} ms (${store.currentResourceVersion()} writes)`);

  let api: ApiServer | undefined;
  let nodes: SimNodes | undefined;
  try {
    api = await startApiServer({ store, host, port });
    say(`writing node trees under ${join(dir, 'nodes')}…`);
    nodes = await startSimNodes({
      store,
      dir,
      tickMs: 1000,
      // The node files share the event loop with the API server: at 10,000 pods the default
      // (15,000 writes per tick) took about half of it and doubled API latency. Each pod's files
      // are then refreshed about every 30 s instead of 11 s.
      maxFileWritesPerTick: 5000,
      ...(opts.cgroup ? { cgroup: opts.cgroup } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
  } catch (err) {
    await nodes?.stop();
    await api?.close();
    throw err;
  }
  engine.start();

  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(api.url));
  const running = api;
  const nodeFiles = nodes;
  return {
    url: api.url,
    kubeconfig,
    store,
    engine,
    async stop() {
      engine.stop();
      await nodeFiles.stop();
      await running.close();
    },
  };
}

/** A kubeconfig for the simulator: plain HTTP on loopback, no credentials needed. */
export function kubeconfigYaml(server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'watchingcat-sim', cluster: { server } }],
    users: [{ name: 'watchingcat-sim', user: {} }],
    contexts: [
      {
        name: 'watchingcat-sim',
        context: { cluster: 'watchingcat-sim', user: 'watchingcat-sim', namespace: 'default' },
      },
    ],
    'current-context': 'watchingcat-sim',
    preferences: {},
  });
}
