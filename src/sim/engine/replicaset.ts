// ReplicaSet and ReplicationController controllers: keep `replicas` non-terminal pods, replace
// deleted or evicted ones, and roll their status up from pod counters (no pod scans).
import type { KubeObject, OwnerReference } from '../types.ts';
import type { Ctx, PodOwner, PodRec, PodTemplate } from './model.ts';
import type { ResourceType } from './resources.ts';
import { controllerRef, omitZero } from './model.ts';
import { R } from './resources.ts';

export interface ReplicaSetDef {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** pod template: metadata.labels/annotations + spec */
  template: PodTemplate;
  replicas: number;
  owner?: OwnerReference;
  createdAt?: number;
}

export class ReplicaSetCtl implements PodOwner {
  readonly kind: string;
  readonly type: ResourceType;
  readonly ctx: Ctx;
  readonly namespace: string;
  readonly name: string;
  uid = '';
  readonly template: PodTemplate;
  desired: number;
  private generation = 1;
  readonly pods = new Set<PodRec>();
  /** Called when pod counts change (the owning Deployment re-evaluates its rollout). */
  onChange: () => void = () => {};
  private ref?: OwnerReference;
  private readonly component: string;

  constructor(ctx: Ctx, type: typeof R.replicasets | typeof R.replicationcontrollers, def: ReplicaSetDef) {
    this.ctx = ctx;
    this.type = type;
    this.kind = type.kind;
    this.namespace = def.namespace;
    this.name = def.name;
    this.template = def.template;
    this.desired = def.replicas;
    this.component = type === R.replicasets ? 'replicaset-controller' : 'replication-controller';
    const isRS = type === R.replicasets;
    const tmplObj = {
      metadata: {
        labels: def.template.labels,
        ...(def.template.annotations ? { annotations: def.template.annotations } : {}),
      },
      spec: def.template.spec,
    };
    const metadata: KubeObject['metadata'] = { name: def.name, namespace: def.namespace, labels: def.labels };
    if (def.annotations) metadata.annotations = def.annotations;
    if (def.owner) metadata.ownerReferences = [def.owner];
    if (def.createdAt !== undefined) metadata.creationTimestamp = ctx.sim.ts(def.createdAt);
    const stored = ctx.sim.create(type, {
      metadata,
      spec: isRS
        ? { replicas: def.replicas, selector: { matchLabels: def.template.labels }, template: tmplObj }
        : { replicas: def.replicas, selector: def.template.labels, template: tmplObj },
      status: { replicas: 0 },
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
  }

  ownerRef(): OwnerReference | undefined {
    return this.ref;
  }

  podTemplate(): PodTemplate {
    return this.template;
  }

  /** Pods that count as replicas: not terminal. */
  active(): PodRec[] {
    return [...this.pods].filter((p) => p.phase === 'Pending' || p.phase === 'Running');
  }

  counts(): { replicas: number; ready: number; available: number } {
    let replicas = 0;
    let ready = 0;
    for (const p of this.pods) {
      if (p.phase !== 'Pending' && p.phase !== 'Running') continue;
      replicas++;
      if (p.ready?.status === 'True') ready++;
    }
    return { replicas, ready, available: ready };
  }

  /** Creates the initial pods already running (populate). */
  populate(createdAt: number, readyFraction: number): void {
    for (let i = 0; i < this.desired; i++) {
      const at = createdAt + this.ctx.sim.rng.int(0, 3600) * 1000;
      this.spawn({
        createdAt: Math.min(at, this.ctx.sim.now - 60_000),
        ready: this.ctx.sim.rng.next() < readyFraction,
      });
    }
    this.flushStatus();
  }

  /** Sets spec.replicas (and, for a Deployment's ReplicaSet, its annotations in the same write). */
  scale(n: number, annotations?: Record<string, string>): void {
    if (n === this.desired) return;
    this.desired = n;
    this.generation++; // the store bumps metadata.generation on the spec change
    this.ctx.sim.mutate(this.type, this.namespace, this.name, (o) => {
      (o.spec as Record<string, unknown>).replicas = n;
      if (annotations) o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...annotations };
    });
    this.reconcile();
  }

  /** Creates or deletes pods until the active count matches `desired`. */
  reconcile(): void {
    const active = this.active();
    let n = active.length;
    while (n < this.desired) {
      this.spawn(undefined);
      n++;
    }
    if (n > this.desired) {
      // Like the controller's ranking: unscheduled < pending < not ready < ready, newest first.
      const rank = (p: PodRec) =>
        !p.node ? 0 : p.phase === 'Pending' ? 1 : p.ready?.status !== 'True' ? 2 : 3;
      active.sort((a, b) => rank(a) - rank(b) || b.createdAt - a.createdAt);
      for (const p of active.slice(0, n - this.desired)) {
        this.ctx.pods.delete(p);
        this.ctx.events.normal(this.involved(), 'SuccessfulDelete', `Deleted pod: ${p.name}`, {
          component: this.component,
        });
      }
    }
    this.markDirty();
  }

  private spawn(initial: { createdAt: number; ready: boolean } | undefined): void {
    const name = `${this.name}-${this.ctx.sim.rng.suffix()}`;
    const pod = this.ctx.pods.create({
      owner: this,
      namespace: this.namespace,
      name,
      generateName: `${this.name}-`,
      ...(initial ? { initial } : {}),
    });
    this.pods.add(pod);
    if (!initial) {
      this.ctx.events.normal(this.involved(), 'SuccessfulCreate', `Created pod: ${name}`, {
        component: this.component,
      });
    }
  }

  podChanged(pod: PodRec): void {
    if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
      // An evicted pod no longer counts: create a replacement (the failed one stays until GC).
      this.ctx.sim.markDirty(`${this.uid}/reconcile`, () => this.reconcile());
    }
    this.markDirty();
  }

  podDeleted(pod: PodRec): void {
    this.pods.delete(pod);
    this.ctx.sim.markDirty(`${this.uid}/reconcile`, () => this.reconcile());
    this.markDirty();
  }

  /** Deletes the ReplicaSet and its pods (revision history cleanup). */
  destroy(): void {
    for (const p of [...this.pods]) this.ctx.pods.delete(p);
    this.ctx.sim.remove(this.type, this.namespace, this.name);
  }

  private markDirty(): void {
    this.ctx.sim.markDirty(this, () => this.flushStatus());
    this.onChange();
  }

  flushStatus(): void {
    const c = this.counts();
    const status = omitZero(
      {
        replicas: c.replicas,
        fullyLabeledReplicas: c.replicas,
        readyReplicas: c.ready,
        availableReplicas: c.available,
        observedGeneration: this.generation,
      },
      ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
    );
    this.ctx.sim.mutateIfChanged(this.type, this.namespace, this.name, JSON.stringify(status), (o) => {
      o.status = status;
    });
  }

  involved() {
    return {
      kind: this.kind,
      apiVersion: this.type.apiVersion,
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
    };
  }
}
