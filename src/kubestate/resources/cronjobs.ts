// kube-state-metrics' CronJob families (internal/store/cronjob.go).
// The next schedule time follows the last schedule time (else the creation time) through the
// schedule, in spec.timeZone when set (KSM prefixes the schedule with `CRON_TZ=<zone> `) and in
// the process' local zone otherwise; see cron-schedule.ts.
import {
  annotationsFamily,
  arr,
  createdFamily,
  family,
  labelsFamily,
  metric,
  rec,
  resourceVersionMetrics,
  str,
  unixSeconds,
  setTimeSeconds,
  valueIfSet,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, Metric, ResourceDef } from '../types.ts';
import { tryParseCronSchedule, type CronSchedule } from './cron-schedule.ts';

interface CronJob extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;

function spec(j: CronJob): Rec | undefined {
  return rec(j.spec);
}
function status(j: CronJob): Rec | undefined {
  return rec(j.status);
}
/** spec.timeZone: a *string in Go, so only a string counts as set. */
function timeZone(j: CronJob): string | undefined {
  const tz = spec(j)?.timeZone;
  return typeof tz === 'string' ? tz : undefined;
}
function suspended(j: CronJob): boolean {
  return spec(j)?.suspend === true;
}

/** KSM's parseSchedule: the schedule, prefixed with the time zone when one is given. */
function schedule(j: CronJob): CronSchedule | undefined {
  const s = str(spec(j)?.schedule);
  const tz = timeZone(j);
  return tryParseCronSchedule(tz === undefined ? s : `CRON_TZ=${tz} ${s}`);
}

function nextScheduleMetrics(j: CronJob): Metric[] {
  if (suspended(j)) return [];
  const sched = schedule(j);
  if (!sched) return [];
  const from = unixSeconds(status(j)?.lastScheduleTime) ?? unixSeconds(j.metadata.creationTimestamp);
  return from === undefined ? [] : [metric(sched.next(from))];
}

/** An optional (pointer) integer in spec: a series only when set. */
function specPointer(
  name: string,
  stability: 'stable' | 'experimental',
  help: string,
  field: string,
): FamilyDef<CronJob> {
  return family(name, 'gauge', stability, help, (j) => {
    return valueIfSet(spec(j)?.[field]);
  });
}

function statusTime(name: string, help: string, field: string): FamilyDef<CronJob> {
  return family(name, 'gauge', 'stable', help, (j) => {
    const t = setTimeSeconds(status(j)?.[field]);
    return t === undefined ? [] : [metric(t)];
  });
}

export const resource: ResourceDef<CronJob> = {
  resource: 'cronjobs',
  kind: 'CronJob',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'cronjob'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_cronjob_annotations'),
    labelsFamily('kube_cronjob_labels'),
    family('kube_cronjob_info', 'gauge', 'stable', 'Info about cronjob.', (j) => [
      metric(
        1,
        ['schedule', 'concurrency_policy', 'timezone'],
        [str(spec(j)?.schedule), str(spec(j)?.concurrencyPolicy), timeZone(j) ?? 'local'],
      ),
    ]),
    createdFamily('kube_cronjob_created'),
    family(
      'kube_cronjob_status_active',
      'gauge',
      'stable',
      'Active holds pointers to currently running jobs.',
      (j) => [metric(arr(status(j)?.active).length)],
    ),
    statusTime(
      'kube_cronjob_status_last_schedule_time',
      'LastScheduleTime keeps information of when was the last time the job was successfully scheduled.',
      'lastScheduleTime',
    ),
    statusTime(
      'kube_cronjob_status_last_successful_time',
      'LastSuccessfulTime keeps information of when was the last time the job was completed successfully.',
      'lastSuccessfulTime',
    ),
    family(
      'kube_cronjob_spec_suspend',
      'gauge',
      'stable',
      'Suspend flag tells the controller to suspend subsequent executions.',
      (j) => [metric(suspended(j) ? 1 : 0)],
    ),
    specPointer(
      'kube_cronjob_spec_starting_deadline_seconds',
      'stable',
      'Deadline in seconds for starting the job if it misses scheduled time for any reason.',
      'startingDeadlineSeconds',
    ),
    family(
      'kube_cronjob_next_schedule_time',
      'gauge',
      'stable',
      "Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job's creation time if it's never been scheduled. Use this to determine if the job is delayed.",
      nextScheduleMetrics,
    ),
    family(
      'kube_cronjob_schedule_invalid',
      'gauge',
      'experimental',
      'Emitted with value 1 for cronjobs whose schedule, in its configured timezone, cannot be parsed.',
      (j) => (schedule(j) ? [] : [metric(1)]),
    ),
    family(
      'kube_cronjob_metadata_resource_version',
      'gauge',
      'stable',
      'Resource version representing a specific version of the cronjob.',
      (j) => resourceVersionMetrics(j.metadata.resourceVersion),
    ),
    specPointer(
      'kube_cronjob_spec_successful_job_history_limit',
      'experimental',
      'Successful job history limit tells the controller how many completed jobs should be preserved.',
      'successfulJobsHistoryLimit',
    ),
    specPointer(
      'kube_cronjob_spec_failed_job_history_limit',
      'experimental',
      'Failed job history limit tells the controller how many failed jobs should be preserved.',
      'failedJobsHistoryLimit',
    ),
  ],
};
