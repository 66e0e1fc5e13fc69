// kube-state-metrics' Secret families (internal/store/secret.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'secrets',
  kind: 'Secret',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'secret'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
