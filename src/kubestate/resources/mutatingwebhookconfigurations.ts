// kube-state-metrics' MutatingWebhookConfiguration families (internal/store/mutatingwebhookconfiguration.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingwebhookconfiguration'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
