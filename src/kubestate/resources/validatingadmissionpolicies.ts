// kube-state-metrics' ValidatingAdmissionPolicy families (internal/store/validatingadmissionpolicy.go).
// Cluster-scoped, but KSM still prepends a `namespace` label (always "" from the API server).
import { createdFamily, family, metric, rec, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface ValidatingAdmissionPolicy extends KubeResourceObject {
  spec?: unknown;
}

export const resource: ResourceDef<ValidatingAdmissionPolicy> = {
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'validatingadmissionpolicy'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_validatingadmissionpolicy_info',
      'gauge',
      'experimental',
      'Information about the ValidatingAdmissionPolicy.',
      (o) => {
        const spec = rec(o.spec);
        const paramKind = rec(spec?.paramKind);
        return [
          metric(
            1,
            ['param_api_version', 'param_kind', 'failure_policy'],
            [str(paramKind?.apiVersion), str(paramKind?.kind), str(spec?.failurePolicy)],
          ),
        ];
      },
    ),
    createdFamily('kube_validatingadmissionpolicy_created', 'experimental', 'Unix creation timestamp.'),
  ],
};
