// kube-state-metrics' MutatingAdmissionPolicyBinding families (internal/store/mutatingadmissionpolicybinding.go).
// Cluster-scoped, but KSM still prepends a `namespace` label (always "" from the API server).
// KSM lists/watches admissionregistration.k8s.io/v1.
import { createdFamily, family, metric, rec, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface MutatingAdmissionPolicyBinding extends KubeResourceObject {
  spec?: unknown;
}

export const resource: ResourceDef<MutatingAdmissionPolicyBinding> = {
  resource: 'mutatingadmissionpolicybindings',
  kind: 'MutatingAdmissionPolicyBinding',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingadmissionpolicybinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_mutatingadmissionpolicybinding_info',
      'gauge',
      'experimental',
      'Information about the MutatingAdmissionPolicyBinding.',
      (o) => {
        const spec = rec(o.spec);
        const ref = rec(spec?.paramRef);
        return [
          metric(
            1,
            ['policy_name', 'param_name', 'param_namespace', 'param_not_found_action'],
            [str(spec?.policyName), str(ref?.name), str(ref?.namespace), str(ref?.parameterNotFoundAction)],
          ),
        ];
      },
    ),
    createdFamily('kube_mutatingadmissionpolicybinding_created', 'experimental', 'Unix creation timestamp.'),
  ],
};
