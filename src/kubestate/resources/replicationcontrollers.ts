// kube-state-metrics' ReplicationController families (internal/store/replicationcontroller.go).
// KSM has no _labels / _annotations families for this resource; _owner emits one series of
// empty labels without owner references, owner_is_controller "false" when controller is unset.
import { createdFamily, family, metric, num, rec, str, ownerMetrics, valueIfSet } from '../generators.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from '../types.ts';

interface ReplicationController extends KubeResourceObject {
  spec?: { replicas?: unknown };
  status?: {
    replicas?: unknown;
    fullyLabeledReplicas?: unknown;
    readyReplicas?: unknown;
    availableReplicas?: unknown;
    observedGeneration?: unknown;
  };
}

/** A stable gauge of one status counter. */
function statusFamily(
  name: string,
  field: keyof NonNullable<ReplicationController['status']>,
  help: string,
): FamilyDef<ReplicationController> {
  return family<ReplicationController>(name, 'gauge', 'stable', help, (r) => [
    metric(num(rec(r.status)?.[field]) ?? 0),
  ]);
}

export const resource: ResourceDef<ReplicationController> = {
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'replicationcontroller'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    createdFamily('kube_replicationcontroller_created'),
    statusFamily(
      'kube_replicationcontroller_status_replicas',
      'replicas',
      'The number of replicas per ReplicationController.',
    ),
    statusFamily(
      'kube_replicationcontroller_status_fully_labeled_replicas',
      'fullyLabeledReplicas',
      'The number of fully labeled replicas per ReplicationController.',
    ),
    statusFamily(
      'kube_replicationcontroller_status_ready_replicas',
      'readyReplicas',
      'The number of ready replicas per ReplicationController.',
    ),
    statusFamily(
      'kube_replicationcontroller_status_available_replicas',
      'availableReplicas',
      'The number of available replicas per ReplicationController.',
    ),
    statusFamily(
      'kube_replicationcontroller_status_observed_generation',
      'observedGeneration',
      'The generation observed by the ReplicationController controller.',
    ),
    family<ReplicationController>(
      'kube_replicationcontroller_spec_replicas',
      'gauge',
      'stable',
      'Number of desired pods for a ReplicationController.',
      (r) => {
        return valueIfSet(rec(r.spec)?.replicas);
      },
    ),
    family<ReplicationController>(
      'kube_replicationcontroller_metadata_generation',
      'gauge',
      'stable',
      'Sequence number representing a specific generation of the desired state.',
      (r) => [metric(num(r.metadata.generation) ?? 0)],
    ),
    family<ReplicationController>(
      'kube_replicationcontroller_owner',
      'gauge',
      'experimental',
      "Information about the ReplicationController's owner.",
      ownerMetrics,
    ),
  ],
};
