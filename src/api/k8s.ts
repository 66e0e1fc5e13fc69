// GET /api/v1/k8s/{overview,nodes,pods,workloads,namespaces,events} (DESIGN §6): the cluster
// assembled from kube-state-metrics families, cAdvisor container metrics and k8s_events logs.
//
// Contracts:
// - Every view is "as of `at`" (default now): a series counts when it has a point in
//   [at − window, at] (window default 5m, at most 1h); its newest such point is its value.
// - A pod's phase is the `phase` label of its kube_pod_status_phase series whose value is 1
//   ("Unknown" when none is). A node is ready when kube_node_status_condition{condition="Ready",
//   status="true"} is 1. A workload is healthy when ready and available both reach desired.
// - CPU is in cores (average over the window), memory in bytes (working set), summed over the
//   pod's or node's containers; null when no container metric was seen.
// - `truncated: true` when a storage cap (MAX_ROWS series) cut the input of the view.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  containerUsage as readContainerUsage,
  countK8sEvents,
  k8sEvents,
  latestValues as readLatestValues,
  type At,
  type ContainerUsage,
  type LatestValue,
} from '../storage/k8s-queries.ts';
import type { Storage } from '../storage/connection.ts';
import { Coalescer } from './coalesce.ts';
import type { ApiContext } from './context.ts';
import { HttpError } from './errors.ts';
import { BadRequest, one, parseDurationNs, parseLimit, parseRange, parseTime, type Query } from './params.ts';

export const DEFAULT_WINDOW_NS = 300n * 1_000_000_000n;
export const MAX_WINDOW_NS = 3600n * 1_000_000_000n;
const HOUR_NS = 3600n * 1_000_000_000n;
export const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
type Phase = (typeof PHASES)[number];
const MAX_NAME = 253;
/** The largest page of /k8s/pods: a whole 10,000-pod cluster in one answer. */
export const MAX_PODS_PAGE = 10_000;
/** The overview's attention lists: items per list by default and at most (`?limit=`). */
const ATTENTION_DEFAULT = 20;
const ATTENTION_MAX = 200;
/** The overview's latest Warning events (of the hour before `at`). */
const ATTENTION_EVENTS = 8;

function parseAt(q: Query, nowNs: bigint): At {
  const a = one(q, 'at');
  // Without `at`: now, in whole seconds (a page's requests then ask about the same moment).
  const at = a === undefined ? nowNs - (nowNs % 1_000_000_000n) : parseTime('at', a);
  const w = one(q, 'window');
  const windowNs = w === undefined ? DEFAULT_WINDOW_NS : parseDurationNs('window', w);
  if (windowNs < 1_000_000_000n || windowNs > MAX_WINDOW_NS)
    throw new BadRequest('window', `expected a duration from 1s to 1h, got "${w}"`);
  return { at, windowNs };
}

function nameParam(q: Query, name: string): string | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (v === '' || v.length > MAX_NAME) throw new BadRequest(name, `expected 1..${MAX_NAME} characters`);
  return v;
}

const key = (...parts: string[]): string => JSON.stringify(parts);

interface Resources {
  cpuCores: number | null;
  memoryBytes: number | null;
}

interface ContainerState {
  ready: boolean;
  restarts: number;
  /** The reason of the current waiting / terminated state, when the container is in one. */
  waiting?: string;
  terminated?: string;
  image?: string;
  requests: Resources;
  limits: Resources;
}

interface PodState {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  phase: Phase;
  createdBy: { kind: string; name: string } | null;
  containers: Map<string, ContainerState>;
  createdSec?: number;
  /** kube_pod_deletion_timestamp: the pod is terminating. */
  deleting?: boolean;
  /** kube_pod_status_reason with value 1 (Evicted, NodeLost, …). */
  reason?: string;
}

