// Deployment controller: one ReplicaSet per template revision (named by pod-template-hash),
// rolling updates with maxSurge/maxUnavailable 25%, scaling, revision history cleanup, and a
// status rolled up from the ReplicaSets' counters.
import type { KubeObject, ObjectMeta, OwnerReference } from '../types.ts';
import type { ContainerSpec } from './podspec.ts';
import { podRequests } from './podspec.ts';
import type { Ctx, PodTemplate } from './model.ts';
import { Conditions, controllerRef, omitZero } from './model.ts';
import { ReplicaSetCtl } from './replicaset.ts';
import { R } from './resources.ts';
import { safeHash } from './rand.ts';

export interface DeploymentDef {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  template: PodTemplate;
  replicas: number;
  createdAt: number;
  revisionHistoryLimit?: number;
}

export class DeploymentCtl {
  readonly ctx: Ctx;
  readonly namespace: string;
  readonly name: string;
  uid = '';
  private ref!: OwnerReference;
  replicas: number;
  template: PodTemplate;
  private generation = 1;
  private revision = 0;
  /** Oldest first; the last one is the current (new) ReplicaSet. */
  readonly rses: ReplicaSetCtl[] = [];
  private readonly conditions = new Conditions();
  private readonly historyLimit: number;
  /** Status listeners (PodDisruptionBudget, HPA) — called after each status flush. */
  readonly watchers: (() => void)[] = [];

