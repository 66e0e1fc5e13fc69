// kube-state-metrics' PodDisruptionBudget families (internal/store/poddisruptionbudget.go).
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  deletionFamily,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from '../types.ts';

interface PodDisruptionBudget extends KubeResourceObject {
  status?: unknown;
}

/** A status counter, always reported (0 when unset, like Go's zero value). */
function statusCount(name: string, help: string, field: string): FamilyDef<PodDisruptionBudget> {
  return family(name, 'gauge', 'stable', help, (p) => [metric(num(rec(p.status)?.[field]) ?? 0)]);
}

export const resource: ResourceDef<PodDisruptionBudget> = {
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  group: 'policy',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'poddisruptionbudget'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_poddisruptionbudget_annotations'),
    labelsFamily('kube_poddisruptionbudget_labels', 'experimental'),
    createdFamily('kube_poddisruptionbudget_created'),
    statusCount(
      'kube_poddisruptionbudget_status_current_healthy',
      'Current number of healthy pods',
      'currentHealthy',
    ),
    statusCount(
      'kube_poddisruptionbudget_status_desired_healthy',
      'Minimum desired number of healthy pods',
      'desiredHealthy',
    ),
    statusCount(
      'kube_poddisruptionbudget_status_pod_disruptions_allowed',
      'Number of pod disruptions that are currently allowed',
      'disruptionsAllowed',
    ),
    statusCount(
      'kube_poddisruptionbudget_status_expected_pods',
      'Total number of pods counted by this disruption budget',
      'expectedPods',
    ),
    statusCount(
      'kube_poddisruptionbudget_status_observed_generation',
      'Most recent generation observed when updating this PDB status',
      'observedGeneration',
    ),
    deletionFamily('kube_poddisruptionbudget_deletion_timestamp'),
  ],
};
