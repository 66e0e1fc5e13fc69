// kube-state-metrics' Namespace families (internal/store/namespace.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'namespaces',
  kind: 'Namespace',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace'],
  identify: (o) => [o.metadata.namespace ?? ''],
  families: [],
};