  constructor(ctx: Ctx, def: DeploymentDef) {
    this.ctx = ctx;
    this.namespace = def.namespace;
    this.name = def.name;
    this.replicas = def.replicas;
    this.template = def.template;
    this.historyLimit = def.revisionHistoryLimit ?? 10;
    const stored = ctx.sim.create(R.deployments, {
      metadata: {
        name: def.name,
        namespace: def.namespace,
        labels: def.labels,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      spec: {
        replicas: def.replicas,
        selector: { matchLabels: selectorOf(def.template) },
        template: templateObject(def.template),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: this.historyLimit,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
  }

  get current(): ReplicaSetCtl {
    return this.rses[this.rses.length - 1] as ReplicaSetCtl;
  }

  populate(createdAt: number, readyFraction: number): void {
    const rs = this.newReplicaSet(this.replicas, createdAt);
    rs.populate(createdAt, readyFraction);
    this.conditions.set(
      'Available',
      'True',
      'MinimumReplicasAvailable',
      'Deployment has minimum availability.',
      createdAt + 60_000,
    );
    this.conditions.set(
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      `ReplicaSet "${rs.name}" has successfully progressed.`,
      createdAt + 60_000,
    );
    this.flushStatus();
  }

  /** Sets spec.replicas (kubectl scale / HPA) and scales the current ReplicaSet accordingly. */
  scale(n: number): void {
    if (n === this.replicas) return;
    this.replicas = n;
    this.bumpSpec((spec) => (spec.replicas = n));
    this.reconcile();
  }

  /** `kubectl rollout restart`: a new template revision, rolled out gradually. */
  rollout(): void {
    const sim = this.ctx.sim;
    const annotations = {
      ...(this.template.annotations ?? {}),
      'kubectl.kubernetes.io/restartedAt': sim.ts(),
    };
    const template = { ...this.template, annotations };
    // An unchanged template (restarted twice within a second) is not a new revision.
    if (JSON.stringify(template) === JSON.stringify(this.template)) return;
    this.bumpSpec((spec) => (spec.template = templateObject(template)));
    this.switchTemplate(template);
    this.reconcile();
  }

  /**
   * Adopts a spec changed through the API (kubectl scale, rollout restart, set image). The store
   * has already bumped metadata.generation; a template the engine cannot model (unknown quantity
   * spellings) is ignored rather than stopping the simulation.
   */
  observe(obj: KubeObject): void {
    const gen = obj.metadata.generation ?? 0;
    if (gen <= this.generation) return;
    this.generation = gen;
    const spec = obj.spec as {
      replicas?: unknown;
      template?: { metadata?: ObjectMeta; spec?: Record<string, unknown> };
    };
    if (typeof spec.replicas === 'number' && Number.isInteger(spec.replicas) && spec.replicas >= 0) {
      this.replicas = spec.replicas;
    }
    const t = spec.template;
    if (t?.spec && JSON.stringify(t) !== JSON.stringify(templateObject(this.template))) {
      const next: PodTemplate = { labels: { ...(t.metadata?.labels ?? {}) }, spec: structuredClone(t.spec) };
      if (t.metadata?.annotations) next.annotations = { ...t.metadata.annotations };
      if (this.template.fate) next.fate = this.template.fate;
      try {
        podRequests((next.spec.containers as ContainerSpec[] | undefined) ?? []);
        this.switchTemplate(next);
      } catch {
        // keep running the previous template
      }
    }
    this.reconcile();
  }

  /** Makes `template` current: a new ReplicaSet, or an older one with the same hash (rollback). */
  private switchTemplate(template: PodTemplate): void {
    const sim = this.ctx.sim;
    this.template = template;
    const hash = this.templateHash();
    const existing = this.rses.findIndex((rs) => rs.name === `${this.name}-${hash}`);
    if (existing >= 0) {
      const [rs] = this.rses.splice(existing, 1);
      this.rses.push(rs as ReplicaSetCtl);
    } else {
      this.newReplicaSet(0, sim.now);
    }
    this.conditions.set(
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `ReplicaSet "${this.current.name}" is progressing.`,
      sim.now,
    );
  }

  private bumpSpec(fn: (spec: Record<string, unknown>) => void): void {
    this.generation++;
    const generation = this.generation;
    this.ctx.sim.mutate(R.deployments, this.namespace, this.name, (o) => {
      fn(o.spec as Record<string, unknown>);
      o.metadata.generation = generation;
    });
  }

  private newReplicaSet(replicas: number, createdAt: number): ReplicaSetCtl {
    this.revision++;
    const hash = this.templateHash();
    const labels = { ...this.template.labels, 'pod-template-hash': hash };
    const rs = new ReplicaSetCtl(this.ctx, R.replicasets, {
      namespace: this.namespace,
      name: `${this.name}-${hash}`,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(this.replicas),
        'deployment.kubernetes.io/max-replicas': String(this.replicas + Math.ceil(this.replicas * 0.25)),
        'deployment.kubernetes.io/revision': String(this.revision),
      },
      template: { ...this.template, labels },
      replicas,
      owner: this.ref,
      createdAt,
    });
    rs.onChange = () => this.ctx.sim.markDirty(this, () => this.reconcile());
    this.rses.push(rs);
    if (this.revision > 1) {
      const revision = String(this.revision);
      this.ctx.sim.mutate(R.deployments, this.namespace, this.name, (o) => {
        (o.metadata.annotations ??= {})['deployment.kubernetes.io/revision'] = revision;
      });
    }
    return rs;
  }

  /** pod-template-hash: derived from the template (and the Deployment's uid, as collision salt). */
  private templateHash(): string {
    return safeHash(`${this.uid}/${JSON.stringify(this.template)}`, 10);
  }

  /**
   * One step of the rolling update (also plain scaling when there is no old ReplicaSet left):
   * scale the new ReplicaSet up within maxSurge, old ones down within maxUnavailable.
   */
  reconcile(): void {
    const desired = this.replicas;
    const cur = this.current;
    const olds = this.rses.slice(0, -1).filter((rs) => rs.desired > 0);
    if (olds.length === 0) {
      if (cur.desired !== desired) this.scaleRs(cur, desired);
    } else {
      const surge = Math.max(1, Math.ceil(desired * 0.25));
      const maxUnavailable = Math.floor(desired * 0.25);
      const total = this.rses.reduce((s, rs) => s + rs.desired, 0);
      if (cur.desired < desired && total < desired + surge) {
        this.scaleRs(cur, Math.min(desired, cur.desired + desired + surge - total));
      }
      let available = 0;
      for (const rs of this.rses) available += rs.counts().available;
      let removable = available - (desired - maxUnavailable);
      for (const old of olds) {
        // Unavailable old pods can always go; available ones only within maxUnavailable.
        const oc = old.counts();
        const unhealthy = Math.max(0, old.desired - oc.available);
        const n = Math.min(old.desired, unhealthy + Math.max(0, removable));
        if (n <= 0) continue;
        removable -= Math.max(0, n - unhealthy);
        this.scaleRs(old, old.desired - n);
      }
      if (cur.desired > desired) this.scaleRs(cur, desired);
    }
    this.cleanupHistory();
    this.ctx.sim.markDirty(`${this.uid}/status`, () => this.flushStatus());
  }

  private scaleRs(rs: ReplicaSetCtl, n: number): void {
    const from = rs.desired;
    if (from === n) return;
    rs.scale(n, {
      'deployment.kubernetes.io/desired-replicas': String(this.replicas),
      'deployment.kubernetes.io/max-replicas': String(
        this.replicas + Math.max(1, Math.ceil(this.replicas * 0.25)),
      ),
    });
    this.ctx.events.normal(
      this.involved(),
      'ScalingReplicaSet',
      `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.name} from ${from} to ${n}`,
      { component: 'deployment-controller' },
    );
  }

  private cleanupHistory(): void {
    const olds = this.rses.slice(0, -1);
    let excess = olds.filter((rs) => rs.desired === 0 && rs.pods.size === 0).length - this.historyLimit;
    for (let i = 0; excess > 0 && i < this.rses.length - 1; i++) {
      const rs = this.rses[i] as ReplicaSetCtl;
      if (rs.desired !== 0 || rs.pods.size !== 0) continue;
      rs.destroy();
      this.rses.splice(i, 1);
      i--;
      excess--;
    }
  }

  flushStatus(): void {
    const sim = this.ctx.sim;
    let replicas = 0;
    let ready = 0;
    let available = 0;
    for (const rs of this.rses) {
      const c = rs.counts();
      replicas += c.replicas;
      ready += c.ready;
      available += c.available;
    }
    const cur = this.current;
    const updated = cur.counts().replicas;
    const maxUnavailable = Math.floor(this.replicas * 0.25);
    if (available >= this.replicas - maxUnavailable) {
      this.conditions.set(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        sim.now,
      );
    } else {
      this.conditions.set(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        sim.now,
      );
    }
    const done =
      updated === this.replicas && replicas === this.replicas && cur.counts().available === this.replicas;
    if (done) {
      this.conditions.set(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${cur.name}" has successfully progressed.`,
        sim.now,
      );
    } else {
      this.conditions.set(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${cur.name}" is progressing.`,
        sim.now,
      );
    }
    const status = omitZero(
      {
        observedGeneration: this.generation,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        unavailableReplicas: Math.max(0, this.replicas - available),
        conditions: this.conditions.render((ms) => sim.ts(ms), true),
      },
      ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
    );
    sim.mutateIfChanged(R.deployments, this.namespace, this.name, JSON.stringify(status), (o) => {
      o.status = status;
    });
    for (const w of this.watchers) w();
  }

  involved() {
    return {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
    };
  }
}

/** The labels a workload selects its pods by (everything except per-revision hashes). */
export function selectorOf(t: PodTemplate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.labels)) {
    if (k !== 'pod-template-hash' && k !== 'controller-revision-hash' && k !== 'pod-template-generation')
      out[k] = v;
  }
  return out;
}

export function templateObject(t: PodTemplate): Record<string, unknown> {
  const metadata: Record<string, unknown> = { labels: t.labels };
  if (t.annotations) metadata.annotations = t.annotations;
  return { metadata, spec: t.spec };
}
