// The simulated nodes: one SimNode (cgroup tree, /proc, pod logs) and one kubelet endpoint per Node
// object in the store, kept in line with the store's Pod objects.
//
// Store events only record what changed (listeners run synchronously inside the store's writes);
// a reconcile pass applies the changes to disk. Reconcile passes and ticks run one at a time, so the
// disk is never touched by two operations for the same node at once. tick(ms) advances simulated
// time — tests call it directly; with `tickMs` a timer calls it with the wall time elapsed.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject, ResourceKey, SimStore, StoreEvent } from '../types.ts';
import type { CgroupVersion } from './cgroup-tree.ts';
import { startKubeletServer, type KubeletServer } from './kubelet-server.ts';
import { yieldToLoop } from './fast-fs.ts';
import { DEFAULT_LOG_POLICY, validateLogPolicy, type LogPolicy } from './pod-logs.ts';
import { nodeCapacity, podView } from './pod-view.ts';
import { SimNode } from './sim-node.ts';
import { nodeSummary } from './summary.ts';

const NODES: ResourceKey = { group: '', resource: 'nodes' };
const PODS: ResourceKey = { group: '', resource: 'pods' };

export interface SimNodesOptions {
  store: SimStore;
  dir: string;
  cgroup?: CgroupVersion;
  seed?: number;
  /** per running container (default 1) */
  logLinesPerSecond?: number;
  /** default 1 MiB */
  maxLogFileBytes?: number;
  /** default 5 */
  maxLogFiles?: number;
  /** when set, a timer ticks every tickMs */
  tickMs?: number;
  // Tuning (all optional):
  /** a pod's cgroup files are rewritten at most this often (default 2000 ms) */
  refreshIntervalMs?: number;
  /** a pod's log lines are written at most this often, budget permitting (default 1000 ms) */
  logFlushIntervalMs?: number;
  /** file writes per tick across all nodes for periodic refreshes (default 15000); creation is not limited */
  maxFileWritesPerTick?: number;
  /** kubelet log rotation check interval (default 10000 ms) */
  logMonitorIntervalMs?: number;
  /** containerd line limit before splitting into partial lines (default 16384) */
  maxLogLineBytes?: number;
  /** log directory removal delay after a pod is deleted (default 5000 ms) */
  podCleanupDelayMs?: number;
  /** simulated start time (default: now) */
  startTimeMs?: number;
  /** errors from timer ticks and background reconciles (default: written to stderr) */
  onError?: (err: unknown) => void;
}

export interface SimNodes {
  nodes(): string[];
  tick(ms: number): Promise<void>;
  stop(): Promise<void>;
}

interface NodeEntry {
  node: SimNode;
  server: KubeletServer;
}

