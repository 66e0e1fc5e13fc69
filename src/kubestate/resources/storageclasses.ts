// kube-state-metrics' StorageClass families (internal/store/storageclass.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'storageclasses',
  kind: 'StorageClass',
  group: 'storage.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['storageclass'],
  identify: (o) => [o.metadata.name],
  families: [],
};
