// Job and CronJob controllers. A Job runs one pod at a time until it succeeds or its backoffLimit
// is exceeded (retries after 10 s doubling back-off); a CronJob creates Jobs at its schedule in
// simulated time, forbids overlap, and keeps 3 successful / 1 failed Job of history.
import type { OwnerReference } from '../types.ts';
import type { Ctx, PodOwner, PodRec, PodTemplate } from './model.ts';
import type { InitialState } from './pods.ts';
import type { NewObject } from './sim.ts';
import { Conditions, controllerRef } from './model.ts';
import { CronSchedule } from './cron.ts';
import { R } from './resources.ts';
import { SECOND } from './time.ts';
import { templateObject } from './deployment.ts';

export interface JobDef {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Container spec etc.; restartPolicy Never is forced. */
  template: PodTemplate;
  backoffLimit: number;
  /** Probability that one attempt fails. */
  failRate: number;
  /** How long one attempt runs, ms. */
  runMs: [number, number];
  owner?: OwnerReference;
  annotations?: Record<string, string>;
  /** Created already finished (populate history): attempts ran in the past. */
  initialAt?: number;
}

export class JobCtl implements PodOwner {
  readonly kind = 'Job';
  readonly ctx: Ctx;
  readonly def: JobDef;
  uid = '';
  private ref!: OwnerReference;
  private readonly template: PodTemplate;
  readonly pods = new Set<PodRec>();
  private succeeded = 0;
  private failed = 0;
  private active = 0;
  private readonly startTime: number;
  completionTime?: number;
  outcome?: 'Complete' | 'Failed';
  private readonly conditions = new Conditions();
  onFinished: (job: JobCtl) => void = () => {};