const POD_METRICS = [
  'kube_pod_info',
  'kube_pod_status_phase',
  'kube_pod_container_status_ready',
  'kube_pod_container_status_restarts_total',
  'kube_pod_created',
  'kube_pod_container_status_waiting_reason',
  'kube_pod_container_status_terminated_reason',
  'kube_pod_container_resource_requests',
  'kube_pod_container_resource_limits',
  'kube_pod_deletion_timestamp',
  'kube_pod_status_reason',
];
/** Series that only matter when their value is 1 (one per phase / reason / condition status). */
const INDICATORS = [
  'kube_pod_status_phase',
  'kube_pod_status_reason',
  'kube_pod_container_status_waiting_reason',
  'kube_pod_container_status_terminated_reason',
  'kube_node_status_condition',
];
const POD_DETAIL_METRICS = [...POD_METRICS, 'kube_pod_container_info'];

/** Pods at `at`, keyed by [namespace, name]; a pod exists when any of its families does. */
function assemblePods(values: LatestValue[]): Map<string, PodState> {
  const pods = new Map<string, PodState>();
  for (const { metric, labels: l, value } of values) {
    const ns = l['namespace'] ?? '';
    const name = l['pod'] ?? '';
    if (name === '') continue;
    const k = key(ns, name);
    let p = pods.get(k);
    if (!p) {
      p = {
        namespace: ns,
        name,
        uid: '',
        node: '',
        phase: 'Unknown',
        createdBy: null,
        containers: new Map(),
      };
      pods.set(k, p);
    }
    if (p.uid === '' && l['uid']) p.uid = l['uid'];
    const container = () => {
      const c = l['container'] ?? '';
      let s = p.containers.get(c);
      if (!s)
        p.containers.set(
          c,
          (s = {
            ready: false,
            restarts: 0,
            requests: { cpuCores: null, memoryBytes: null },
            limits: { cpuCores: null, memoryBytes: null },
          }),
        );
      return s;
    };
    const resource = (r: Resources): void => {
      if (l['resource'] === 'cpu') r.cpuCores = value;
      else if (l['resource'] === 'memory') r.memoryBytes = value;
    };
    switch (metric) {
      case 'kube_pod_info':
        p.node = l['node'] ?? '';
        if (l['created_by_kind'] && l['created_by_kind'] !== '<none>')
          p.createdBy = { kind: l['created_by_kind'], name: l['created_by_name'] ?? '' };
        break;
      case 'kube_pod_status_phase':
        if (value === 1 && (PHASES as readonly string[]).includes(l['phase'] ?? ''))
          p.phase = l['phase'] as Phase;
        break;
      case 'kube_pod_container_status_ready':
        container().ready = value === 1;
        break;
      case 'kube_pod_container_status_restarts_total':
        container().restarts = value;
        break;
      case 'kube_pod_created':
        p.createdSec = value;
        break;
      case 'kube_pod_container_status_waiting_reason':
        if (value === 1) container().waiting = l['reason'] ?? '';
        break;
      case 'kube_pod_container_status_terminated_reason':
        if (value === 1) container().terminated = l['reason'] ?? '';
        break;
      case 'kube_pod_container_resource_requests':
        resource(container().requests);
        break;
      case 'kube_pod_container_resource_limits':
        resource(container().limits);
        break;
      case 'kube_pod_container_info':
        container().image = l['image'] ?? '';
        break;
      case 'kube_pod_deletion_timestamp':
        p.deleting = true;
        break;
      case 'kube_pod_status_reason':
        if (value === 1 && l['reason']) p.reason = l['reason'];
        break;
    }
  }
  return pods;
}

interface Usage {
  cpuCores: number | null;
  memoryBytes: number | null;
}

function addUsage(m: Map<string, Usage>, k: string, c: ContainerUsage): void {
  let u = m.get(k);
  if (!u) m.set(k, (u = { cpuCores: null, memoryBytes: null }));
  if (c.cpuCores !== undefined) u.cpuCores = (u.cpuCores ?? 0) + c.cpuCores;
  if (c.memoryBytes !== undefined) u.memoryBytes = (u.memoryBytes ?? 0) + c.memoryBytes;
}

function usageBy(containers: ContainerUsage[], by: 'pod' | 'node'): Map<string, Usage> {
  const m = new Map<string, Usage>();
  for (const c of containers) {
    if (by === 'pod') addUsage(m, key(c.namespace, c.pod), c);
    else if (c.node !== '') addUsage(m, c.node, c);
  }
  return m;
}

