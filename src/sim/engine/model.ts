// The engine's in-memory model of what it manages. The store holds the API objects; these
// records hold what the controllers need to decide quickly (indexes, counters, fates) without
// scanning the store.
import type { KubeObject, OwnerReference } from '../types.ts';
import type { Sim } from './sim.ts';
import type { EventRecorder } from './events.ts';
import type { PodManager } from './pods.ts';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeRec {
  name: string;
  uid: string;
  index: number;
  controlPlane: boolean;
  internalIP: string;
  /** e.g. 10.244.3.0/24 */
  podCIDR: string;
  zone: string;
  taints: Taint[];
  cpuMilli: number;
  memBytes: number;
  maxPods: number;
  usedCpuMilli: number;
  usedMemBytes: number;
  podCount: number;
  /** Free host numbers in the pod CIDR (LIFO reuse keeps IPs stable-ish). */
  freeIps: number[];
  ipPrefix: string;
  pods: Set<PodRec>;
  /** Images pulled on this node (pods using them skip the pull). */
  images: Set<string>;
  rv?: string;
}

export type ContainerStateKind = 'waiting' | 'running' | 'terminated';

export interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
  message?: string;
}

export interface ContainerRec {
  name: string;
  image: string;
  imageID: string;
  containerID: string;
  state: ContainerStateKind;
  waitingReason?: string;
  waitingMessage?: string;
  startedAt?: number;
  terminated?: Terminated;
  last?: Terminated;
  ready: boolean;
  started: boolean;
  restartCount: number;
}

/** How a pod's containers behave over time, decided (seeded) when the pod is created. */
export type PodFate =
  | { kind: 'healthy' }
  /** Exits with exitCode after running runMs each time: CrashLoopBackOff. */
  | { kind: 'crashloop'; exitCode: number; runMs: number }
  /** Gets OOMKilled every now and then, otherwise fine. */
  | { kind: 'oom'; everyMs: number }
  /** Run-to-completion (job pods): ends after runMs with exitCode 0 (Succeeded) or not (Failed). */
  | { kind: 'complete'; runMs: number; exitCode: number };

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface Condition {
  status: 'True' | 'False';
  since: number;
  reason?: string;
  message?: string;
}

export interface PodRec {
  namespace: string;
  name: string;
  uid: string;
  owner: PodOwner;
  labels: Record<string, string>;
  createdAt: number;
  /** Bumped on every lifecycle transition; agenda entries carry the epoch they were made for. */
  epoch: number;
  alive: boolean;
  node?: NodeRec;
  /** The node a DaemonSet pod is pinned to. */
  pinnedNode?: NodeRec;
  ip?: string;
  hostNetwork: boolean;
  phase: PodPhase;
  reason?: string;
  message?: string;
  startTime?: number;
  scheduled?: Condition;
  readyToStart?: Condition;
  initialized?: Condition;
  containersReady?: Condition;
  ready?: Condition;
  containers: ContainerRec[];
  cpuMilli: number;
  memBytes: number;
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort';
  tolerations: { key?: string; operator?: string; value?: string; effect?: string }[];
  fate: PodFate;
  readinessDelayMs: number;
  /** Index in the engine's live-pod list (O(1) random picks and removal). */
  liveIndex: number;
  services: ServiceLink[];
  rv?: string;
  /** True once the pod has ever been Ready (for OOM/crash restarts of long-running pods). */
  crashCount: number;
}

/** What a service needs to know when one of its pods changes. */
export interface ServiceLink {
  podChanged(pod: PodRec): void;
  podGone(pod: PodRec): void;
}

/** A controller that owns pods (ReplicaSet, StatefulSet, DaemonSet, Job, ... or a Node for static pods). */
export interface PodOwner {
  readonly kind: string;
  /** The ownerReference pods carry, if any. */
  ownerRef(): OwnerReference | undefined;
  /** Readiness or phase of one of its pods changed. */
  podChanged(pod: PodRec): void;
  /** A pod was deleted (by the engine or through the API). */
  podDeleted(pod: PodRec): void;
  /** Pods of this owner get these into their spec (built once per template). */
  podTemplate(pod: { name: string; nodeName?: string }): PodTemplate;
}

/** What a controller provides for a new pod: the template plus how it should behave. */
export interface PodTemplate {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** A PodSpec without nodeName and the injected defaults. */
  spec: Record<string, unknown>;
  fate?: PodFate;
}

export function controllerRef(obj: KubeObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid as string,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** What every controller gets: the simulation context, the event recorder and the pod manager. */
export interface Ctx {
  sim: Sim;
  events: EventRecorder;
  pods: PodManager;
}

/** A status condition whose lastTransitionTime only moves when its status changes. */
export class Conditions {
  private readonly items = new Map<
    string,
    { status: string; reason: string; message: string; since: number; updated: number }
  >();

  set(type: string, status: 'True' | 'False', reason: string, message: string, now: number): void {
    const cur = this.items.get(type);
    if (cur && cur.status === status) {
      if (cur.reason !== reason || cur.message !== message) cur.updated = now;
      cur.reason = reason;
      cur.message = message;
      return;
    }
    this.items.set(type, { status, reason, message, since: now, updated: now });
  }

  /** Rendered with lastUpdateTime (workload style) or without (most other kinds). */
  render(toTs: (ms: number) => string, withUpdateTime: boolean): Record<string, unknown>[] {
    return [...this.items.entries()].map(([type, c]) => {
      const out: Record<string, unknown> = { type, status: c.status };
      if (withUpdateTime) out.lastUpdateTime = toTs(c.updated);
      out.lastTransitionTime = toTs(c.since);
      out.reason = c.reason;
      out.message = c.message;
      return out;
    });
  }
}

/** Drops zero/empty fields the API marks omitempty (status counters are the common case). */
export function omitZero(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  for (const k of keys) if (obj[k] === 0 || obj[k] === undefined) delete obj[k];
  return obj;
}
