// kube-state-metrics' StatefulSet families (internal/store/statefulset.go).
// Unlike most resources, _annotations and _deletion_timestamp are stable here; the retention
// policy series exists only when at least one of whenDeleted / whenScaled is set.
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
  valueIfSet,
} from '../generators.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from '../types.ts';

interface StatefulSet extends KubeResourceObject {
  spec?: {
    replicas?: unknown;
    ordinals?: unknown;
    persistentVolumeClaimRetentionPolicy?: unknown;
  };
  status?: {
    replicas?: unknown;
    availableReplicas?: unknown;
    currentReplicas?: unknown;
    readyReplicas?: unknown;
    updatedReplicas?: unknown;
    observedGeneration?: unknown;
    currentRevision?: unknown;
    updateRevision?: unknown;
  };
}

type StatusField = keyof NonNullable<StatefulSet['status']>;

/** A stable gauge of one status counter. */
function statusFamily(name: string, field: StatusField, help: string): FamilyDef<StatefulSet> {
  return family<StatefulSet>(name, 'gauge', 'stable', help, (s) => [
    metric(num(rec(s.status)?.[field]) ?? 0),
  ]);
}

/** A stable info gauge with the revision string as its `revision` label. */
function revisionFamily(name: string, field: StatusField, help: string): FamilyDef<StatefulSet> {
  return family<StatefulSet>(name, 'gauge', 'stable', help, (s) => [
    metric(1, ['revision'], [str(rec(s.status)?.[field])]),
  ]);
}

export const resource: ResourceDef<StatefulSet> = {
  resource: 'statefulsets',
  kind: 'StatefulSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'statefulset'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    createdFamily('kube_statefulset_created'),
    statusFamily('kube_statefulset_status_replicas', 'replicas', 'The number of replicas per StatefulSet.'),
    statusFamily(
      'kube_statefulset_status_replicas_available',
      'availableReplicas',
      'The number of available replicas per StatefulSet.',
    ),
    statusFamily(
      'kube_statefulset_status_replicas_current',
      'currentReplicas',
      'The number of current replicas per StatefulSet.',
    ),
    statusFamily(
      'kube_statefulset_status_replicas_ready',
      'readyReplicas',
      'The number of ready replicas per StatefulSet.',
    ),
    statusFamily(
      'kube_statefulset_status_replicas_updated',
      'updatedReplicas',
      'The number of updated replicas per StatefulSet.',
    ),
    statusFamily(
      'kube_statefulset_status_observed_generation',
      'observedGeneration',
      'The generation observed by the StatefulSet controller.',
    ),
    family<StatefulSet>(
      'kube_statefulset_replicas',
      'gauge',
      'stable',
      'Number of desired pods for a StatefulSet.',
      (s) => {
        return valueIfSet(rec(s.spec)?.replicas);
      },
    ),
    family<StatefulSet>(
      'kube_statefulset_ordinals_start',
      'gauge',
      'stable',
      'Start ordinal of the StatefulSet.',
      (s) => {
        const ordinals = rec(rec(s.spec)?.ordinals);
        return ordinals === undefined ? [] : [metric(num(ordinals.start) ?? 0)];
      },
    ),
    family<StatefulSet>(
      'kube_statefulset_metadata_generation',
      'gauge',
      'stable',
      'Sequence number representing a specific generation of the desired state for the StatefulSet.',
      (s) => [metric(num(s.metadata.generation) ?? 0)],
    ),
    family<StatefulSet>(
      'kube_statefulset_persistentvolumeclaim_retention_policy',
      'gauge',
      'stable',
      'Count of retention policy for StatefulSet template PVCs',
      (s) => {
        const policy = rec(rec(s.spec)?.persistentVolumeClaimRetentionPolicy);
        const whenDeleted = str(policy?.whenDeleted);
        const whenScaled = str(policy?.whenScaled);
        if (whenDeleted === '' && whenScaled === '') return [];
        return [metric(1, ['when_deleted', 'when_scaled'], [whenDeleted, whenScaled])];
      },
    ),
    annotationsFamily('kube_statefulset_annotations', 'stable'),
    labelsFamily('kube_statefulset_labels'),
    revisionFamily(
      'kube_statefulset_status_current_revision',
      'currentRevision',
      'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
    ),
    revisionFamily(
      'kube_statefulset_status_update_revision',
      'updateRevision',
      'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)',
    ),
    deletionFamily('kube_statefulset_deletion_timestamp', 'stable'),
  ],
};
