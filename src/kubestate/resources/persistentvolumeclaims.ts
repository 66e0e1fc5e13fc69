// kube-state-metrics' PersistentVolumeClaim families (internal/store/persistentvolumeclaim.go).
// The storage class is the legacy beta annotation when present (even empty), else
// spec.storageClassName.
import {
  annotationsFamily,
  arr,
  boolValue,
  conditionMetrics,
  family,
  labelsFamily,
  metric,
  rec,
  str,
  stringMap,
  unixSeconds,
} from '../generators.ts';
import { isQuantity, quantityValue } from '../quantity.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface PersistentVolumeClaim extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;
const EMPTY: Rec = Object.freeze({}) as Rec;

function spec(p: PersistentVolumeClaim): Rec {
  return rec(p.spec) ?? EMPTY;
}
function status(p: PersistentVolumeClaim): Rec {
  return rec(p.status) ?? EMPTY;
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const PHASES = ['Lost', 'Bound', 'Pending'] as const;

function storageClassOf(p: PersistentVolumeClaim): string {
  const annotations = stringMap(p.metadata.annotations) ?? {};
  if (Object.hasOwn(annotations, BETA_STORAGE_CLASS_ANNOTATION)) {
    return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  }
  return str(spec(p).storageClassName);
}

function timestampMetrics(t: unknown): Metric[] {
  const s = unixSeconds(t);
  return s === undefined ? [] : [metric(s)];
}

export const resource: ResourceDef<PersistentVolumeClaim> = {
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'persistentvolumeclaim'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    labelsFamily('kube_persistentvolumeclaim_labels'),
    annotationsFamily('kube_persistentvolumeclaim_annotations'),
    family(
      'kube_persistentvolumeclaim_info',
      'gauge',
      'stable',
      'Information about persistent volume claim.',
      (o) => [
        metric(
          1,
          ['storageclass', 'volumename', 'volumemode'],
          [storageClassOf(o), str(spec(o).volumeName), str(spec(o).volumeMode)],
        ),
      ],
    ),
    family(
      'kube_persistentvolumeclaim_status_phase',
      'gauge',
      'stable',
      'The phase the persistent volume claim is currently in.',
      (o) => {
        const phase = str(status(o).phase);
        if (phase === '') return [];
        return PHASES.map((p) => metric(boolValue(phase === p), ['phase'], [p]));
      },
    ),
    family(
      'kube_persistentvolumeclaim_resource_requests_storage_bytes',
      'gauge',
      'stable',
      'The capacity of storage requested by the persistent volume claim.',
      (o) => {
        const q = rec(rec(spec(o).resources)?.requests)?.storage;
        return isQuantity(q) ? [metric(quantityValue(q))] : [];
      },
    ),
    family(
      'kube_persistentvolumeclaim_access_mode',
      'gauge',
      'stable',
      'The access mode(s) specified by the persistent volume claim.',
      (o) => arr(spec(o).accessModes).map((m) => metric(1, ['access_mode'], [str(m)])),
    ),
    family(
      'kube_persistentvolumeclaim_status_condition',
      'gauge',
      'experimental',
      'Information about status of different conditions of persistent volume claim.',
      (o) =>
        arr(status(o).conditions).flatMap((x) => {
          const c = rec(x) ?? EMPTY;
          return conditionMetrics(str(c.status), ['condition'], [str(c.type)]);
        }),
    ),
    family('kube_persistentvolumeclaim_created', 'gauge', 'experimental', 'Unix creation timestamp', (o) =>
      timestampMetrics(o.metadata.creationTimestamp),
    ),
    family(
      'kube_persistentvolumeclaim_deletion_timestamp',
      'gauge',
      'experimental',
      'Unix deletion timestamp',
      (o) => timestampMetrics(o.metadata.deletionTimestamp),
    ),
  ],
};
