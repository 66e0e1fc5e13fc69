// kube-state-metrics' Endpoints families (internal/store/endpoint.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'endpoints',
  kind: 'Endpoints',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'endpoint'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
