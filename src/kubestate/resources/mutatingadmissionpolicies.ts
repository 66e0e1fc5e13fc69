// kube-state-metrics' MutatingAdmissionPolicy families (internal/store/mutatingadmissionpolicy.go).
// Cluster-scoped, but KSM still prepends a `namespace` label (always "" from the API server).
// KSM lists/watches admissionregistration.k8s.io/v1.
import { createdFamily, family, metric, rec, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface MutatingAdmissionPolicy extends KubeResourceObject {
  spec?: unknown;
}

export const resource: ResourceDef<MutatingAdmissionPolicy> = {
  resource: 'mutatingadmissionpolicies',
  kind: 'MutatingAdmissionPolicy',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingadmissionpolicy'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_mutatingadmissionpolicy_info',
      'gauge',
      'experimental',
      'Information about the MutatingAdmissionPolicy.',
      (o) => {
        const spec = rec(o.spec);
        const paramKind = rec(spec?.paramKind);
        return [
          metric(
            1,
            ['param_api_version', 'param_kind', 'failure_policy', 'reinvocation_policy'],
            [
              str(paramKind?.apiVersion),
              str(paramKind?.kind),
              str(spec?.failurePolicy),
              str(spec?.reinvocationPolicy),
            ],
          ),
        ];
      },
    ),
    createdFamily('kube_mutatingadmissionpolicy_created', 'experimental', 'Unix creation timestamp.'),
  ],
};