export async function startSimNodes(opts: SimNodesOptions): Promise<SimNodes> {
  const store = opts.store;
  const policy: LogPolicy = {
    ...DEFAULT_LOG_POLICY,
    maxFileBytes: opts.maxLogFileBytes ?? DEFAULT_LOG_POLICY.maxFileBytes,
    maxFiles: opts.maxLogFiles ?? DEFAULT_LOG_POLICY.maxFiles,
    monitorIntervalMs: opts.logMonitorIntervalMs ?? DEFAULT_LOG_POLICY.monitorIntervalMs,
    maxLineBytes: opts.maxLogLineBytes ?? DEFAULT_LOG_POLICY.maxLineBytes,
  };
  validateLogPolicy(policy);
  const version = opts.cgroup ?? 'v2';
  if (version !== 'v1' && version !== 'v2') throw new Error(`invalid cgroup version ${String(version)}`);
  for (const [name, v] of [
    ['logLinesPerSecond', opts.logLinesPerSecond],
    ['refreshIntervalMs', opts.refreshIntervalMs],
    ['logFlushIntervalMs', opts.logFlushIntervalMs],
    ['podCleanupDelayMs', opts.podCleanupDelayMs],
  ] as const) {
    if (v !== undefined && !(v >= 0)) throw new Error(`startSimNodes: ${name} must be >= 0, got ${v}`);
  }
  if (opts.maxFileWritesPerTick !== undefined && !(opts.maxFileWritesPerTick >= 1)) {
    throw new Error(`startSimNodes: maxFileWritesPerTick must be >= 1, got ${opts.maxFileWritesPerTick}`);
  }
  const seed = opts.seed ?? 1;
  const budget = opts.maxFileWritesPerTick ?? 15_000;
  const onError = opts.onError ?? ((err: unknown) => process.stderr.write(`sim nodes: ${String(err)}\n`));
  let now = opts.startTimeMs ?? Date.now();

  const entries = new Map<string, NodeEntry>();
  const dirtyNodes = new Set<string>();
  /** uid → latest pod object (undefined = deleted) */
  const dirtyPods = new Map<string, KubeObject | undefined>();
  /** uid → node the pod was last applied to */
  const podNode = new Map<string, string>();
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  let stopped = false;

  const onEvent = (ev: StoreEvent): void => {
    if (ev.key.group !== '') return;
    if (ev.key.resource === 'nodes') dirtyNodes.add(ev.object.metadata.name);
    else if (ev.key.resource === 'pods') {
      const uid = ev.object.metadata.uid;
      if (uid) dirtyPods.set(uid, ev.type === 'DELETED' ? undefined : ev.object);
    } else return;
    scheduleReconcile();
  };

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  function scheduleReconcile(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      serial(reconcile).catch(onError);
    });
  }

  async function ensureNode(name: string): Promise<void> {
    const obj = store.get(NODES, undefined, name);
    const entry = entries.get(name);
    if (!obj) {
      if (entry) {
        entries.delete(name);
        for (const [uid, n] of podNode) if (n === name) podNode.delete(uid);
        await entry.server.close();
        entry.node.shutdown();
        await rm(join(opts.dir, 'nodes', name), { recursive: true, force: true });
      }
      return;
    }
    if (!entry) {
      const root = join(opts.dir, 'nodes', name);
      await mkdir(root, { recursive: true });
      const node = new SimNode({
        name,
        root,
        cgroup: version,
        seed,
        logPolicy: policy,
        logLinesPerSecond: opts.logLinesPerSecond ?? 1,
        refreshIntervalMs: opts.refreshIntervalMs ?? 2000,
        logFlushIntervalMs: opts.logFlushIntervalMs ?? 1000,
        podCleanupDelayMs: opts.podCleanupDelayMs ?? 5000,
        capacity: nodeCapacity(obj),
      });
      node.init(now);
      const server = await startKubeletServer({
        pods: () => ({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: {},
          items: store
            .list(PODS)
            .filter((p) => (p.spec as { nodeName?: unknown } | undefined)?.nodeName === name),
        }),
        summary: () => nodeSummary(node),
      });
      entries.set(name, { node, server });
      await writeFile(join(root, 'kubelet.json'), `${JSON.stringify({ url: server.url })}\n`);
      // pods bound before the node was known
      for (const p of store.list(PODS)) {
        const uid = p.metadata.uid;
        if (uid && (p.spec as { nodeName?: unknown } | undefined)?.nodeName === name && !dirtyPods.has(uid)) {
          dirtyPods.set(uid, p);
        }
      }
    }
    const port = entries.get(name)?.server.port;
    if (port !== undefined && !endpointPatched(obj, port)) {
      store.mutate(NODES, undefined, name, (o) => patchEndpoint(o, port));
    }
  }

  async function reconcile(): Promise<void> {
    const nodes = [...dirtyNodes];
    dirtyNodes.clear();
    for (const name of nodes) await ensureNode(name);
    const pods = [...dirtyPods];
    dirtyPods.clear();
    let applied = 0;
    for (const [uid, obj] of pods) {
      const view = obj ? podView(obj) : undefined;
      const target = view?.nodeName ?? podNode.get(uid);
      if (!target) continue; // not scheduled yet
      const entry = entries.get(target);
      if (!entry) continue; // node not known yet: applied when the node appears
      const previous = podNode.get(uid);
      if (previous && previous !== target) entries.get(previous)?.node.syncPod(uid, undefined);
      if (view) podNode.set(uid, target);
      else podNode.delete(uid);
      // Creating a pod's tree costs ~20 file creations (0.3–0.6 ms each on ext4): yield often so
      // the API server and kubelets answer within milliseconds even while many pods start.
      if (++applied % 2 === 0) await yieldToLoop();
      try {
        entry.node.syncPod(uid, view);
      } catch (err) {
        onError(
          new Error(
            `pod ${view?.namespace ?? ''}/${view?.name ?? uid} on ${target}: ${(err as Error).message}`,
          ),
        );
      }
    }
  }

  async function tickOnce(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`tick: invalid duration ${ms}`);
    await reconcile();
    now += ms;
    const list = [...entries.values()];
    const perNode = Math.max(1, Math.floor(budget / Math.max(1, list.length)));
    for (const e of list) await e.node.tick(ms, now, perNode);
  }

  const unsubscribe = store.subscribe(onEvent);
  for (const n of store.list(NODES)) dirtyNodes.add(n.metadata.name);
  for (const p of store.list(PODS)) if (p.metadata.uid) dirtyPods.set(p.metadata.uid, p);
  await serial(reconcile);

  let timer: NodeJS.Timeout | undefined;
  if (opts.tickMs !== undefined) {
    if (!(opts.tickMs > 0)) throw new Error(`invalid tickMs ${opts.tickMs}`);
    let last = Date.now();
    const loop = (): void => {
      timer = setTimeout(() => {
        const wall = Date.now();
        const dt = wall - last;
        last = wall;
        serial(() => tickOnce(dt))
          .catch(onError)
          .finally(() => {
            if (!stopped) loop();
          });
      }, opts.tickMs);
    };
    loop();
  }

  return {
    nodes: () => [...entries.keys()].sort(),
    tick: (ms: number) => serial(() => tickOnce(ms)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      await serial(async () => {
        for (const e of entries.values()) {
          await e.server.close();
          e.node.shutdown();
        }
        entries.clear();
      });
    },
  };
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function endpointPatched(node: KubeObject, port: number): boolean {
  const status = rec(node.status);
  const ep = rec(rec(rec(status.daemonEndpoints).kubeletEndpoint));
  const addresses = Array.isArray(status.addresses) ? status.addresses.map(rec) : [];
  return ep.Port === port && addresses.some((a) => a.type === 'InternalIP' && a.address === '127.0.0.1');
}

/** Points the Node at the simulated kubelet: daemonEndpoints.kubeletEndpoint.Port and InternalIP 127.0.0.1. */
function patchEndpoint(node: KubeObject, port: number): void {
  const status = rec(node.status);
  node.status = status;
  status.daemonEndpoints = { ...rec(status.daemonEndpoints), kubeletEndpoint: { Port: port } };
  const addresses = (Array.isArray(status.addresses) ? status.addresses.map(rec) : []).filter(
    (a) => a.type !== 'InternalIP',
  );
  addresses.unshift({ type: 'InternalIP', address: '127.0.0.1' });
  if (!addresses.some((a) => a.type === 'Hostname'))
    addresses.push({ type: 'Hostname', address: node.metadata.name });
  status.addresses = addresses;
}
