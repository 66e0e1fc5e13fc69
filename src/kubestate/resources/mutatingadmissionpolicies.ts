// kube-state-metrics' MutatingAdmissionPolicy families (internal/store/mutatingadmissionpolicy.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'mutatingadmissionpolicies',
  kind: 'MutatingAdmissionPolicy',
  group: 'admissionregistration.k8s.io',
  version: 'v1alpha1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingadmissionpolicy'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
