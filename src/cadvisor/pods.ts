// Container → pod mapping from the kubelet's GET /pods (a v1 PodList), and the six labels the
// kubelet puts on every container_* series (pkg/kubelet/server/server.go,
// containerPrometheusLabelsFunc): container, id, image, name, namespace, pod.
//
// How the kubelet fills them, and how we do it without asking the container runtime:
//   id         the cgroup path ("/kubepods.slice/…/cri-containerd-<id>.scope"): the cgroup's path.
//   pod,       the runtime's io.kubernetes.pod.{name,namespace} labels for containers; for a pod's
//   namespace  own cgroup (no runtime labels) the pod found by its cgroup name: both from the PodList.
//   container  io.kubernetes.container.name: the status entry whose containerID is this cgroup's id.
//              Sandboxes have no such label under containerd (→ ""); CRI-O and cri-dockerd label
//              their infra container "POD".
//   image      the runtime's image reference for the container: the status entry's `image` (what
//              the runtime reported; the spec's image when the status has none). A sandbox runs the
//              pause image, which the PodList does not carry: `sandboxImage` (configurable).
//   name       the runtime's first alias: containerd → the 64-hex container id; CRI-O and Docker →
//              their container name k8s_<container>_<pod>_<namespace>_<uid>_<attempt>
//              (k8s_POD_… for the infra container).
// Cgroups that are neither a pod nor a container (/, kubepods, QoS slices, system services) carry
// only `id`.
//
// Which container cgroup is the sandbox: a pod's container cgroup whose id is in none of the pod's
// status entries (current or last-terminated instances). When several are unmatched (a container
// started after the pod list was read) the earliest-started one is taken as the sandbox; the
// others get pod and namespace but no container name until the list catches up (PodCache refreshes
// early when it sees unmatched ids).
import type { CgroupIdentity, ContainerRuntime } from './types.ts';

export interface PodInfo {
  uid: string;
  name: string;
  namespace: string;
}

export interface ContainerInfo {
  pod: PodInfo;
  /** the container's name in the pod spec */
  name: string;
  image: string;
  /** restartCount of this instance (the attempt number in CRI-O/Docker names) */
  attempt: number;
  runtime: ContainerRuntime;
}

/** The PodList, indexed. Built once per fetch; read-only afterwards. */
export interface PodIndex {
  readonly pods: ReadonlyMap<string, PodInfo>;
  /** bare container id (runtime prefix stripped, lower case) → container */
  readonly containers: ReadonlyMap<string, ContainerInfo>;
}

export const EMPTY_POD_INDEX: PodIndex = { pods: new Map(), containers: new Map() };

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** "containerd://<id>" → ["containerd", "<id>"]; undefined for an empty or prefix-less id. */
export function splitContainerId(statusId: string): [ContainerRuntime, string] | undefined {
  const sep = statusId.indexOf('://');
  if (sep <= 0) return undefined;
  const id = statusId.slice(sep + 3).toLowerCase();
  if (id === '') return undefined;
  const scheme = statusId.slice(0, sep);
  const runtime: ContainerRuntime =
    scheme === 'containerd'
      ? 'containerd'
      : scheme === 'cri-o'
        ? 'cri-o'
        : scheme === 'docker'
          ? 'docker'
          : 'unknown';
  return [runtime, id];
}

/**
 * Indexes a PodList (the kubelet's /pods answer, unvalidated JSON). Items and statuses that lack
 * what is needed are skipped; nothing here throws for content.
 */
export function indexPods(podList: unknown): PodIndex {
  const pods = new Map<string, PodInfo>();
  const containers = new Map<string, ContainerInfo>();
  for (const item of arr(rec(podList).items)) {
    const meta = rec(rec(item).metadata);
    const uid = str(meta.uid).toLowerCase();
    const name = str(meta.name);
    if (uid === '' || name === '') continue;
    const pod: PodInfo = { uid, name, namespace: str(meta.namespace) || 'default' };
    pods.set(uid, pod);
    const spec = rec(rec(item).spec);
    const specImage = new Map<string, string>();
    for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
      for (const c of arr(list)) specImage.set(str(rec(c).name), str(rec(c).image));
    }
    const status = rec(rec(item).status);
    for (const list of [
      status.initContainerStatuses,
      status.containerStatuses,
      status.ephemeralContainerStatuses,
    ]) {
      for (const raw of arr(list)) {
        const s = rec(raw);
        const cname = str(s.name);
        if (cname === '') continue;
        const image = str(s.image) || (specImage.get(cname) ?? '');
        const restarts = typeof s.restartCount === 'number' && s.restartCount >= 0 ? s.restartCount : 0;
        const current = splitContainerId(str(s.containerID));
        if (current) {
          containers.set(current[1], { pod, name: cname, image, attempt: restarts, runtime: current[0] });
        }
        // The previous instance's cgroup can outlive its exit by a moment.
        const previous = splitContainerId(str(rec(rec(s.lastState).terminated).containerID));
        if (previous && !containers.has(previous[1])) {
          containers.set(previous[1], {
            pod,
            name: cname,
            image,
            attempt: Math.max(0, restarts - 1),
            runtime: previous[0],
          });
        }
      }
    }
  }
  return { pods, containers };
}

