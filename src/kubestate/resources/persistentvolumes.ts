// kube-state-metrics' PersistentVolume families (internal/store/persistentvolume.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['persistentvolume'],
  identify: (o) => [o.metadata.name],
  families: [],
};
