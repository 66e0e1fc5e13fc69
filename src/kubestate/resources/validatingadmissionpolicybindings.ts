// kube-state-metrics' ValidatingAdmissionPolicyBinding families (internal/store/validatingadmissionpolicybinding.go).
// Cluster-scoped, but KSM still prepends a `namespace` label (always "" from the API server).
import { arr, createdFamily, family, metric, rec, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface ValidatingAdmissionPolicyBinding extends KubeResourceObject {
  spec?: unknown;
}

export const resource: ResourceDef<ValidatingAdmissionPolicyBinding> = {
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'validatingadmissionpolicybinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_validatingadmissionpolicybinding_info',
      'gauge',
      'experimental',
      'Information about the ValidatingAdmissionPolicyBinding.',
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
    createdFamily(
      'kube_validatingadmissionpolicybinding_created',
      'experimental',
      'Unix creation timestamp.',
    ),
    family(
      'kube_validatingadmissionpolicybinding_validation_action',
      'gauge',
      'experimental',
      'Validation actions for the ValidatingAdmissionPolicyBinding.',
      // One series per listed action, duplicates included, as KSM does.
      (o) => arr(rec(o.spec)?.validationActions).map((a) => metric(1, ['action'], [str(a)])),
    ),
  ],
};
