// kube-state-metrics' Job families (internal/store/job.go).
// `kube_job_complete` / `kube_job_failed` put the condition's status in a label named
// "condition"; `kube_job_status_failed` breaks failures down by the known condition reasons.
import {
  annotationsFamily,
  arr,
  boolValue,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  ownerMetrics,
  setTimeSeconds,
  valueIfSet,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Job extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;

const FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'];
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

function spec(j: Job): Rec | undefined {
  return rec(j.spec);
}
function status(j: Job): Rec | undefined {
  return rec(j.status);
}
function conditionsOfType(j: Job, type: string): Rec[] {
  const out: Rec[] = [];
  for (const c of arr(status(j)?.conditions)) {
    const cond = rec(c);
    if (cond && cond.type === type) out.push(cond);
  }
  return out;
}

/** An optional (pointer) integer in spec: a series only when set. */
function specPointer(name: string, help: string, field: string): FamilyDef<Job> {
  return family(name, 'gauge', 'stable', help, (j) => {
    return valueIfSet(spec(j)?.[field]);
  });
}

/** A status counter: always one series, 0 when unset. */
function statusCount(
  name: string,
  help: string,
  field: string,
  stability: 'stable' | 'experimental' = 'stable',
) {
  return family<Job>(name, 'gauge', stability, help, (j) => [metric(num(status(j)?.[field]) ?? 0)]);
}

/** The condition triple of every condition of `type`, status in the "condition" label. */
function conditionFamily(name: string, help: string, type: string): FamilyDef<Job> {
  return family(name, 'gauge', 'stable', help, (j) =>
    conditionsOfType(j, type).flatMap((c) =>
      CONDITION_STATUSES.map((s) => metric(c.status === s ? 1 : 0, ['condition'], [s.toLowerCase()])),
    ),
  );
}

function failedMetrics(j: Job): Metric[] {
  const failed = num(status(j)?.failed) ?? 0;
  if (failed === 0) return [metric(0)];
  const out: Metric[] = [];
  let reasonKnown = false;
  for (const c of conditionsOfType(j, 'Failed')) {
    for (const reason of FAILURE_REASONS) {
      const match = c.reason === reason;
      reasonKnown ||= match;
      out.push(metric(boolValue(match), ['reason'], [reason]));
    }
  }
  if (!reasonKnown) out.push(metric(failed, ['reason'], ['']));
  return out;
}

function timeFamily(name: string, help: string, field: string): FamilyDef<Job> {
  return family(name, 'gauge', 'stable', help, (j) => {
    const t = setTimeSeconds(status(j)?.[field]);
    return t === undefined ? [] : [metric(t)];
  });
}

export const resource: ResourceDef<Job> = {
  resource: 'jobs',
  kind: 'Job',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'job_name'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_job_annotations'),
    labelsFamily('kube_job_labels'),
    family('kube_job_info', 'gauge', 'stable', 'Information about job.', () => [metric(1)]),
    createdFamily('kube_job_created'),
    specPointer(
      'kube_job_spec_parallelism',
      'The maximum desired number of pods the job should run at any given time.',
      'parallelism',
    ),
    specPointer(
      'kube_job_spec_completions',
      'The desired number of successfully finished pods the job should be run with.',
      'completions',
    ),
    specPointer(
      'kube_job_spec_active_deadline_seconds',
      'The duration in seconds relative to the startTime that the job may be active before the system tries to terminate it.',
      'activeDeadlineSeconds',
    ),
    statusCount(
      'kube_job_status_succeeded',
      'The number of pods which reached Phase Succeeded.',
      'succeeded',
    ),
    family(
      'kube_job_status_failed',
      'gauge',
      'stable',
      'The number of pods which reached Phase Failed and the reason for failure.',
      failedMetrics,
    ),
    statusCount('kube_job_status_active', 'The number of actively running pods.', 'active'),
    statusCount(
      'kube_job_status_ready',
      'The number of ready pods that belong to this Job.',
      'ready',
      'experimental',
    ),
    conditionFamily('kube_job_complete', 'The job has completed its execution.', 'Complete'),
    conditionFamily('kube_job_failed', 'The job has failed its execution.', 'Failed'),
    timeFamily(
      'kube_job_status_start_time',
      'StartTime represents time when the job was acknowledged by the Job Manager.',
      'startTime',
    ),
    timeFamily(
      'kube_job_status_completion_time',
      'CompletionTime represents time when the job was completed.',
      'completionTime',
    ),
    family(
      'kube_job_status_suspended',
      'gauge',
      'experimental',
      'The number of pods which reached Phase Suspended.',
      (j) => conditionsOfType(j, 'Suspended').map((c) => metric(boolValue(c.status === 'True'))),
    ),
    family('kube_job_owner', 'gauge', 'stable', "Information about the Job's owner.", ownerMetrics),
  ],
};
