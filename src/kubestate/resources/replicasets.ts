// kube-state-metrics' ReplicaSet families (internal/store/replicaset.go).
// _owner emits one series of empty labels when there are no owner references;
// owner_is_controller is "false" when the reference's controller field is unset.
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
  ownerMetrics,
  valueIfSet,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from '../types.ts';

interface ReplicaSet extends KubeResourceObject {
  spec?: { replicas?: unknown };
  status?: {
    replicas?: unknown;
    fullyLabeledReplicas?: unknown;
    readyReplicas?: unknown;
    terminatingReplicas?: unknown;
    observedGeneration?: unknown;
  };
}

/** A stable gauge of one status counter. */
function statusFamily(
  name: string,
  field: keyof NonNullable<ReplicaSet['status']>,
  help: string,
): FamilyDef<ReplicaSet> {
  return family<ReplicaSet>(name, 'gauge', 'stable', help, (r) => [metric(num(rec(r.status)?.[field]) ?? 0)]);
}

export const resource: ResourceDef<ReplicaSet> = {
  resource: 'replicasets',
  kind: 'ReplicaSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'replicaset'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    createdFamily('kube_replicaset_created'),
    statusFamily('kube_replicaset_status_replicas', 'replicas', 'The number of replicas per ReplicaSet.'),
    statusFamily(
      'kube_replicaset_status_fully_labeled_replicas',
      'fullyLabeledReplicas',
      'The number of fully labeled replicas per ReplicaSet.',
    ),
    statusFamily(
      'kube_replicaset_status_ready_replicas',
      'readyReplicas',
      'The number of ready replicas per ReplicaSet.',
    ),
    family<ReplicaSet>(
      'kube_replicaset_status_terminating_replicas',
      'gauge',
      'experimental',
      'The number of terminating replicas per ReplicaSet.',
      (r) => {
        return valueIfSet(rec(r.status)?.terminatingReplicas);
      },
    ),
    statusFamily(
      'kube_replicaset_status_observed_generation',
      'observedGeneration',
      'The generation observed by the ReplicaSet controller.',
    ),
    family<ReplicaSet>(
      'kube_replicaset_spec_replicas',
      'gauge',
      'stable',
      'Number of desired pods for a ReplicaSet.',
      (r) => {
        return valueIfSet(rec(r.spec)?.replicas);
      },
    ),
    family<ReplicaSet>(
      'kube_replicaset_metadata_generation',
      'gauge',
      'stable',
      'Sequence number representing a specific generation of the desired state.',
      (r) => [metric(num(r.metadata.generation) ?? 0)],
    ),
    family<ReplicaSet>(
      'kube_replicaset_owner',
      'gauge',
      'stable',
      "Information about the ReplicaSet's owner.",
      ownerMetrics,
    ),
    annotationsFamily('kube_replicaset_annotations'),
    labelsFamily('kube_replicaset_labels'),
  ],
};
