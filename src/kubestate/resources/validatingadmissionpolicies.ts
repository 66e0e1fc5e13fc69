// kube-state-metrics' ValidatingAdmissionPolicy families (internal/store/validatingadmissionpolicy.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'validatingadmissionpolicy'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
