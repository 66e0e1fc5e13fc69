// kube-state-metrics' MutatingAdmissionPolicyBinding families (internal/store/mutatingadmissionpolicybinding.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'mutatingadmissionpolicybindings',
  kind: 'MutatingAdmissionPolicyBinding',
  group: 'admissionregistration.k8s.io',
  version: 'v1alpha1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingadmissionpolicybinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
