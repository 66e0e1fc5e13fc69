// kube-state-metrics' StorageClass families (internal/store/storageclass.go).
// An unset reclaimPolicy / volumeBindingMode reads as the API defaults, Delete and Immediate.
import { annotationsFamily, createdFamily, family, labelsFamily, metric, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface StorageClass extends KubeResourceObject {
  provisioner?: unknown;
  reclaimPolicy?: unknown;
  volumeBindingMode?: unknown;
}

function orDefault(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

export const resource: ResourceDef<StorageClass> = {
  resource: 'storageclasses',
  kind: 'StorageClass',
  group: 'storage.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['storageclass'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    family('kube_storageclass_info', 'gauge', 'stable', 'Information about storageclass.', (o) => [
      metric(
        1,
        ['provisioner', 'reclaim_policy', 'volume_binding_mode'],
        [
          str(o.provisioner),
          orDefault(o.reclaimPolicy, 'Delete'),
          orDefault(o.volumeBindingMode, 'Immediate'),
        ],
      ),
    ]),
    createdFamily('kube_storageclass_created'),
    annotationsFamily('kube_storageclass_annotations'),
    labelsFamily('kube_storageclass_labels'),
  ],
};
