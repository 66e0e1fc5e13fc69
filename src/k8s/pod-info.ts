// The lean form of a pod that enrichment keeps: identity, where it runs, its owners, its
// addresses and its containers. Built from a pod object once per change; immutable afterwards
// (a change builds a new PodInfo), so caches may key on the object's identity.
import type { KubeObject, OwnerReference } from './types.ts';

export interface Workload {
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | string;
  name: string;
}

/**
 * The workloads owning a pod, outermost last, from its controller reference without further API
 * calls: ReplicaSet `<deployment>-<pod-template-hash>` → also its Deployment; a Job named
 * `<cronjob>-<minutes>` (the CronJob controller's naming) → also its CronJob; StatefulSet,
 * DaemonSet, Job as owned.
 */
export function workloadsOf(
  owners: ReadonlyArray<{ kind?: string; name?: string; controller?: boolean }> | undefined,
  labels: Readonly<Record<string, string>>,
): Workload[] {
  const owner = owners?.find((o) => o.controller) ?? owners?.[0];
  if (typeof owner?.kind !== 'string' || typeof owner.name !== 'string' || !owner.kind || !owner.name)
    return [];
  const out: Workload[] = [{ kind: owner.kind, name: owner.name }];
  if (owner.kind === 'ReplicaSet') {
    const hash = labels['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`))
      out.push({ kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) });
  } else if (owner.kind === 'Job') {
    const m = /^(.+)-(\d{8,})$/.exec(owner.name);
    if (m) out.push({ kind: 'CronJob', name: m[1]! });
  }
  return out;
}

export interface ContainerInstance {
  /** The runtime's id without the `containerd://` / `docker://` / `cri-o://` prefix. */
  id: string;
  restartCount: number;
}

export interface ContainerInfo {
  name: string;
  /** The image as written in the pod spec. */
  image: string;
  /** `status.imageID` of the running container (a repo digest), when the kubelet reported one. */
  imageId: string | undefined;
  /** The current instance first, then the previous one (`lastState.terminated`). */
  instances: ContainerInstance[];
}

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string | undefined;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** The controller's own reference (with its uid), when the pod has one. */
  controller: { kind: string; name: string; uid: string } | undefined;
  /** Owning workloads, outermost last (ReplicaSet then Deployment; Job then CronJob). */
  workloads: Workload[];
  /** status.podIPs (status.podIP when the list is absent); empty for host-network pods. */
  ips: string[];
  hostNetwork: boolean;
  /** status.startTime (RFC 3339) once the kubelet accepted the pod. */
  startTime: string | undefined;
  /** spec.hostname, else the pod's name (what the pod's hostname is). */
  hostname: string;
  /** Init containers, then containers (names are unique across both). */
  containers: ContainerInfo[];
  /** False once the pod is terminating or finished: its IP may be handed to a new pod. */
  live: boolean;
}

/** `containerd://abc…` → `abc…`; an id without a scheme is returned as is. */
export function stripRuntimePrefix(containerId: string): string {
  const i = containerId.indexOf('://');
  return i < 0 ? containerId : containerId.slice(i + 3);
}

// The API server validates pods, but a transform runs on every object a watch delivers: anything
// unexpected is read as absent rather than thrown (a throw would stall the informer).
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strMap = (v: unknown): Record<string, string> => {
  const o = obj(v);
  for (const k in o)
    if (typeof o[k] !== 'string')
      return Object.fromEntries(Object.entries(o).filter(([, x]) => typeof x === 'string')) as Record<
        string,
        string
      >;
  return o as Record<string, string>;
};

function containersOf(spec: Record<string, unknown>, status: Record<string, unknown>): ContainerInfo[] {
  const statuses = new Map<string, Record<string, unknown>>();
  for (const raw of [...arr(status.initContainerStatuses), ...arr(status.containerStatuses)]) {
    const s = obj(raw);
    const name = str(s.name);
    if (name) statuses.set(name, s);
  }
  const out: ContainerInfo[] = [];
  for (const raw of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const c = obj(raw);
    const name = str(c.name);
    if (!name) continue;
    const s = statuses.get(name) ?? {};
    const instances: ContainerInstance[] = [];
    const restarts = typeof s.restartCount === 'number' ? s.restartCount : 0;
    const current = str(s.containerID);
    if (current) instances.push({ id: stripRuntimePrefix(current), restartCount: restarts });
    const last = str(obj(obj(s.lastState).terminated).containerID);
    if (last) instances.push({ id: stripRuntimePrefix(last), restartCount: Math.max(0, restarts - 1) });
    out.push({ name, image: str(c.image) ?? '', imageId: str(s.imageID) || undefined, instances });
  }
  return out;
}

export function podInfo(o: KubeObject): PodInfo {
  const md = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const labels = strMap(md.labels);
  const owners = arr<OwnerReference>(md.ownerReferences).filter((r) => r !== null && typeof r === 'object');
  const ctl = owners.find((r) => r.controller === true) ?? owners[0];
  const hostNetwork = spec.hostNetwork === true;
  const ips: string[] = [];
  if (!hostNetwork) {
    for (const p of arr(status.podIPs)) {
      const ip = str(obj(p).ip);
      if (ip) ips.push(ip);
    }
    const single = str(status.podIP);
    if (ips.length === 0 && single) ips.push(single);
  }
  const name = str(md.name) ?? '';
  const phase = str(status.phase);
  return {
    uid: str(md.uid) ?? '',
    namespace: str(md.namespace) ?? '',
    name,
    nodeName: str(spec.nodeName),
    labels,
    annotations: strMap(md.annotations),
    controller:
      ctl && typeof ctl.kind === 'string' && typeof ctl.name === 'string' && ctl.kind && ctl.name
        ? { kind: ctl.kind, name: ctl.name, uid: str(ctl.uid) ?? '' }
        : undefined,
    workloads: workloadsOf(owners, labels),
    ips,
    hostNetwork,
    startTime: str(status.startTime),
    hostname: str(spec.hostname) ?? name,
    containers: containersOf(spec, status),
    live: !md.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed',
  };
}

/** The container of a pod by runtime id (any instance) or by name; undefined when neither matches. */
export function findContainer(
  pod: PodInfo,
  by: { id?: string | undefined; name?: string | undefined },
): ContainerInfo | undefined {
  if (by.id) {
    const id = stripRuntimePrefix(by.id);
    for (const c of pod.containers) if (c.instances.some((i) => i.id === id)) return c;
  }
  if (by.name) return pod.containers.find((c) => c.name === by.name);
  return undefined;
}

/** Splits an image reference into name and tag (`latest` when it has none), as the Collector does. */
export function parseImage(image: string): { name: string; tag: string | undefined } {
  let ref = image;
  const at = ref.indexOf('@');
  const digestOnly = at >= 0;
  if (digestOnly) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: digestOnly ? undefined : 'latest' };
}
