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
  if (!owner?.kind || !owner.name) return [];
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

interface ContainerStatus {
  name?: string;
  containerID?: string;
  imageID?: string;
  restartCount?: number;
  lastState?: { terminated?: { containerID?: string } };
}

interface PodSpecLike {
  nodeName?: string;
  hostname?: string;
  hostNetwork?: boolean;
  containers?: Array<{ name?: string; image?: string }>;
  initContainers?: Array<{ name?: string; image?: string }>;
}

interface PodStatusLike {
  phase?: string;
  podIP?: string;
  podIPs?: Array<{ ip?: string }>;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

/** `containerd://abc…` → `abc…`; an id without a scheme is returned as is. */
export function stripRuntimePrefix(containerId: string): string {
  const i = containerId.indexOf('://');
  return i < 0 ? containerId : containerId.slice(i + 3);
}

function containersOf(spec: PodSpecLike, status: PodStatusLike): ContainerInfo[] {
  const statuses = new Map<string, ContainerStatus>();
  for (const s of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])])
    if (s.name) statuses.set(s.name, s);
  const out: ContainerInfo[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (!c.name) continue;
    const s = statuses.get(c.name);
    const instances: ContainerInstance[] = [];
    const restarts = s?.restartCount ?? 0;
    if (s?.containerID) instances.push({ id: stripRuntimePrefix(s.containerID), restartCount: restarts });
    const last = s?.lastState?.terminated?.containerID;
    if (last) instances.push({ id: stripRuntimePrefix(last), restartCount: Math.max(0, restarts - 1) });
    out.push({ name: c.name, image: c.image ?? '', imageId: s?.imageID || undefined, instances });
  }
  return out;
}

export function podInfo(o: KubeObject): PodInfo {
  const md = o.metadata;
  const spec = (o.spec ?? {}) as PodSpecLike;
  const status = (o.status ?? {}) as PodStatusLike;
  const labels = md.labels ?? {};
  const owners = md.ownerReferences as OwnerReference[] | undefined;
  const ctl = owners?.find((r) => r.controller) ?? owners?.[0];
  const hostNetwork = spec.hostNetwork === true;
  const ips: string[] = [];
  if (!hostNetwork) {
    for (const p of status.podIPs ?? []) if (p.ip) ips.push(p.ip);
    if (ips.length === 0 && status.podIP) ips.push(status.podIP);
  }
  return {
    uid: md.uid ?? '',
    namespace: md.namespace ?? '',
    name: md.name,
    nodeName: spec.nodeName,
    labels,
    annotations: md.annotations ?? {},
    controller: ctl?.kind && ctl.name ? { kind: ctl.kind, name: ctl.name, uid: ctl.uid ?? '' } : undefined,
    workloads: workloadsOf(owners, labels),
    ips,
    hostNetwork,
    startTime: status.startTime,
    hostname: spec.hostname ?? md.name,
    containers: containersOf(spec, status),
    live: !md.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed',
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
