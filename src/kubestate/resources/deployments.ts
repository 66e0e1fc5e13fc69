// kube-state-metrics' Deployment families (internal/store/deployment.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'deployments',
  kind: 'Deployment',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'deployment'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
