// A checked view of the kubelet's Summary API (GET /stats/summary, stats/v1alpha1), the fields
// this receiver uses. The JSON comes from the network, so nothing is trusted:
//   - the parser never throws: a wrong-typed field reads as absent, a pod without a podRef
//     name/namespace, a container or volume without a name, is skipped;
//   - numbers are kept only when finite and non-negative (the API's uint64 fields); a value
//     above 2^53 is rounded like Go's float64(uint64) would round it;
//   - times are RFC 3339 strings, kept as epoch milliseconds when they parse;
//   - lists are capped (MAX_PODS, MAX_ITEMS per pod) so a hostile answer cannot make the work or
//     the output unbounded (the HTTP client already caps the body size).
// Field names follow k8s.io/kubelet/pkg/apis/stats/v1alpha1 (JSON tags): note the pod's
// "ephemeral-storage" and "volume" (singular) keys.

/** A kubelet runs at most a few hundred pods (default max-pods 110); beyond this is not a kubelet. */
export const MAX_PODS = 5000;
/** Containers or volumes per pod. */
export const MAX_ITEMS = 500;

export interface CpuStats {
  timeMs?: number;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  timeMs?: number;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface FsStats {
  timeMs?: number;
  availableBytes?: number;
  capacityBytes?: number;
  usedBytes?: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface InterfaceStats {
  name: string;
  rxBytes?: number;
  rxErrors?: number;
  txBytes?: number;
  txErrors?: number;
}

export interface NetworkStats {
  timeMs?: number;
  /** The default interface (the kubelet inlines it at the top of NetworkStats). */
  default?: InterfaceStats;
}

export interface VolumeStats extends FsStats {
  name: string;
  pvcRef?: { name: string; namespace: string };
  /** volumeHealthStats.abnormal, when the CSI driver reports volume health. */
  abnormal?: boolean;
}

export interface ContainerStats {
  name: string;
  startTimeMs?: number;
  cpu?: CpuStats;
  memory?: MemoryStats;
  rootfs?: FsStats;
  logs?: FsStats;
}

export interface PodStats {
  name: string;
  namespace: string;
  uid: string;
  startTimeMs?: number;
  containers: ContainerStats[];
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
  volumes: VolumeStats[];
  ephemeralStorage?: FsStats;
}

export interface NodeStats {
  nodeName: string;
  startTimeMs?: number;
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
  fs?: FsStats;
}

export interface Summary {
  node: NodeStats;
  pods: PodStats[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown, max: number): unknown[] {
  return Array.isArray(v) ? (v.length > max ? v.slice(0, max) : v) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function timeMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined;
  const t = Date.parse(v);
  // Go's zero time ("0001-01-01T00:00:00Z") means "unset".
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** Copies the listed numeric fields that are valid; undefined when the object is absent. */
function pick<T extends object>(v: unknown, keys: readonly (keyof T & string)[]): T | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, number> = {};
  const t = timeMs(o.time);
  if (t !== undefined) out.timeMs = t;
  for (const k of keys) {
    const n = num(o[k]);
    if (n !== undefined) out[k] = n;
  }
  return out as T;
}

const CPU_KEYS = ['usageNanoCores', 'usageCoreNanoSeconds'] as const;
const MEMORY_KEYS = [
  'availableBytes',
  'usageBytes',
  'workingSetBytes',
  'rssBytes',
  'pageFaults',
  'majorPageFaults',
] as const;
const FS_KEYS = [
  'availableBytes',
  'capacityBytes',
  'usedBytes',
  'inodesFree',
  'inodes',
  'inodesUsed',
] as const;

const cpu = (v: unknown) => pick<CpuStats>(v, CPU_KEYS);
const memory = (v: unknown) => pick<MemoryStats>(v, MEMORY_KEYS);
const fs = (v: unknown) => pick<FsStats>(v, FS_KEYS);

function network(v: unknown): NetworkStats | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: NetworkStats = {};
  const t = timeMs(o.time);
  if (t !== undefined) out.timeMs = t;
  const name = str(o.name);
  if (name !== undefined) {
    const i: InterfaceStats = { name };
    for (const k of ['rxBytes', 'rxErrors', 'txBytes', 'txErrors'] as const) {
      const n = num(o[k]);
      if (n !== undefined) i[k] = n;
    }
    out.default = i;
  }
  return out;
}

function container(v: unknown): ContainerStats | undefined {
  const o = obj(v);
  const name = str(o?.name);
  if (!o || name === undefined) return undefined;
  const c: ContainerStats = { name };
  const st = timeMs(o.startTime);
  if (st !== undefined) c.startTimeMs = st;
  const cc = cpu(o.cpu);
  if (cc) c.cpu = cc;
  const m = memory(o.memory);
  if (m) c.memory = m;
  const r = fs(o.rootfs);
  if (r) c.rootfs = r;
  const l = fs(o.logs);
  if (l) c.logs = l;
  return c;
}

function volume(v: unknown): VolumeStats | undefined {
  const o = obj(v);
  const name = str(o?.name);
  if (!o || name === undefined) return undefined;
  const vol: VolumeStats = { ...fs(o)!, name };
  const ref = obj(o.pvcRef);
  const claim = str(ref?.name);
  const ns = str(ref?.namespace);
  if (claim !== undefined && ns !== undefined) vol.pvcRef = { name: claim, namespace: ns };
  const health = obj(o.volumeHealthStats);
  if (health && typeof health.abnormal === 'boolean') vol.abnormal = health.abnormal;
  return vol;
}

function pod(v: unknown): PodStats | undefined {
  const o = obj(v);
  const ref = obj(o?.podRef);
  const name = str(ref?.name);
  const namespace = str(ref?.namespace);
  if (!o || name === undefined || namespace === undefined) return undefined;
  const p: PodStats = {
    name,
    namespace,
    uid: str(ref?.uid) ?? '',
    containers: [],
    volumes: [],
  };
  const st = timeMs(o.startTime);
  if (st !== undefined) p.startTimeMs = st;
  for (const c of list(o.containers, MAX_ITEMS)) {
    const cs = container(c);
    if (cs) p.containers.push(cs);
  }
  for (const vol of list(o.volume, MAX_ITEMS)) {
    const vs = volume(vol);
    if (vs) p.volumes.push(vs);
  }
  const c = cpu(o.cpu);
  if (c) p.cpu = c;
  const m = memory(o.memory);
  if (m) p.memory = m;
  const n = network(o.network);
  if (n) p.network = n;
  const e = fs(o['ephemeral-storage']);
  if (e) p.ephemeralStorage = e;
  return p;
}

/**
 * The Summary's node and pods. Returns undefined only when the body is not a Summary at all (not
 * an object, or neither `node` nor `pods`): the caller reports that as an error. Never throws.
 */
export function parseSummary(body: unknown): Summary | undefined {
  const o = obj(body);
  if (!o) return undefined;
  const n = obj(o.node);
  if (!n && !Array.isArray(o.pods)) return undefined;
  const node: NodeStats = { nodeName: str(n?.nodeName) ?? '' };
  if (n) {
    const st = timeMs(n.startTime);
    if (st !== undefined) node.startTimeMs = st;
    const c = cpu(n.cpu);
    if (c) node.cpu = c;
    const m = memory(n.memory);
    if (m) node.memory = m;
    const net = network(n.network);
    if (net) node.network = net;
    const f = fs(n.fs);
    if (f) node.fs = f;
  }
  const pods: PodStats[] = [];
  for (const p of list(o.pods, MAX_PODS)) {
    const ps = pod(p);
    if (ps) pods.push(ps);
  }
  return { node, pods };
}
