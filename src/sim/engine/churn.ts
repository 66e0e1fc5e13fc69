// Random changes at a Poisson rate (`churn` per second of simulated time): the things that happen
// to a busy cluster. Each change costs O(1) picks plus the affected controller's work, whatever
// the cluster size.
import type { Ctx, PodRec } from './model.ts';
import type { DeploymentCtl } from './deployment.ts';
import type { NodeCtl } from './nodes.ts';

export interface ChurnTargets {
  ctx: Ctx;
  /** Deployments users scale and roll out (not HPA-managed ones for scaling). */
  deployments: DeploymentCtl[];
  hpaManaged: Set<DeploymentCtl>;
  /** Worker nodes whose kubelet can restart. */
  nodes: NodeCtl[];
}

type Action = 'deletePod' | 'scale' | 'rollout' | 'crash' | 'oom' | 'evict' | 'nodeFlap';

const ACTIONS: [Action, number][] = [
  ['deletePod', 25],
  ['scale', 15],
  ['rollout', 5],
  ['crash', 40],
  ['oom', 10],
  ['evict', 5],
  ['nodeFlap', 1],
];
const TOTAL = ACTIONS.reduce((s, [, w]) => s + w, 0);

export class Churn {
  private readonly t: ChurnTargets;
  /** How many of each action ran (for tests and stats). */
  readonly counts: Record<Action, number> = {
    deletePod: 0,
    scale: 0,
    rollout: 0,
    crash: 0,
    oom: 0,
    evict: 0,
    nodeFlap: 0,
  };
  private readonly baseReplicas = new Map<DeploymentCtl, number>();

  constructor(targets: ChurnTargets) {
    this.t = targets;
    for (const d of targets.deployments) this.baseReplicas.set(d, d.replicas);
  }

  /** Starts the Poisson process on the agenda. */
  start(perSecond: number): void {
    if (perSecond <= 0) return;
    const sim = this.t.ctx.sim;
    const meanMs = 1000 / perSecond;
    const tick = () => {
      this.once();
      sim.after(sim.rng.exp(meanMs), tick);
    };
    sim.after(sim.rng.exp(meanMs), tick);
  }

  once(): Action | undefined {
    const rng = this.t.ctx.sim.rng;
    let r = rng.next() * TOTAL;
    let action: Action = 'crash';
    for (const [a, w] of ACTIONS) {
      if ((r -= w) < 0) {
        action = a;
        break;
      }
    }
    const done = this.run(action);
    if (done) this.counts[action]++;
    return done ? action : undefined;
  }

  private run(action: Action): boolean {
    const { ctx } = this.t;
    const rng = ctx.sim.rng;
    switch (action) {
      case 'deletePod': {
        const pod = this.pickPod((p) => p.phase === 'Running' && isReplaced(p));
        if (!pod) return false;
        if (pod.node) {
          for (const c of pod.containers) {
            ctx.events.normal(
              ctx.pods.involved(pod, `spec.containers{${c.name}}`),
              'Killing',
              `Stopping container ${c.name}`,
              { component: 'kubelet', host: pod.node.name },
            );
          }
        }
        ctx.pods.delete(pod);
        return true;
      }
      case 'scale': {
        const candidates = this.t.deployments.filter((d) => !this.t.hpaManaged.has(d));
        if (candidates.length === 0) return false;
        const d = rng.pick(candidates);
        const base = this.baseReplicas.get(d) ?? d.replicas;
        const delta = rng.pick([-2, -1, 1, 2]);
        const next = Math.max(Math.max(0, base - 2), Math.min(base + 3, d.replicas + delta));
        if (next === d.replicas) return false;
        d.scale(next);
        return true;
      }
      case 'rollout': {
        if (this.t.deployments.length === 0) return false;
        rng.pick(this.t.deployments).rollout();
        return true;
      }
      case 'crash':
      case 'oom': {
        const pod = this.pickPod(
          (p) =>
            p.phase === 'Running' &&
            p.owner.kind !== 'Job' &&
            p.containers.some((c) => c.state === 'running'),
        );
        if (!pod) return false;
        const c = pod.containers.find((k) => k.state === 'running');
        if (!c) return false;
        ctx.pods.crash(pod, c, action === 'oom' ? 137 : rng.pick([1, 2, 139, 143]));
        return true;
      }
      case 'nodeFlap': {
        const up = this.t.nodes.filter((n) => !n.isDown);
        if (up.length === 0) return false;
        rng.pick(up).flap(rng.int(5, 120) * 1000);
        return true;
      }
      case 'evict': {
        const pod = this.pickPod((p) => p.phase === 'Running' && p.owner.kind === 'ReplicaSet');
        if (!pod) return false;
        ctx.pods.evict(pod);
        return true;
      }
    }
  }

  /** A random live pod matching `ok` (a few random tries; no scan). */
  private pickPod(ok: (p: PodRec) => boolean): PodRec | undefined {
    const live = this.t.ctx.pods.live;
    if (live.length === 0) return undefined;
    for (let i = 0; i < 20; i++) {
      const p = this.t.ctx.sim.rng.pick(live);
      if (ok(p)) return p;
    }
    return undefined;
  }
}

function isReplaced(p: PodRec): boolean {
  return (
    p.owner.kind === 'ReplicaSet' ||
    p.owner.kind === 'DaemonSet' ||
    p.owner.kind === 'StatefulSet' ||
    p.owner.kind === 'ReplicationController'
  );
}
