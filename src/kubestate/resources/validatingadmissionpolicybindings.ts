// kube-state-metrics' ValidatingAdmissionPolicyBinding families (internal/store/validatingadmissionpolicybinding.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'validatingadmissionpolicybinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
