// kube-state-metrics' ValidatingWebhookConfiguration families (internal/store/validatingwebhookconfiguration.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'validatingwebhookconfiguration'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
