// kube-state-metrics' CertificateSigningRequest families (internal/store/certificatesigningrequest.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'certificatesigningrequests',
  kind: 'CertificateSigningRequest',
  group: 'certificates.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['certificatesigningrequest', 'signer_name'],
  identify: (o) => [o.metadata.name, ''],
  families: [],
};