const NO_USAGE: Usage = { cpuCores: null, memoryBytes: null };
const terminated = (p: PodState): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

/**
 * The STATUS column of `kubectl get pods`, as far as kube-state metrics tell it: the pod's
 * reason (Evicted, …), else the last container's waiting or terminated reason (CrashLoopBackOff,
 * ImagePullBackOff, Completed, OOMKilled, …), else the phase; "Terminating" once deletion began.
 */
export function kubectlStatus(p: {
  phase: string;
  reason?: string;
  deleting?: boolean;
  containers: Iterable<{ waiting?: string; terminated?: string }>;
}): string {
  if (p.deleting && p.reason !== 'NodeLost') return 'Terminating';
  if (p.reason) return p.reason;
  let status = p.phase;
  for (const c of p.containers) {
    if (c.waiting) status = c.waiting;
    else if (c.terminated) status = c.terminated;
  }
  return status;
}

/** Sum over containers; null when no container states it (a container without it: unbounded). */
function sumResources(cs: ContainerState[], which: 'requests' | 'limits'): Resources {
  const sum = (k: keyof Resources): number | null =>
    cs.some((c) => c[which][k] !== null) ? cs.reduce((s, c) => s + (c[which][k] ?? 0), 0) : null;
  return { cpuCores: sum('cpuCores'), memoryBytes: sum('memoryBytes') };
}

const HEALTHY_STATUS = new Set(['Running', 'Succeeded', 'Completed']);

/**
 * A pod that needs attention: a status other than Running / Succeeded / Completed (as kubectl
 * shows it: CrashLoopBackOff, Error, Pending…), running with containers not ready, or restarted.
 * (`?problems=true`; the UI's pods list applies the same rule to the rows it holds.)
 */
function inTrouble(p: PodState): boolean {
  const cs = [...p.containers.values()];
  const status = kubectlStatus({ ...p, containers: cs });
  if (!HEALTHY_STATUS.has(status)) return true;
  if (status === 'Running' && cs.some((c) => !c.ready)) return true;
  return cs.some((c) => c.restarts > 0);
}

function podJson(p: PodState, at: bigint, usage: Usage) {
  const cs = [...p.containers.values()];
  return {
    namespace: p.namespace,
    name: p.name,
    uid: p.uid,
    node: p.node,
    phase: p.phase,
    createdBy: p.createdBy,
    containers: { ready: cs.filter((c) => c.ready).length, total: cs.length },
    restarts: cs.reduce((s, c) => s + c.restarts, 0),
    ageSeconds: p.createdSec === undefined ? null : Math.max(0, Math.floor(Number(at) / 1e9 - p.createdSec)),
    ...usage,
    status: kubectlStatus({ ...p, containers: cs }),
    requests: sumResources(cs, 'requests'),
    limits: sumResources(cs, 'limits'),
  };
}

interface NodeState {
  name: string;
  ready: boolean;
  roles: string[];
  kubeletVersion: string;
  allocatable: { cpuCores: number | null; memoryBytes: number | null; pods: number | null };
  /** Every condition with the status whose series is 1 (true, false or unknown). */
  conditions: { type: string; status: string }[];
}

const NODE_METRICS = [
  'kube_node_info',
  'kube_node_role',
  'kube_node_status_condition',
  'kube_node_status_allocatable',
];

