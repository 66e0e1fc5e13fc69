// DaemonSet controller: exactly one pod per eligible node (pinned with node affinity on
// metadata.name, as the real controller does), recreated when deleted or evicted.
import type { OwnerReference } from '../types.ts';
import type { Ctx, NodeRec, PodOwner, PodRec, PodTemplate } from './model.ts';
import { controllerRef } from './model.ts';
import { R } from './resources.ts';
import { safeHash } from './rand.ts';
import { selectorOf, templateObject } from './deployment.ts';

export interface DaemonSetDef {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  template: PodTemplate;
  createdAt: number;
}

export class DaemonSetCtl implements PodOwner {
  readonly kind = 'DaemonSet';
  readonly ctx: Ctx;
  readonly namespace: string;
  readonly name: string;
  uid = '';
  private ref!: OwnerReference;
  private readonly template: PodTemplate;
  private readonly hash: string;
  readonly byNode = new Map<NodeRec, PodRec>();
  private readonly nodes: NodeRec[] = [];

  constructor(ctx: Ctx, def: DaemonSetDef) {
    this.ctx = ctx;
    this.namespace = def.namespace;
    this.name = def.name;
    const stored = ctx.sim.create(R.daemonsets, {
      metadata: {
        name: def.name,
        namespace: def.namespace,
        labels: def.labels,
        annotations: { 'deprecated.daemonset.template.generation': '1' },
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      spec: {
        selector: { matchLabels: selectorOf(def.template) },
        template: templateObject(def.template),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
    this.hash = safeHash(`${this.uid}/${JSON.stringify(def.template)}`, 10);
    this.template = {
      ...def.template,
      labels: {
        ...def.template.labels,
        'controller-revision-hash': this.hash,
        'pod-template-generation': '1',
      },
    };
    ctx.sim.create(R.controllerrevisions, {
      metadata: {
        name: `${def.name}-${this.hash}`,
        namespace: def.namespace,
        labels: { ...selectorOf(def.template), 'controller-revision-hash': this.hash },
        annotations: { 'deprecated.daemonset.template.generation': '1' },
        ownerReferences: [this.ref],
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      data: { spec: { template: { ...templateObject(def.template), $patch: 'replace' } } },
      revision: 1,
    });
  }

  ownerRef(): OwnerReference | undefined {
    return this.ref;
  }

  podTemplate(p: { nodeName?: string }): PodTemplate {
    const spec = {
      ...this.template.spec,
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.nodeName] }] },
            ],
          },
        },
      },
      tolerations: [
        ...((this.template.spec.tolerations as unknown[]) ?? []),
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      ],
    };
    return { ...this.template, spec };
  }

  /** Adds a node to the daemon's set and starts its pod (initial: already running). */
  addNode(node: NodeRec, initialAt?: number): void {
    this.nodes.push(node);
    this.spawn(node, initialAt);
  }

  private spawn(node: NodeRec, initialAt?: number): void {
    const name = `${this.name}-${this.ctx.sim.rng.suffix()}`;
    const pod = this.ctx.pods.create({
      owner: this,
      namespace: this.namespace,
      name,
      generateName: `${this.name}-`,
      pinnedNode: node,
      ...(initialAt !== undefined ? { initial: { createdAt: initialAt, ready: true } } : {}),
    });
    this.byNode.set(node, pod);
    if (initialAt === undefined) {
      this.ctx.events.normal(this.involved(), 'SuccessfulCreate', `Created pod: ${name}`, {
        component: 'daemonset-controller',
      });
    }
    this.markDirty();
  }

  podChanged(pod: PodRec): void {
    if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
      const node = pod.pinnedNode;
      if (node && this.byNode.get(node) === pod) {
        // The failed pod is replaced; the controller deletes failed daemon pods itself.
        this.ctx.sim.markDirty(pod, () => {
          this.ctx.pods.delete(pod);
          this.ctx.events.warning(
            this.involved(),
            'FailedDaemonPod',
            `Found failed daemon pod ${pod.namespace}/${pod.name} on node ${node.name}, will try to kill it`,
            { component: 'daemonset-controller' },
          );
        });
      }
    }
    this.markDirty();
  }

  podDeleted(pod: PodRec): void {
    const node = pod.pinnedNode;
    if (node && this.byNode.get(node) === pod) {
      this.byNode.delete(node);
      this.ctx.sim.markDirty(`${this.uid}/${node.name}`, () => this.spawn(node));
    }
    this.markDirty();
  }

  private markDirty(): void {
    this.ctx.sim.markDirty(this, () => this.flushStatus());
  }

  flushStatus(): void {
    let current = 0;
    let ready = 0;
    for (const pod of this.byNode.values()) {
      if (pod.phase === 'Failed' || pod.phase === 'Succeeded') continue;
      if (pod.node) current++;
      if (pod.ready?.status === 'True') ready++;
    }
    const desired = this.nodes.length;
    const status: Record<string, unknown> = {
      currentNumberScheduled: current,
      desiredNumberScheduled: desired,
      numberAvailable: ready,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: 1,
      updatedNumberScheduled: current,
    };
    if (desired - ready > 0) status.numberUnavailable = desired - ready;
    if (ready === 0) delete status.numberAvailable;
    this.ctx.sim.mutateIfChanged(R.daemonsets, this.namespace, this.name, JSON.stringify(status), (o) => {
      o.status = status;
    });
  }

  involved() {
    return {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
    };
  }
}
