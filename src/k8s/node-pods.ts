// The pods of one node, by uid, with what log collection needs from them: annotations (opt-out,
// multi-line overrides), labels and the workload that owns the pod. A view on the shared pod table
// filtered to /api/v1/pods?fieldSelector=spec.nodeName=<node>, so an agent holds its own node's
// pods only — its memory does not grow with the cluster.
//
// Contracts:
// - byUid() never waits; before the first list it knows nothing (callers look again later).
// - A deleted pod stays known for `keepDeletedMs` (default 5 min): its last lines are often read
//   after the API server forgot it.
// - Workloads: see workloadsOf in pod-info.ts.
import type { KubeClient } from './client.ts';
import { acquirePodTable, type PodTableLease } from './pod-table.ts';
import type { PodInfo } from './pod-info.ts';

/** What log collection reads of a pod. */
export type PodMeta = Pick<
  PodInfo,
  'uid' | 'namespace' | 'name' | 'nodeName' | 'labels' | 'annotations' | 'workloads'
>;

export interface NodePodsOptions {
  client: KubeClient;
  nodeName: string;
  keepDeletedMs?: number;
  onError?(err: unknown, where: string): void;
}

/**
 * This node's pods by uid: a view on the process's shared pod table (pod-table.ts) for this node,
 * so the filelog receiver and the k8sattributes processor of one agent hold one watch and one
 * copy of the node's pods.
 */
export class NodePods {
  private readonly o: NodePodsOptions;
  private lease: PodTableLease | undefined;

  constructor(o: NodePodsOptions) {
    this.o = o;
  }

  start(): void {
    this.lease ??= acquirePodTable({
      client: this.o.client,
      filter: { node: this.o.nodeName },
      keepDeletedMs: this.o.keepDeletedMs ?? 5 * 60 * 1000,
      ...(this.o.onError ? { onError: this.o.onError } : {}),
    });
  }

  async stop(): Promise<void> {
    const l = this.lease;
    this.lease = undefined;
    await l?.release();
  }

  get synced(): Promise<void> {
    return this.lease ? this.lease.table.synced : Promise.reject(new Error('NodePods not started'));
  }

  get size(): number {
    return this.lease?.table.size ?? 0;
  }

  byUid(uid: string): PodMeta | undefined {
    return this.lease?.table.lookup({ kind: 'uid', uid });
  }
}