function assembleNodes(values: LatestValue[]): Map<string, NodeState> {
  const nodes = new Map<string, NodeState>();
  for (const { metric, labels: l, value } of values) {
    const name = l['node'] ?? '';
    if (name === '') continue;
    let n = nodes.get(name);
    if (!n) {
      n = {
        name,
        ready: false,
        roles: [],
        kubeletVersion: '',
        allocatable: { cpuCores: null, memoryBytes: null, pods: null },
        conditions: [],
      };
      nodes.set(name, n);
    }
    if (metric === 'kube_node_info') n.kubeletVersion = l['kubelet_version'] ?? '';
    else if (metric === 'kube_node_role' && value === 1 && l['role']) n.roles.push(l['role']);
    else if (metric === 'kube_node_status_condition') {
      if (l['condition'] === 'Ready' && l['status'] === 'true') n.ready = value === 1;
      if (value === 1 && l['condition'])
        n.conditions.push({ type: l['condition'], status: l['status'] ?? '' });
    } else if (metric === 'kube_node_status_allocatable') {
      if (l['resource'] === 'cpu') n.allocatable.cpuCores = value;
      else if (l['resource'] === 'memory') n.allocatable.memoryBytes = value;
      else if (l['resource'] === 'pods') n.allocatable.pods = value;
    }
  }
  for (const n of nodes.values()) {
    n.roles.sort();
    n.conditions.sort((a, b) => cmp(a.type, b.type));
  }
  return nodes;
}

type Kind = 'Deployment' | 'DaemonSet' | 'StatefulSet';
// Per kind: the label naming the object and the families giving desired/ready/available.
const WORKLOADS: Record<Kind, { label: string; desired: string; ready: string; available: string }> = {
  Deployment: {
    label: 'deployment',
    desired: 'kube_deployment_spec_replicas',
    ready: 'kube_deployment_status_replicas_ready',
    available: 'kube_deployment_status_replicas_available',
  },
  DaemonSet: {
    label: 'daemonset',
    desired: 'kube_daemonset_status_desired_number_scheduled',
    ready: 'kube_daemonset_status_number_ready',
    available: 'kube_daemonset_status_number_available',
  },
  StatefulSet: {
    label: 'statefulset',
    desired: 'kube_statefulset_replicas',
    ready: 'kube_statefulset_status_replicas_ready',
    available: 'kube_statefulset_status_replicas_available',
  },
};
const WORKLOAD_METRICS = Object.values(WORKLOADS).flatMap((w) => [w.desired, w.ready, w.available]);
const NODE_SET: ReadonlySet<string> = new Set(NODE_METRICS);
const POD_SET: ReadonlySet<string> = new Set(POD_METRICS);
const WORKLOAD_SET: ReadonlySet<string> = new Set(WORKLOAD_METRICS);
const OVERVIEW_METRICS = [...NODE_METRICS, ...POD_METRICS, ...WORKLOAD_METRICS];

interface Workload {
  kind: Kind;
  namespace: string;
  name: string;
  desired: number | null;
  ready: number | null;
  available: number | null;
  healthy: boolean;
}