  constructor(ctx: Ctx, def: JobDef) {
    this.ctx = ctx;
    this.def = def;
    const sim = ctx.sim;
    this.startTime = def.initialAt ?? sim.now;
    const uid = sim.rng.uuid();
    const labels = {
      ...def.template.labels,
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': def.name,
      'controller-uid': uid,
      'job-name': def.name,
    };
    this.template = { ...def.template, labels, spec: { ...def.template.spec, restartPolicy: 'Never' } };
    const metadata: NewObject['metadata'] = {
      name: def.name,
      namespace: def.namespace,
      uid,
      labels: { ...def.labels, ...labels },
      creationTimestamp: sim.ts(this.startTime),
    };
    if (def.annotations) metadata.annotations = def.annotations;
    if (def.owner) metadata.ownerReferences = [def.owner];
    const stored = sim.create(R.jobs, {
      metadata,
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: def.backoffLimit,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
        manualSelector: false,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        template: templateObject(this.template),
      },
      status: {},
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
    if (def.initialAt !== undefined) this.runHistory(def.initialAt);
    else this.spawn();
  }

  ownerRef(): OwnerReference | undefined {
    return this.ref;
  }

  podTemplate(): PodTemplate {
    return this.template;
  }

  /** Replays a finished Job's attempts in the past (populate). */
  private runHistory(at: number): void {
    this.replaying = true;
    try {
      this.replayAttempts(at);
    } finally {
      this.replaying = false;
    }
  }

  /** True while populate replays past attempts: their pods' notifications are accounted here. */
  private replaying = false;

  private replayAttempts(at: number): void {
    const rng = this.ctx.sim.rng;
    let t = at;
    for (let attempt = 0; attempt <= this.def.backoffLimit; attempt++) {
      const runMs = rng.int(this.def.runMs[0], this.def.runMs[1]);
      const exitCode = rng.next() < this.def.failRate ? 1 : 0;
      const initial: InitialState = { createdAt: t, ready: false, finishedAt: t + runMs };
      const pod = this.spawn(initial, { kind: 'complete', runMs, exitCode });
      const finishedAt = t + runMs;
      if (pod.phase === 'Succeeded') {
        this.succeeded++;
        this.finish('Complete', finishedAt);
        return;
      }
      this.failed++;
      if (attempt === this.def.backoffLimit) this.finish('Failed', finishedAt);
      t = finishedAt + 10 * SECOND * 2 ** attempt;
    }
  }

  private spawn(initial?: InitialState, fate?: PodTemplate['fate']): PodRec {
    const rng = this.ctx.sim.rng;
    const runMs = rng.int(this.def.runMs[0], this.def.runMs[1]);
    const exitCode = rng.next() < this.def.failRate ? 1 : 0;
    this.template.fate = fate ?? { kind: 'complete', runMs, exitCode };
    const name = `${this.def.name}-${rng.suffix()}`;
    const pod = this.ctx.pods.create({
      owner: this,
      namespace: this.def.namespace,
      name,
      generateName: `${this.def.name}-`,
      ...(initial ? { initial } : {}),
    });
    this.pods.add(pod);
    if (!initial) {
      this.active++;
      this.ctx.events.normal(this.involved(), 'SuccessfulCreate', `Created pod: ${name}`, {
        component: 'job-controller',
      });
      this.ctx.sim.markDirty(this, () => this.flushStatus());
    }
    return pod;
  }

  podChanged(pod: PodRec): void {
    if (this.replaying) return;
    if (this.outcome || (pod.phase !== 'Succeeded' && pod.phase !== 'Failed')) {
      this.ctx.sim.markDirty(this, () => this.flushStatus());
      return;
    }
    this.active = Math.max(0, this.active - 1);
    if (pod.phase === 'Succeeded') {
      this.succeeded++;
      this.finish('Complete', this.ctx.sim.now);
      this.ctx.events.normal(this.involved(), 'Completed', 'Job completed', { component: 'job-controller' });
    } else {
      this.failed++;
      if (this.failed > this.def.backoffLimit) {
        this.finish('Failed', this.ctx.sim.now);
        this.ctx.events.warning(
          this.involved(),
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
          { component: 'job-controller' },
        );
      } else {
        const delay = 10 * SECOND * 2 ** (this.failed - 1);
        this.ctx.sim.after(delay, () => {
          if (!this.outcome && this.alive) this.spawn();
        });
      }
    }
    this.ctx.sim.markDirty(this, () => this.flushStatus());
  }

  podDeleted(pod: PodRec): void {
    this.pods.delete(pod);
    if (pod.phase === 'Pending' || pod.phase === 'Running') {
      this.active = Math.max(0, this.active - 1);
      if (!this.outcome && this.alive) this.ctx.sim.markDirty(`${this.uid}/replace`, () => this.spawn());
    }
  }

  alive = true;

  private finish(outcome: 'Complete' | 'Failed', at: number): void {
    this.outcome = outcome;
    this.completionTime = at;
    if (outcome === 'Complete') {
      this.conditions.set(
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
        at,
      );
      this.conditions.set(
        'Complete',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
        at,
      );
    } else {
      this.conditions.set(
        'FailureTarget',
        'True',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        at,
      );
      this.conditions.set(
        'Failed',
        'True',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        at,
      );
    }
    this.ctx.sim.markDirty(this, () => this.flushStatus());
    // Historic jobs (populate) are accounted by the CronJob directly; live ones notify it.
    if (this.def.initialAt === undefined)
      this.ctx.sim.markDirty(`${this.uid}/finished`, () => this.onFinished(this));
  }

  /** Deletes the Job and (cascading, like background propagation) its pods. */
  destroy(): void {
    this.alive = false;
    for (const p of [...this.pods]) this.ctx.pods.delete(p);
    this.ctx.sim.remove(R.jobs, this.def.namespace, this.def.name);
  }

  flushStatus(): void {
    if (!this.alive) return;
    const sim = this.ctx.sim;
    let ready = 0;
    for (const p of this.pods) if (p.ready?.status === 'True') ready++;
    const status: Record<string, unknown> = {
      startTime: sim.ts(this.startTime),
      ready,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    if (this.active > 0) status.active = this.active;
    if (this.succeeded > 0) status.succeeded = this.succeeded;
    if (this.failed > 0) status.failed = this.failed;
    if (this.outcome) {
      status.conditions = this.conditions
        .render((ms) => sim.ts(ms), false)
        .map((c) => ({ ...c, lastProbeTime: c.lastTransitionTime }));
      if (this.outcome === 'Complete') status.completionTime = sim.ts(this.completionTime);
    }
    sim.mutate(R.jobs, this.def.namespace, this.def.name, (o) => {
      o.status = status;
    });
  }

  involved() {
    return {
      kind: 'Job',
      apiVersion: 'batch/v1',
      namespace: this.def.namespace,
      name: this.def.name,
      uid: this.uid,
    };
  }
}

export interface CronJobDef {
  namespace: string;
  name: string;
  schedule: string;
  labels: Record<string, string>;
  template: PodTemplate;
  failRate: number;
  runMs: [number, number];
  createdAt: number;
}

export class CronJobCtl {
  readonly ctx: Ctx;
  readonly def: CronJobDef;
  readonly cron: CronSchedule;
  uid = '';
  private ref!: OwnerReference;
  /** Jobs still existing, oldest first. */
  private readonly jobs: JobCtl[] = [];
  private lastScheduleTime?: number;
  private lastSuccessfulTime?: number;
  private readonly successfulHistory = 3;
  private readonly failedHistory = 1;

  constructor(ctx: Ctx, def: CronJobDef) {
    this.ctx = ctx;
    this.def = def;
    this.cron = new CronSchedule(def.schedule);
    const stored = ctx.sim.create(R.cronjobs, {
      metadata: {
        name: def.name,
        namespace: def.namespace,
        labels: def.labels,
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      spec: {
        schedule: def.schedule,
        concurrencyPolicy: 'Forbid',
        suspend: false,
        successfulJobsHistoryLimit: this.successfulHistory,
        failedJobsHistoryLimit: this.failedHistory,
        jobTemplate: {
          metadata: { labels: def.labels },
          spec: {
            backoffLimit: 2,
            template: templateObject({
              ...def.template,
              spec: { ...def.template.spec, restartPolicy: 'Never' },
            }),
          },
        },
      },
      status: {},
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
  }

  /** Creates the last few runs as finished Jobs, then schedules the next run. */
  populate(): void {
    const sim = this.ctx.sim;
    const times: number[] = [];
    let t = this.cron.previous(sim.now, 24 * 3600_000);
    while (t !== undefined && t > this.def.createdAt && times.length < this.successfulHistory) {
      times.unshift(t);
      t = this.cron.previous(t - 60_000, 24 * 3600_000);
    }
    for (const at of times) {
      // Runs whose duration would reach into the future are not replayed as finished.
      if (at + this.def.runMs[1] * 3 > sim.now) continue;
      const job = this.newJob(at, true);
      this.jobFinished(job, true);
    }
    this.scheduleNext();
    this.flushStatus();
  }

  private scheduleNext(): void {
    const sim = this.ctx.sim;
    const next = this.cron.next(sim.now);
    sim.after(next - sim.now, () => this.fire(next));
  }

  private fire(scheduled: number): void {
    const sim = this.ctx.sim;
    this.lastScheduleTime = scheduled;
    const running = this.jobs.find((j) => !j.outcome);
    if (running) {
      sim.markDirty(this, () => this.flushStatus());
      this.ctx.events.normal(
        this.involved(),
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
        { component: 'cronjob-controller' },
      );
    } else {
      const job = this.newJob(scheduled, false);
      this.ctx.events.normal(this.involved(), 'SuccessfulCreate', `Created job ${job.def.name}`, {
        component: 'cronjob-controller',
      });
    }
    this.scheduleNext();
    sim.markDirty(this, () => this.flushStatus());
  }

  private newJob(scheduled: number, historic: boolean): JobCtl {
    const job = new JobCtl(this.ctx, {
      namespace: this.def.namespace,
      name: `${this.def.name}-${Math.floor(scheduled / 60_000)}`,
      labels: this.def.labels,
      template: this.def.template,
      backoffLimit: 2,
      failRate: this.def.failRate,
      runMs: this.def.runMs,
      owner: this.ref,
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': this.ctx.sim.ts(scheduled) },
      ...(historic ? { initialAt: scheduled } : {}),
    });
    job.onFinished = (j) => this.jobFinished(j, false);
    this.jobs.push(job);
    this.lastScheduleTime = scheduled;
    return job;
  }

  private jobFinished(job: JobCtl, historic: boolean): void {
    if (job.outcome === 'Complete')
      this.lastSuccessfulTime = Math.max(this.lastSuccessfulTime ?? 0, job.completionTime ?? 0);
    if (!historic) {
      this.ctx.events.normal(
        this.involved(),
        'SawCompletedJob',
        `Saw completed job: ${job.def.name}, condition: ${job.outcome}`,
        { component: 'cronjob-controller' },
      );
    }
    this.trimHistory(historic);
    this.ctx.sim.markDirty(this, () => this.flushStatus());
  }

  private trimHistory(historic: boolean): void {
    for (const [outcome, limit] of [
      ['Complete', this.successfulHistory],
      ['Failed', this.failedHistory],
    ] as const) {
      const done = this.jobs.filter((j) => j.outcome === outcome);
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        j.destroy();
        this.jobs.splice(this.jobs.indexOf(j), 1);
        if (!historic)
          this.ctx.events.normal(this.involved(), 'SuccessfulDelete', `Deleted job ${j.def.name}`, {
            component: 'cronjob-controller',
          });
      }
    }
  }

  flushStatus(): void {
    const sim = this.ctx.sim;
    const active = this.jobs
      .filter((j) => !j.outcome)
      .map((j) => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: j.def.name,
        namespace: j.def.namespace,
        uid: j.uid,
        resourceVersion: undefined,
      }))
      .map(({ resourceVersion: _rv, ...ref }) => ref);
    const status: Record<string, unknown> = {};
    if (active.length > 0) status.active = active;
    if (this.lastScheduleTime !== undefined) status.lastScheduleTime = sim.ts(this.lastScheduleTime);
    if (this.lastSuccessfulTime !== undefined) status.lastSuccessfulTime = sim.ts(this.lastSuccessfulTime);
    sim.mutate(R.cronjobs, this.def.namespace, this.def.name, (o) => {
      o.status = status;
    });
  }

  involved() {
    return {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      namespace: this.def.namespace,
      name: this.def.name,
      uid: this.uid,
    };
  }
}
