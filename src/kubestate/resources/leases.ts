// kube-state-metrics' Lease families (internal/store/lease.go).
// Leases are identified by name alone; the namespace is an ordinary label of each family.
import { arr, family, metric, rec, str, unixSeconds } from '../generators.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Lease extends KubeResourceObject {
  spec?: unknown;
}

function ownerMetrics(l: Lease): Metric[] {
  const keys = ['owner_kind', 'owner_name', 'namespace', 'lease_holder'];
  const namespace = str(l.metadata.namespace);
  const holder = str(rec(l.spec)?.holderIdentity);
  const owners = arr(l.metadata.ownerReferences);
  if (owners.length === 0) return [metric(1, keys, ['', '', namespace, holder])];
  return owners.map((o) => {
    const ref = rec(o);
    return metric(1, keys, [str(ref?.kind), str(ref?.name), namespace, holder]);
  });
}

export const resource: ResourceDef<Lease> = {
  resource: 'leases',
  kind: 'Lease',
  group: 'coordination.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['lease'],
  identify: (o) => [o.metadata.name],
  families: [
    family('kube_lease_owner', 'gauge', 'experimental', "Information about the Lease's owner.", ownerMetrics),
    family('kube_lease_renew_time', 'gauge', 'experimental', 'Kube lease renew time.', (l) => {
      const t = unixSeconds(rec(l.spec)?.renewTime);
      return t === undefined ? [] : [metric(t, ['namespace'], [str(l.metadata.namespace)])];
    }),
  ],
};
