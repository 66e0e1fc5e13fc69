// kube-state-metrics' CronJob families (internal/store/cronjob.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'cronjobs',
  kind: 'CronJob',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'cronjob'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
