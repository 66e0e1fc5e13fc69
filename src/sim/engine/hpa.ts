// HorizontalPodAutoscaler (autoscaling/v2) over a Deployment: every 15 s the CPU utilisation
// takes a seeded random walk and the controller computes desired = ceil(current * util / target)
// (10 % tolerance), scales up immediately (at most max(4, 2x) per step) and down only after the
// 5-minute stabilisation window, with SuccessfulRescale events.
import type { Ctx } from './model.ts';
import type { DeploymentCtl } from './deployment.ts';
import { Conditions } from './model.ts';
import { R } from './resources.ts';
import { MINUTE, SECOND } from './time.ts';

const SYNC_PERIOD = 15 * SECOND;
const DOWNSCALE_WINDOW = 5 * MINUTE;

export class HpaCtl {
  readonly ctx: Ctx;
  readonly deployment: DeploymentCtl;
  readonly name: string;
  private uid = '';
  private readonly min: number;
  private readonly max: number;
  private readonly target: number;
  /** Current average CPU utilisation in percent of requests. */
  utilization: number;
  private lastScaleTime?: number;
  /** Highest recommendation within the downscale window: [time, replicas]. */
  private recommendations: [number, number][] = [];
  private readonly conditions = new Conditions();
  private readonly cpuRequestMilli: number;

  constructor(
    ctx: Ctx,
    deployment: DeploymentCtl,
    min: number,
    max: number,
    target: number,
    cpuRequestMilli: number,
    createdAt: number,
  ) {
    this.ctx = ctx;
    this.deployment = deployment;
    this.name = deployment.name;
    this.min = min;
    this.max = max;
    this.target = target;
    this.cpuRequestMilli = cpuRequestMilli;
    this.utilization = target * ctx.sim.rng.range(0.6, 1.05);
    const stored = ctx.sim.create(R.horizontalpodautoscalers, {
      metadata: {
        name: this.name,
        namespace: deployment.namespace,
        creationTimestamp: ctx.sim.ts(createdAt),
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name },
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
          },
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [
              { type: 'Pods', value: 4, periodSeconds: 15 },
              { type: 'Percent', value: 100, periodSeconds: 15 },
            ],
          },
        },
      },
      status: { currentReplicas: deployment.replicas, desiredReplicas: deployment.replicas },
    });
    this.uid = stored.metadata.uid as string;
    const now = ctx.sim.now;
    this.conditions.set(
      'AbleToScale',
      'True',
      'ReadyForNewScale',
      'recommended size matches current size',
      now,
    );
    this.conditions.set(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
      now,
    );
    this.conditions.set(
      'ScalingLimited',
      'False',
      'DesiredWithinRange',
      'the desired count is within the acceptable range',
      now,
    );
    // The HPA has been running for a while: its window already holds the current size.
    this.recommendations.push([ctx.sim.now, deployment.replicas]);
    this.flush(deployment.replicas);
    ctx.sim.after(ctx.sim.rng.int(0, SYNC_PERIOD), () => this.sync());
  }

  private sync(): void {
    const sim = this.ctx.sim;
    // Mean-reverting random walk around the target.
    this.utilization = Math.max(
      3,
      this.utilization + sim.rng.range(-12, 12) + (this.target - this.utilization) * 0.1,
    );
    const current = this.deployment.replicas;
    const ratio = this.utilization / this.target;
    let desired = Math.abs(ratio - 1) <= 0.1 ? current : Math.ceil(current * ratio);
    desired = Math.min(desired, Math.max(current + 4, current * 2));
    const clamped = Math.max(this.min, Math.min(this.max, desired));
    this.conditions.set(
      'ScalingLimited',
      clamped !== desired ? 'True' : 'False',
      clamped !== desired
        ? desired > this.max
          ? 'TooManyReplicas'
          : 'TooFewReplicas'
        : 'DesiredWithinRange',
      clamped !== desired
        ? `the desired replica count is ${desired > this.max ? 'more than the maximum' : 'less than the minimum'} replica count`
        : 'the desired count is within the acceptable range',
      sim.now,
    );
    this.recommendations = this.recommendations.filter(([t]) => t > sim.now - DOWNSCALE_WINDOW);
    this.recommendations.push([sim.now, clamped]);
    let next = clamped;
    if (clamped < current) {
      next = Math.max(...this.recommendations.map(([, r]) => r));
      this.conditions.set(
        'AbleToScale',
        'True',
        'ScaleDownStabilized',
        'recent recommendations were higher than current one, applying the highest recent recommendation',
        sim.now,
      );
    } else {
      this.conditions.set(
        'AbleToScale',
        'True',
        'ReadyForNewScale',
        'recommended size matches current size',
        sim.now,
      );
    }
    next = Math.min(next, current > next ? current : next);
    if (next !== current) {
      const why = next > current ? 'above' : 'below';
      this.deployment.scale(next);
      this.lastScaleTime = sim.now;
      this.conditions.set(
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${next}`,
        sim.now,
      );
      this.ctx.events.normal(
        {
          kind: 'HorizontalPodAutoscaler',
          apiVersion: 'autoscaling/v2',
          namespace: this.deployment.namespace,
          name: this.name,
          uid: this.uid,
        },
        'SuccessfulRescale',
        `New size: ${next}; reason: cpu resource utilization (percentage of request) ${why} target`,
        { component: 'horizontal-pod-autoscaler' },
      );
    }
    this.flush(next);
    sim.after(SYNC_PERIOD, () => this.sync());
  }

  private flush(desired: number): void {
    const sim = this.ctx.sim;
    const util = Math.round(this.utilization);
    const avgMilli = Math.round((this.cpuRequestMilli * util) / 100);
    const status: Record<string, unknown> = {
      observedGeneration: 1,
      currentReplicas: this.deployment.replicas,
      desiredReplicas: desired,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: util, averageValue: `${avgMilli}m` } },
        },
      ],
      conditions: this.conditions.render((ms) => sim.ts(ms), false),
    };
    if (this.lastScaleTime !== undefined) status.lastScaleTime = sim.ts(this.lastScaleTime);
    sim.mutate(R.horizontalpodautoscalers, this.deployment.namespace, this.name, (o) => {
      o.status = status;
    });
  }
}