function assembleWorkloads(values: LatestValue[]): Workload[] {
  const out = new Map<string, Workload>();
  for (const { metric, labels: l, value } of values) {
    for (const [kind, w] of Object.entries(WORKLOADS) as [Kind, (typeof WORKLOADS)[Kind]][]) {
      const field =
        metric === w.desired
          ? 'desired'
          : metric === w.ready
            ? 'ready'
            : metric === w.available
              ? 'available'
              : undefined;
      if (field === undefined) continue;
      const name = l[w.label] ?? '';
      if (name === '') continue;
      const k = key(kind, l['namespace'] ?? '', name);
      let x = out.get(k);
      if (!x) {
        x = {
          kind,
          namespace: l['namespace'] ?? '',
          name,
          desired: null,
          ready: null,
          available: null,
          healthy: false,
        };
        out.set(k, x);
      }
      x[field] = value;
    }
  }
  const list = [...out.values()];
  for (const w of list)
    w.healthy = w.desired !== null && (w.ready ?? 0) >= w.desired && (w.available ?? 0) >= w.desired;
  return list.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byNsName = (a: PodState, b: PodState): number => cmp(a.namespace, b.namespace) || cmp(a.name, b.name);

/** Pod page cursor: the [namespace, name] of the last pod returned, as base64url JSON. */
function encodeCursor(p: PodState): string {
  return Buffer.from(JSON.stringify([p.namespace, p.name])).toString('base64url');
}
function decodeCursor(v: string): [string, string] {
  try {
    const x = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string')
      return [x[0], x[1]];
  } catch {
    // fall through to the error below
  }
  throw new BadRequest('cursor', 'expected a `next` value returned by this endpoint');
}

function parsePhase(q: Query): Phase | undefined {
  const v = one(q, 'phase');
  if (v === undefined) return undefined;
  if (!(PHASES as readonly string[]).includes(v))
    throw new BadRequest('phase', `expected one of ${PHASES.join(', ')}, got "${v}"`);
  return v as Phase;
}

function asOf(a: At) {
  return { at: String(a.at), windowNs: String(a.windowNs) };
}

export function registerK8sRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { storage } = ctx;
  // A page asks for several views of one moment at once: their shared reads run once (coalesce.ts).
  const shared = new Coalescer({ ttlMs: 1000 });
  const latestValues = (s: Storage, q: Parameters<typeof readLatestValues>[1]) =>
    shared.get(
      `latest ${JSON.stringify(q, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
      () => readLatestValues(s, q),
    );
  const containerUsage = (s: Storage, a: At) =>
    shared.get(`usage ${a.at} ${a.windowNs}`, () => readContainerUsage(s, a));

  app.get('/api/v1/k8s/pods', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const a = parseAt(q, ctx.now());
    const namespace = nameParam(q, 'namespace');
    const node = nameParam(q, 'node');
    const phase = parsePhase(q);
    const problems = one(q, 'problems');
    if (problems !== undefined && problems !== 'true' && problems !== 'false')
      throw new BadRequest('problems', `expected true or false, got "${problems}"`);
    const limit = parseLimit(q, 100, MAX_PODS_PAGE);
    const c = one(q, 'cursor');
    const after = c === undefined ? undefined : decodeCursor(c);
    const filters = namespace !== undefined ? { namespace } : undefined;
    const [vals, usage] = await Promise.all([
      latestValues(storage, {
        ...a,
        metrics: POD_METRICS,
        dropZero: INDICATORS,
        ...(filters ? { filters } : {}),
      }),
      containerUsage(storage, a),
    ]);
    const perPod = usageBy(usage.rows, 'pod');
    const all = [...assemblePods(vals.rows).values()]
      .filter((p) => (node === undefined || p.node === node) && (phase === undefined || p.phase === phase))
      .filter((p) => problems !== 'true' || inTrouble(p))
      .filter(
        (p) =>
          after === undefined ||
          cmp(p.namespace, after[0]) > 0 ||
          (p.namespace === after[0] && cmp(p.name, after[1]) > 0),
      )
      .sort(byNsName);
    const page = all.slice(0, limit);
    return {
      ...asOf(a),
      pods: page.map((p) => podJson(p, a.at, perPod.get(key(p.namespace, p.name)) ?? NO_USAGE)),
      next: all.length > limit ? encodeCursor(page[page.length - 1]!) : null,
      truncated: vals.truncated || usage.truncated,
    };
  });

  app.get('/api/v1/k8s/pods/:namespace/:name', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const a = parseAt(q, ctx.now());
    const { namespace, name } = req.params as { namespace: string; name: string };
    for (const [k, v] of [
      ['namespace', namespace],
      ['name', name],
    ] as const)
      if (v === '' || v.length > MAX_NAME) throw new BadRequest(k, `expected 1..${MAX_NAME} characters`);
    const [vals, usage] = await Promise.all([
      latestValues(storage, {
        ...a,
        metrics: POD_DETAIL_METRICS,
        dropZero: INDICATORS,
        filters: { namespace, pod: name },
      }),
      containerUsage(storage, a),
    ]);
    const p = assemblePods(vals.rows).get(key(namespace, name));
    if (!p) throw new HttpError(404, 'not_found', `pod ${namespace}/${name} not found at ${a.at}`);
    const mine = usage.rows.filter((u) => u.namespace === namespace && u.pod === name);
    const podUsage = usageBy(mine, 'pod').get(key(namespace, name)) ?? NO_USAGE;
    const perContainer = new Map<string, Usage>();
    for (const u of mine) addUsage(perContainer, u.container, u);
    return {
      ...asOf(a),
      pod: {
        ...podJson(p, a.at, podUsage),
        containerList: [...p.containers.entries()]
          .sort(([x], [y]) => cmp(x, y))
          .map(([cname, c]) => ({
            name: cname,
            image: c.image ?? '',
            ready: c.ready,
            restarts: c.restarts,
            state:
              c.waiting !== undefined ? 'waiting' : c.terminated !== undefined ? 'terminated' : 'running',
            reason: c.waiting ?? c.terminated ?? '',
            requests: c.requests,
            limits: c.limits,
            ...(perContainer.get(cname) ?? NO_USAGE),
          })),
      },
      truncated: vals.truncated || usage.truncated,
    };
  });

  app.get('/api/v1/k8s/nodes', async (req: FastifyRequest) => {
    const a = parseAt(req.query as Query, ctx.now());
    const [nodeVals, podVals, usage] = await Promise.all([
      latestValues(storage, { ...a, metrics: NODE_METRICS, dropZero: INDICATORS }),
      latestValues(storage, {
        ...a,
        metrics: ['kube_pod_info', 'kube_pod_status_phase'],
        dropZero: INDICATORS,
      }),
      containerUsage(storage, a),
    ]);
    const perNode = usageBy(usage.rows, 'node');
    const podCount = new Map<string, number>();
    for (const p of assemblePods(podVals.rows).values())
      if (p.node !== '' && !terminated(p)) podCount.set(p.node, (podCount.get(p.node) ?? 0) + 1);
    const nodes = [...assembleNodes(nodeVals.rows).values()].sort((x, y) => cmp(x.name, y.name));
    return {
      ...asOf(a),
      nodes: nodes.map((n) => ({
        ...n,
        pods: podCount.get(n.name) ?? 0,
        ...(perNode.get(n.name) ?? NO_USAGE),
      })),
      truncated: nodeVals.truncated || podVals.truncated || usage.truncated,
    };
  });

  app.get('/api/v1/k8s/workloads', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const a = parseAt(q, ctx.now());
    const namespace = nameParam(q, 'namespace');
    const vals = await latestValues(storage, {
      ...a,
      metrics: WORKLOAD_METRICS,
      ...(namespace !== undefined ? { filters: { namespace } } : {}),
    });
    return { ...asOf(a), workloads: assembleWorkloads(vals.rows), truncated: vals.truncated };
  });

  app.get('/api/v1/k8s/namespaces', async (req: FastifyRequest) => {
    const a = parseAt(req.query as Query, ctx.now());
    const [nsVals, podVals] = await Promise.all([
      latestValues(storage, { ...a, metrics: ['kube_namespace_status_phase'] }),
      latestValues(storage, {
        ...a,
        metrics: ['kube_pod_info', 'kube_pod_status_phase'],
        dropZero: INDICATORS,
      }),
    ]);
    const out = new Map<
      string,
      { name: string; phase: string; pods: Record<Phase, number> & { total: number } }
    >();
    const get = (name: string) => {
      let x = out.get(name);
      if (!x) {
        const pods = { total: 0, ...Object.fromEntries(PHASES.map((p) => [p, 0])) } as Record<
          Phase,
          number
        > & {
          total: number;
        };
        out.set(name, (x = { name, phase: 'Unknown', pods }));
      }
      return x;
    };
    for (const { labels: l, value } of nsVals.rows) {
      const ns = get(l['namespace'] ?? '');
      if (value === 1 && l['phase']) ns.phase = l['phase'];
    }
    for (const p of assemblePods(podVals.rows).values()) {
      const ns = get(p.namespace);
      ns.pods[p.phase] += 1;
      ns.pods.total += 1;
    }
    return {
      ...asOf(a),
      namespaces: [...out.values()].filter((n) => n.name !== '').sort((x, y) => cmp(x.name, y.name)),
      truncated: nsVals.truncated || podVals.truncated,
    };
  });

  app.get('/api/v1/k8s/events', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const namespace = nameParam(q, 'namespace');
    const kind = nameParam(q, 'kind');
    const name = nameParam(q, 'name');
    const reason = nameParam(q, 'reason');
    const type = one(q, 'type');
    if (type !== undefined && type !== 'Warning' && type !== 'Normal')
      throw new BadRequest('type', `expected Warning or Normal, got "${type}"`);
    const { startNs, endNs } = parseRange(q, ctx.now());
    const limit = parseLimit(q, 100);
    const events = await k8sEvents(storage, {
      start: startNs,
      end: endNs,
      limit: limit + 1,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(type !== undefined ? { type } : {}),
    });
    return {
      start: String(startNs),
      end: String(endNs),
      events: events.slice(0, limit).map((e) => ({ ...e, timeUnixNano: String(e.timeUnixNano) })),
      truncated: events.length > limit,
    };
  });

  // The overview answers the whole page in one request: headline numbers and what needs attention
  // (nodes not ready, pods in trouble, degraded workloads, the latest Warning events), from the
  // same reads the list views use. Five parallel requests queued behind each other on a small
  // machine (bench/RESULTS.md, the UI's API calls); one request shares every read.
  app.get('/api/v1/k8s/overview', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const a = parseAt(q, ctx.now());
    const limit = parseLimit(q, ATTENTION_DEFAULT, ATTENTION_MAX);
    const hourAgo = a.at > HOUR_NS ? a.at - HOUR_NS : 0n;
    const [vals, usage, warnings, latestWarnings] = await Promise.all([
      // Nodes, pods and workloads in one read (one scan instead of three; no workload metric is
      // an indicator, so dropZero leaves them as their own read would), split by family below.
      latestValues(storage, { ...a, metrics: OVERVIEW_METRICS, dropZero: INDICATORS }),
      containerUsage(storage, a),
      countK8sEvents(storage, { start: hourAgo, end: a.at, type: 'Warning' }),
      k8sEvents(storage, { start: hourAgo, end: a.at, type: 'Warning', limit: ATTENTION_EVENTS }),
    ]);
    const of = (family: ReadonlySet<string>) => vals.rows.filter((r) => family.has(r.metric));
    const nodes = [...assembleNodes(of(NODE_SET)).values()].sort((x, y) => cmp(x.name, y.name));
    const pods = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    const troubled: PodState[] = [];
    for (const p of assemblePods(of(POD_SET)).values()) {
      pods[p.phase] += 1;
      if (inTrouble(p)) troubled.push(p);
    }
    troubled.sort(byNsName);
    const perPod = usageBy(usage.rows, 'pod');
    const workloads = assembleWorkloads(of(WORKLOAD_SET));
    const degraded = workloads.filter((w) => !w.healthy);
    const notReady = nodes.filter((n) => !n.ready);
    const sum = (xs: (number | null | undefined)[]): number | null =>
      xs.some((x) => x !== null && x !== undefined) ? xs.reduce<number>((s, x) => s + (x ?? 0), 0) : null;
    return {
      ...asOf(a),
      nodes: {
        total: nodes.length,
        ready: nodes.length - notReady.length,
        notReady: notReady.length,
      },
      pods: { total: Object.values(pods).reduce((s, x) => s + x, 0), ...pods },
      workloads: {
        total: workloads.length,
        healthy: workloads.length - degraded.length,
        degraded: degraded.length,
      },
      warningEventsLastHour: warnings,
      cpu: {
        usedCores: sum(usage.rows.map((c) => c.cpuCores)),
        allocatableCores: sum(nodes.map((n) => n.allocatable.cpuCores)),
      },
      memory: {
        usedBytes: sum(usage.rows.map((c) => c.memoryBytes)),
        allocatableBytes: sum(nodes.map((n) => n.allocatable.memoryBytes)),
      },
      // Each list holds at most `limit` items (sorted by namespace and name); the counts above say
      // how many there are in all.
      attention: {
        nodes: notReady.slice(0, limit).map((n) => ({ name: n.name, conditions: n.conditions })),
        pods: troubled
          .slice(0, limit)
          .map((p) => podJson(p, a.at, perPod.get(key(p.namespace, p.name)) ?? NO_USAGE)),
        podsInTrouble: troubled.length,
        workloads: degraded.slice(0, limit),
        warningEvents: latestWarnings.map((e) => ({ ...e, timeUnixNano: String(e.timeUnixNano) })),
      },
      truncated: vals.truncated || usage.truncated,
    };
  });
}
