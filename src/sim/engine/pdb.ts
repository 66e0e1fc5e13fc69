// PodDisruptionBudget status for a Deployment's pods, recomputed after each status roll-up of
// the Deployment (the disruption controller's currentHealthy/desiredHealthy/disruptionsAllowed).
import type { Ctx } from './model.ts';
import type { DeploymentCtl } from './deployment.ts';
import { Conditions } from './model.ts';
import { R } from './resources.ts';

export class PdbCtl {
  private readonly ctx: Ctx;
  private readonly deployment: DeploymentCtl;
  private readonly name: string;
  private readonly minAvailable: number;
  private readonly conditions = new Conditions();
  private last = '';

  constructor(ctx: Ctx, deployment: DeploymentCtl, minAvailable: number, createdAt: number) {
    this.ctx = ctx;
    this.deployment = deployment;
    this.name = `${deployment.name}-pdb`;
    this.minAvailable = minAvailable;
    ctx.sim.create(R.poddisruptionbudgets, {
      metadata: {
        name: this.name,
        namespace: deployment.namespace,
        creationTimestamp: ctx.sim.ts(createdAt),
      },
      spec: {
        minAvailable,
        selector: { matchLabels: { 'app.kubernetes.io/name': deployment.name } },
        unhealthyPodEvictionPolicy: 'IfHealthyBudget',
      },
      status: {},
    });
    deployment.watchers.push(() => this.ctx.sim.markDirty(this, () => this.flush()));
  }

  flush(): void {
    const sim = this.ctx.sim;
    let healthy = 0;
    let expected = 0;
    for (const rs of this.deployment.rses) {
      const c = rs.counts();
      healthy += c.ready;
      expected += c.replicas;
    }
    const allowed = Math.max(0, healthy - this.minAvailable);
    const key = `${healthy}/${expected}/${allowed}`;
    if (key === this.last) return;
    this.last = key;
    if (allowed > 0) this.conditions.set('DisruptionAllowed', 'True', 'SufficientPods', '', sim.now);
    else this.conditions.set('DisruptionAllowed', 'False', 'InsufficientPods', '', sim.now);
    const conditions = this.conditions
      .render((ms) => sim.ts(ms), false)
      .map((c) => ({ ...c, observedGeneration: 1 }));
    sim.mutate(R.poddisruptionbudgets, this.deployment.namespace, this.name, (o) => {
      o.status = {
        observedGeneration: 1,
        disruptionsAllowed: allowed,
        currentHealthy: healthy,
        desiredHealthy: this.minAvailable,
        expectedPods: expected,
        conditions,
      };
    });
  }
}
