// The pods of one node, by uid, with what log collection needs from them: annotations (opt-out,
// multi-line overrides), labels and the workload that owns the pod. An informer on
// /api/v1/pods?fieldSelector=spec.nodeName=<node>, so an agent holds its own node's pods only —
// its memory does not grow with the cluster.
//
// Contracts:
// - byUid() never waits; before the first list it knows nothing (callers look again later).
// - A deleted pod stays known for `keepDeletedMs` (default 5 min): its last lines are often read
//   after the API server forgot it.
// - The workload is derived from the controller owner reference without further API calls:
//   ReplicaSet `<deployment>-<pod-template-hash>` → Deployment; a Job named `<cronjob>-<minutes>`
//   (the CronJob controller's naming) → also its CronJob; StatefulSet, DaemonSet, Job as owned.
import type { KubeClient } from './client.ts';
import { createInformer, type Informer } from './informer.ts';
import type { KubeObject } from './types.ts';

export interface Workload {
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | string;
  name: string;
}

export interface PodMeta {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string | undefined;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Owning workloads, outermost last (ReplicaSet then Deployment; Job then CronJob). */
  workloads: Workload[];
}

interface OwnerRef {
  kind?: string;
  name?: string;
  controller?: boolean;
}

/** The workloads owning a pod (see the file comment). */
export function workloadsOf(
  owners: readonly OwnerRef[] | undefined,
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

export function podMeta(o: KubeObject): PodMeta {
  const md = o.metadata as KubeObject['metadata'] & {
    uid?: string;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerRef[];
  };
  const labels = md.labels ?? {};
  return {
    uid: md.uid ?? '',
    namespace: md.namespace ?? '',
    name: md.name,
    nodeName: (o.spec as { nodeName?: string } | undefined)?.nodeName,
    labels,
    annotations: md.annotations ?? {},
    workloads: workloadsOf(md.ownerReferences, labels),
  };
}

export interface NodePodsOptions {
  client: KubeClient;
  nodeName: string;
  keepDeletedMs?: number;
  onError?(err: unknown, where: string): void;
  now?: () => number;
}

export class NodePods {
  private readonly informer: Informer<PodMeta>;
  private readonly byUidMap = new Map<string, PodMeta>();
  /** uid → when it was deleted. */
  private readonly deleted = new Map<string, number>();
  private readonly keepDeletedMs: number;
  private readonly now: () => number;

  constructor(o: NodePodsOptions) {
    this.keepDeletedMs = o.keepDeletedMs ?? 5 * 60 * 1000;
    this.now = o.now ?? Date.now;
    this.informer = createInformer<PodMeta>({
      client: o.client,
      path: '/api/v1/pods',
      name: 'pods',
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      transform: podMeta,
      onAdd: (p) => this.put(p),
      onUpdate: (_, p) => this.put(p),
      onDelete: (p) => this.deleted.set(p.uid, this.now()),
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get synced(): Promise<void> {
    return this.informer.synced;
  }

  get size(): number {
    return this.byUidMap.size;
  }

  byUid(uid: string): PodMeta | undefined {
    this.prune();
    return this.byUidMap.get(uid);
  }

  private put(p: PodMeta): void {
    if (!p.uid) return;
    this.byUidMap.set(p.uid, p);
    this.deleted.delete(p.uid);
  }

  private prune(): void {
    if (this.deleted.size === 0) return;
    const cutoff = this.now() - this.keepDeletedMs;
    for (const [uid, at] of this.deleted) {
      if (at > cutoff) break; // insertion order is deletion order
      this.deleted.delete(uid);
      this.byUidMap.delete(uid);
    }
  }
}