/** The kubelet's base labels of one cgroup, in Prometheus' sorted order when rendered. */
export interface ContainerLabels {
  container: string;
  id: string;
  image: string;
  name: string;
  namespace: string;
  pod: string;
}

export interface LabelOptions {
  /** The pause image the runtime runs sandboxes with (not in the PodList). */
  sandboxImage: string;
}

/** A cgroup to label: its identity and when it started (to pick a pod's sandbox). */
export interface LabelInput {
  identity: CgroupIdentity;
  startTimeSeconds?: number;
}

/** What labelling found out about one cgroup. */
export interface Labelled {
  labels: ContainerLabels;
  /** sandbox: the pod's infra container (network is read for it); unmatched: a container the PodList does not know yet */
  role: 'machine' | 'pod' | 'container' | 'sandbox' | 'unmatched';
  pod?: PodInfo;
}

function runtimeName(
  runtime: ContainerRuntime,
  id: string,
  container: string,
  pod: PodInfo,
  attempt: number,
): string {
  if (runtime === 'cri-o' || runtime === 'docker') {
    return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
  }
  return id; // containerd (and unknown runtimes): the container id is the first alias
}

/**
 * Labels every cgroup of one collection. Pure: the same inputs give the same labels.
 * Returns one entry per input, in input order.
 */
export function labelCgroups(inputs: readonly LabelInput[], index: PodIndex, opts: LabelOptions): Labelled[] {
  const out: Labelled[] = new Array(inputs.length);
  // Unmatched container cgroups per known pod, to choose each pod's sandbox.
  const unmatched = new Map<string, number[]>();
  // The runtime of each pod's matched containers: a sandbox's when its cgroup name does not say
  // (the cgroupfs driver names containers by bare id).
  const podRuntime = new Map<string, ContainerRuntime>();
  for (let i = 0; i < inputs.length; i++) {
    const { identity } = inputs[i]!;
    const labels: ContainerLabels = {
      container: '',
      id: identity.path,
      image: '',
      name: '',
      namespace: '',
      pod: '',
    };
    const pod = identity.podUid ? index.pods.get(identity.podUid.toLowerCase()) : undefined;
    if (identity.kind === 'pod') {
      if (pod) {
        labels.pod = pod.name;
        labels.namespace = pod.namespace;
      }
      out[i] = { labels, role: 'pod', ...(pod && { pod }) };
      continue;
    }
    if (identity.kind !== 'container' || !identity.containerId) {
      out[i] = { labels, role: 'machine' };
      continue;
    }
    const id = identity.containerId.toLowerCase();
    const c = index.containers.get(id);
    if (c) {
      labels.container = c.name;
      labels.image = c.image;
      labels.pod = c.pod.name;
      labels.namespace = c.pod.namespace;
      const runtime = c.runtime !== 'unknown' ? c.runtime : (identity.runtime ?? 'unknown');
      labels.name = runtimeName(runtime, id, c.name, c.pod, c.attempt);
      if (runtime !== 'unknown') podRuntime.set(c.pod.uid, runtime);
      out[i] = { labels, role: 'container', pod: c.pod };
      continue;
    }
    // Not in the PodList: a sandbox, a container newer than the list, or a pod we do not know.
    labels.name =
      identity.runtime === 'containerd' || identity.runtime === 'unknown' || !identity.runtime ? id : '';
    if (pod) {
      labels.pod = pod.name;
      labels.namespace = pod.namespace;
      const list = unmatched.get(pod.uid);
      if (list) list.push(i);
      else unmatched.set(pod.uid, [i]);
    }
    out[i] = { labels, role: 'unmatched', ...(pod && { pod }) };
  }
  for (const list of unmatched.values()) {
    let best = list[0]!;
    for (const i of list) {
      const a = inputs[i]!.startTimeSeconds ?? Infinity;
      const b = inputs[best]!.startTimeSeconds ?? Infinity;
      if (a < b || (a === b && inputs[i]!.identity.path < inputs[best]!.identity.path)) best = i;
    }
    const sb = out[best]!;
    const pod = sb.pod!;
    const own = inputs[best]!.identity.runtime;
    const runtime = own && own !== 'unknown' ? own : (podRuntime.get(pod.uid) ?? 'unknown');
    sb.role = 'sandbox';
    sb.labels.image = opts.sandboxImage;
    if (runtime === 'cri-o' || runtime === 'docker') {
      sb.labels.container = 'POD';
      sb.labels.name = `k8s_POD_${pod.name}_${pod.namespace}_${pod.uid}_0`;
    }
  }
  return out;
}
