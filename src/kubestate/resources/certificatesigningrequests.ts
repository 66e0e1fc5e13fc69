// kube-state-metrics' CertificateSigningRequest families (internal/store/certificatesigningrequest.go).
// Cluster-scoped; the signer name is the second identifying label. status.certificate is base64
// in JSON (a []byte in Go), so cert_length is its decoded byte length.
import {
  annotationsFamily,
  arr,
  createdFamily,
  family,
  labelsFamily,
  metric,
  rec,
  str,
} from '../generators.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface CertificateSigningRequest extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

const CONDITIONS: readonly (readonly [string, string])[] = [
  ['Approved', 'approved'],
  ['Denied', 'denied'],
  ['Failed', 'failed'],
];

function conditionMetrics(csr: CertificateSigningRequest): Metric[] {
  const types = arr(rec(csr.status)?.conditions).map((c) => str(rec(c)?.type));
  return CONDITIONS.map(([type, label]) =>
    metric(types.filter((t) => t === type).length, ['condition'], [label]),
  );
}

/** Byte length of a base64 string, as encoding/json would decode it into a []byte. */
function decodedLength(b64: string): number {
  const body = b64.replace(/[\r\n]/gu, '').replace(/=+$/u, '');
  return Math.floor((body.length * 3) / 4);
}

export const resource: ResourceDef<CertificateSigningRequest> = {
  resource: 'certificatesigningrequests',
  kind: 'CertificateSigningRequest',
  group: 'certificates.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['certificatesigningrequest', 'signer_name'],
  identify: (o) => [str(o.metadata.name), str(rec(o.spec)?.signerName)],
  families: [
    annotationsFamily('kube_certificatesigningrequest_annotations'),
    labelsFamily('kube_certificatesigningrequest_labels'),
    createdFamily('kube_certificatesigningrequest_created'),
    family(
      'kube_certificatesigningrequest_condition',
      'gauge',
      'stable',
      'The number of each certificatesigningrequest condition',
      conditionMetrics,
    ),
    family(
      'kube_certificatesigningrequest_cert_length',
      'gauge',
      'stable',
      'Length of the issued cert',
      (csr) => [metric(decodedLength(str(rec(csr.status)?.certificate)))],
    ),
  ],
};
