// kube-state-metrics' MutatingWebhookConfiguration families (internal/store/mutatingwebhookconfiguration.go).
// Cluster-scoped, but KSM still prepends a `namespace` label (always "" from the API server).
import { arr, createdFamily, family, metric, rec, resourceVersionMetrics, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface MutatingWebhookConfiguration extends KubeResourceObject {
  webhooks?: unknown;
}

export const resource: ResourceDef<MutatingWebhookConfiguration> = {
  resource: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'mutatingwebhookconfiguration'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_mutatingwebhookconfiguration_info',
      'gauge',
      'experimental',
      'Information about the MutatingWebhookConfiguration.',
      () => [metric(1)],
    ),
    createdFamily('kube_mutatingwebhookconfiguration_created', 'experimental', 'Unix creation timestamp.'),
    family(
      'kube_mutatingwebhookconfiguration_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the MutatingWebhookConfiguration.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
    family(
      'kube_mutatingwebhookconfiguration_webhook_clientconfig_service',
      'gauge',
      'experimental',
      'Service used by the apiserver to connect to a mutating webhook.',
      // One series per webhook; service labels are "" when the webhook uses a URL instead.
      (o) =>
        arr(o.webhooks).map((w) => {
          const hook = rec(w);
          const svc = rec(rec(hook?.clientConfig)?.service);
          return metric(
            1,
            ['webhook_name', 'service_name', 'service_namespace'],
            [str(hook?.name), str(svc?.name), str(svc?.namespace)],
          );
        }),
    ),
  ],
};
