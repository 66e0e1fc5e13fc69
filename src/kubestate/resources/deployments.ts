// kube-state-metrics' Deployment families (internal/store/deployment.go).
// Condition reasons outside the deployment controller's known set are reported as "unknown";
// rolling-update maxUnavailable/maxSurge are scaled against spec.replicas like
// intstr.GetScaledValueFromIntOrPercent (percentages rounded down / up), no series on error.
import {
  annotationsFamily,
  arr,
  conditionMetrics,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
  deletionFamily,
  valueIfSet,
} from '../generators.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Deployment extends KubeResourceObject {
  spec?: {
    replicas?: unknown;
    paused?: unknown;
    strategy?: unknown;
  };
  status?: {
    replicas?: unknown;
    readyReplicas?: unknown;
    availableReplicas?: unknown;
    unavailableReplicas?: unknown;
    updatedReplicas?: unknown;
    terminatingReplicas?: unknown;
    observedGeneration?: unknown;
    conditions?: unknown;
  };
}

// The reasons the deployment controller sets (kubernetes/pkg/controller/deployment/util).
const KNOWN_REASONS = new Set([
  'ReplicaSetUpdated',
  'ReplicaSetCreateError',
  'NewReplicaSetCreated',
  'FoundNewReplicaSet',
  'NewReplicaSetAvailable',
  'ProgressDeadlineExceeded',
  'DeploymentPaused',
  'DeploymentResumed',
  'MinimumReplicasAvailable',
  'MinimumReplicasUnavailable',
  '',
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An IntOrString (an integer, or a percentage string such as "25%") scaled against `total`;
 * undefined where Go's GetScaledValueFromIntOrPercent returns an error (absent value, a string
 * without "%", a percentage that is not an integer).
 */
function scaledIntOrPercent(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v !== 'string' || !v.endsWith('%')) return undefined;
  const digits = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) return undefined;
  const big = BigInt(digits);
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  const scaled = (Number(big) * total) / 100;
  // Go's int() conversion has no negative zero: ceil(-0.5) is 0.
  return (roundUp ? Math.ceil(scaled) : Math.floor(scaled)) + 0;
}

/** A rolling-update bound, or no series without a rollingUpdate or spec.replicas. */
function rollingUpdateMetrics(
  d: Deployment,
  field: 'maxUnavailable' | 'maxSurge',
  roundUp: boolean,
): Metric[] {
  const spec = rec(d.spec);
  const rollingUpdate = rec(rec(spec?.strategy)?.rollingUpdate);
  const replicas = num(spec?.replicas);
  if (rollingUpdate === undefined || replicas === undefined) return [];
  const v = scaledIntOrPercent(rollingUpdate[field], Math.trunc(replicas), roundUp);
  return v === undefined ? [] : [metric(v)];
}

function statusCount(field: keyof NonNullable<Deployment['status']>): (d: Deployment) => Metric[] {
  return (d) => [metric(num(rec(d.status)?.[field]) ?? 0)];
}

export const resource: ResourceDef<Deployment> = {
  resource: 'deployments',
  kind: 'Deployment',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'deployment'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    family<Deployment>(
      'kube_deployment_owner',
      'gauge',
      'experimental',
      "Information about the Deployment's owner.",
      (d) => {
        const keys = ['owner_kind', 'owner_name'];
        const owners = arr(d.metadata.ownerReferences);
        if (owners.length === 0) return [metric(1, keys, ['', ''])];
        return owners.map((ref) => {
          const owner = rec(ref);
          return metric(1, keys, [str(owner?.kind), str(owner?.name)]);
        });
      },
    ),
    createdFamily('kube_deployment_created'),
    family(
      'kube_deployment_status_replicas',
      'gauge',
      'stable',
      'The number of replicas per deployment.',
      statusCount('replicas'),
    ),
    family(
      'kube_deployment_status_replicas_ready',
      'gauge',
      'stable',
      'The number of ready replicas per deployment.',
      statusCount('readyReplicas'),
    ),
    family(
      'kube_deployment_status_replicas_available',
      'gauge',
      'stable',
      'The number of available replicas per deployment.',
      statusCount('availableReplicas'),
    ),
    family(
      'kube_deployment_status_replicas_unavailable',
      'gauge',
      'stable',
      'The number of unavailable replicas per deployment.',
      statusCount('unavailableReplicas'),
    ),
    family(
      'kube_deployment_status_replicas_updated',
      'gauge',
      'stable',
      'The number of updated replicas per deployment.',
      statusCount('updatedReplicas'),
    ),
    family<Deployment>(
      'kube_deployment_status_terminating_replicas',
      'gauge',
      'experimental',
      'The number of terminating replicas per deployment.',
      (d) => {
        return valueIfSet(rec(d.status)?.terminatingReplicas);
      },
    ),
    family(
      'kube_deployment_status_observed_generation',
      'gauge',
      'stable',
      'The generation observed by the deployment controller.',
      statusCount('observedGeneration'),
    ),
    family<Deployment>(
      'kube_deployment_status_condition',
      'gauge',
      'stable',
      'The current status conditions of a deployment.',
      (d) =>
        arr(rec(d.status)?.conditions).flatMap((x) => {
          const c = rec(x);
          const reason = str(c?.reason);
          return conditionMetrics(
            str(c?.status),
            ['reason', 'condition'],
            [KNOWN_REASONS.has(reason) ? reason : 'unknown', str(c?.type)],
          );
        }),
    ),
    family<Deployment>(
      'kube_deployment_spec_replicas',
      'gauge',
      'stable',
      'Number of desired pods for a deployment.',
      (d) => {
        return valueIfSet(rec(d.spec)?.replicas);
      },
    ),
    family<Deployment>(
      'kube_deployment_spec_paused',
      'gauge',
      'stable',
      'Whether the deployment is paused and will not be processed by the deployment controller.',
      (d) => [metric(rec(d.spec)?.paused === true ? 1 : 0)],
    ),
    family<Deployment>(
      'kube_deployment_spec_strategy_rollingupdate_max_unavailable',
      'gauge',
      'stable',
      'Maximum number of unavailable replicas during a rolling update of a deployment.',
      (d) => rollingUpdateMetrics(d, 'maxUnavailable', false),
    ),
    family<Deployment>(
      'kube_deployment_spec_strategy_rollingupdate_max_surge',
      'gauge',
      'stable',
      'Maximum number of replicas that can be scheduled above the desired number of replicas during a rolling update of a deployment.',
      (d) => rollingUpdateMetrics(d, 'maxSurge', true),
    ),
    family<Deployment>(
      'kube_deployment_metadata_generation',
      'gauge',
      'stable',
      'Sequence number representing a specific generation of the desired state.',
      (d) => [metric(num(d.metadata.generation) ?? 0)],
    ),
    deletionFamily('kube_deployment_deletion_timestamp'),
    annotationsFamily('kube_deployment_annotations'),
    labelsFamily('kube_deployment_labels'),
  ],
};
