// kube-state-metrics' PersistentVolumeClaim families (internal/store/persistentvolumeclaim.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'persistentvolumeclaim'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
