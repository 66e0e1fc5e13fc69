// kube-state-metrics' DaemonSet families (internal/store/daemonset.go).
// Status counters are always emitted (Go zero value 0 when absent).
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
  deletionFamily,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from '../types.ts';

interface DaemonSet extends KubeResourceObject {
  status?: {
    currentNumberScheduled?: unknown;
    desiredNumberScheduled?: unknown;
    numberAvailable?: unknown;
    numberMisscheduled?: unknown;
    numberReady?: unknown;
    numberUnavailable?: unknown;
    observedGeneration?: unknown;
    updatedNumberScheduled?: unknown;
  };
}

/** A stable gauge of one status counter. */
function statusFamily(
  name: string,
  field: keyof NonNullable<DaemonSet['status']>,
  help: string,
): FamilyDef<DaemonSet> {
  return family<DaemonSet>(name, 'gauge', 'stable', help, (d) => [metric(num(rec(d.status)?.[field]) ?? 0)]);
}

export const resource: ResourceDef<DaemonSet> = {
  resource: 'daemonsets',
  kind: 'DaemonSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'daemonset'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    createdFamily('kube_daemonset_created'),
    statusFamily(
      'kube_daemonset_status_current_number_scheduled',
      'currentNumberScheduled',
      'The number of nodes running at least one daemon pod and are supposed to.',
    ),
    statusFamily(
      'kube_daemonset_status_desired_number_scheduled',
      'desiredNumberScheduled',
      'The number of nodes that should be running the daemon pod.',
    ),
    statusFamily(
      'kube_daemonset_status_number_available',
      'numberAvailable',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available',
    ),
    statusFamily(
      'kube_daemonset_status_number_misscheduled',
      'numberMisscheduled',
      'The number of nodes running a daemon pod but are not supposed to.',
    ),
    statusFamily(
      'kube_daemonset_status_number_ready',
      'numberReady',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    statusFamily(
      'kube_daemonset_status_number_unavailable',
      'numberUnavailable',
      'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available',
    ),
    statusFamily(
      'kube_daemonset_status_observed_generation',
      'observedGeneration',
      'The most recent generation observed by the daemon set controller.',
    ),
    statusFamily(
      'kube_daemonset_status_updated_number_scheduled',
      'updatedNumberScheduled',
      'The total number of nodes that are running updated daemon pod',
    ),
    family<DaemonSet>(
      'kube_daemonset_metadata_generation',
      'gauge',
      'stable',
      'Sequence number representing a specific generation of the desired state.',
      (d) => [metric(num(d.metadata.generation) ?? 0)],
    ),
    deletionFamily('kube_daemonset_deletion_timestamp'),
    annotationsFamily('kube_daemonset_annotations'),
    labelsFamily('kube_daemonset_labels'),
  ],
};
