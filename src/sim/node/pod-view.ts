// Typed reads of the Pod and Node fields this part uses. Objects come from other parts as untyped
// JSON, so every field is checked; missing ones fall back to what the API server would default.

import type { KubeObject } from '../types.ts';
import { normalizeQos, type QosClass } from './cgroup-tree.ts';
import type { ContainerResources } from './load-model.ts';
import { optionalQuantity } from './quantity.ts';

export interface ContainerStatusView {
  name: string;
  containerID?: string;
  restartCount: number;
  running: boolean;
  startedAt?: string;
  /** the container died of an OOM kill: state.terminated or lastState.terminated with reason OOMKilled */
  oomKilledId?: string | true;
  init: boolean;
}

export interface PodView {
  uid: string;
  name: string;
  namespace: string;
  nodeName?: string;
  phase: string;
  qos: QosClass;
  startTime?: string;
  resources: Map<string, ContainerResources>;
  /** names of spec.initContainers */
  initNames: Set<string>;
  statuses: ContainerStatusView[];
  volumes: string[];
  /** volume name → claim name, for spec.volumes[].persistentVolumeClaim (the Summary's pvcRef) */
  claims: Map<string, string>;
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function resourcesOf(c: Record<string, unknown>): ContainerResources {
  const r = rec(c.resources);
  const req = rec(r.requests);
  const lim = rec(r.limits);
  const cpuLimit = optionalQuantity(lim.cpu);
  const memoryLimit = optionalQuantity(lim.memory);
  // the API server defaults requests to limits when only limits are set
  return {
    cpuRequest: optionalQuantity(req.cpu) ?? cpuLimit ?? 0,
    cpuLimit,
    memoryRequest: optionalQuantity(req.memory) ?? memoryLimit ?? 0,
    memoryLimit,
  };
}

/** The QoS class from resources, for pods whose status has none yet. */
function computeQos(all: ContainerResources[]): QosClass {
  if (all.every((r) => r.cpuRequest === 0 && r.memoryRequest === 0 && !r.cpuLimit && !r.memoryLimit))
    return 'BestEffort';
  if (
    all.every(
      (r) =>
        r.cpuLimit !== undefined &&
        r.memoryLimit !== undefined &&
        r.cpuLimit === r.cpuRequest &&
        r.memoryLimit === r.memoryRequest,
    )
  ) {
    return 'Guaranteed';
  }
  return 'Burstable';
}

function statusOf(s: Record<string, unknown>, init: boolean): ContainerStatusView | undefined {
  const name = str(s.name);
  if (!name) return undefined;
  const state = rec(s.state);
  const running = state.running !== undefined && state.running !== null;
  let oomKilledId: string | true | undefined;
  for (const t of [rec(state.terminated), rec(rec(s.lastState).terminated)]) {
    if (t.reason === 'OOMKilled') oomKilledId = str(t.containerID) ?? true;
  }
  return {
    name,
    containerID: str(s.containerID),
    restartCount: typeof s.restartCount === 'number' ? s.restartCount : 0,
    running,
    startedAt: str(rec(state.running).startedAt),
    oomKilledId,
    init,
  };
}

export function podView(obj: KubeObject): PodView {
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const resources = new Map<string, ContainerResources>();
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const name = str(rec(c).name);
    if (name) resources.set(name, resourcesOf(rec(c)));
  }
  const appResources = arr(spec.containers).map((c) => resourcesOf(rec(c)));
  const initNames = new Set(
    arr(spec.initContainers)
      .map((c) => str(rec(c).name))
      .filter((n): n is string => n !== undefined),
  );
  const statuses: ContainerStatusView[] = [];
  for (const s of arr(status.initContainerStatuses)) {
    const v = statusOf(rec(s), true);
    if (v) statuses.push(v);
  }
  for (const s of arr(status.containerStatuses)) {
    const v = statusOf(rec(s), false);
    if (v) statuses.push(v);
  }
  const qos = status.qosClass !== undefined ? normalizeQos(status.qosClass) : computeQos(appResources);
  return {
    uid: obj.metadata.uid ?? '',
    name: obj.metadata.name,
    namespace: obj.metadata.namespace ?? 'default',
    nodeName: str(spec.nodeName),
    phase: str(status.phase) ?? 'Pending',
    qos,
    startTime: str(status.startTime),
    resources,
    initNames,
    statuses,
    volumes: arr(spec.volumes)
      .map((v) => str(rec(v).name))
      .filter((n): n is string => n !== undefined),
    claims: new Map(
      arr(spec.volumes).flatMap((v) => {
        const name = str(rec(v).name);
        const claim = str(rec(rec(v).persistentVolumeClaim).claimName);
        return name !== undefined && claim !== undefined ? [[name, claim] as const] : [];
      }),
    ),
  };
}

export interface NodeCapacity {
  cpu: number;
  memory: number;
  pods: number;
}

export function nodeCapacity(obj: KubeObject): NodeCapacity {
  const status = rec(obj.status);
  const capacity = rec(status.capacity);
  return {
    cpu: optionalQuantity(capacity.cpu) ?? 4,
    memory: optionalQuantity(capacity.memory) ?? 16 * 2 ** 30,
    pods: optionalQuantity(capacity.pods) ?? 110,
  };
}
