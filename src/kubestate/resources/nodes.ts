// kube-state-metrics' Node families (internal/store/node.go).
// Allocatable and capacity share one walk of the resource map: each known resource name gets
// its unit (cpu → core, memory/storage/hugepages/attachable volumes → byte, pods and extended
// resources → integer); other names are left out. KSM walks a Go map, so only the set of
// series matters, not their order; `kube_node_info`'s kubeproxy_version is always "deprecated".
import {
  annotationsFamily,
  arr,
  boolValue,
  conditionMetrics,
  createdFamily,
  family,
  labelsFamily,
  metric,
  resourceLabel,
  str,
  stringMap,
  deletionFamily,
  records,
  recOrEmpty,
} from '../generators.ts';
import { isQuantity, quantityFloat } from '../quantity.ts';
import {
  isAttachableVolumeResourceName,
  isExtendedResourceName,
  isHugePageResourceName,
} from '../resource-names.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Node extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;

function spec(n: Node): Rec {
  return recOrEmpty(n.spec);
}
function status(n: Node): Rec {
  return recOrEmpty(n.status);
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** The unit(s) KSM reports a node resource in; none when it leaves the resource out. */
function resourceUnits(name: string): string[] {
  switch (name) {
    case 'cpu':
      return ['core'];
    case 'storage':
    case 'ephemeral-storage':
    case 'memory':
      return ['byte'];
    case 'pods':
      return ['integer'];
  }
  // KSM checks the three classes independently; a name never falls in more than one.
  const units: string[] = [];
  if (isHugePageResourceName(name)) units.push('byte');
  if (isAttachableVolumeResourceName(name)) units.push('byte');
  if (isExtendedResourceName(name)) units.push('integer');
  return units;
}

/** `status.allocatable` / `status.capacity` as resource/unit series. */
function resourceListMetrics(list: unknown): Metric[] {
  const ms: Metric[] = [];
  for (const [name, q] of Object.entries(recOrEmpty(list))) {
    if (!isQuantity(q)) continue;
    for (const unit of resourceUnits(name)) {
      ms.push(metric(quantityFloat(q), ['resource', 'unit'], [resourceLabel(name), unit]));
    }
  }
  return ms;
}

export const resource: ResourceDef<Node> = {
  resource: 'nodes',
  kind: 'Node',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['node'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    deletionFamily('kube_node_deletion_timestamp'),
    createdFamily('kube_node_created'),
    family('kube_node_status_addresses', 'gauge', 'experimental', 'Node address information.', (o) =>
      records(status(o).addresses).map((a) => metric(1, ['type', 'address'], [str(a.type), str(a.address)])),
    ),
    family('kube_node_info', 'gauge', 'stable', 'Information about a cluster node.', (o) => {
      const info = recOrEmpty(status(o).nodeInfo);
      const s = spec(o);
      // The last InternalIP address wins (KSM keeps overwriting while it walks the list).
      let internalIP = '';
      for (const a of records(status(o).addresses)) {
        if (a.type === 'InternalIP') internalIP = str(a.address);
      }
      return [
        metric(
          1,
          [
            'kernel_version',
            'os_image',
            'container_runtime_version',
            'kubelet_version',
            'kubeproxy_version',
            'provider_id',
            'pod_cidr',
            'system_uuid',
            'internal_ip',
          ],
          [
            str(info.kernelVersion),
            str(info.osImage),
            str(info.containerRuntimeVersion),
            str(info.kubeletVersion),
            'deprecated',
            str(s.providerID),
            str(s.podCIDR),
            str(info.systemUUID),
            internalIP,
          ],
        ),
      ];
    }),
    annotationsFamily('kube_node_annotations'),
    labelsFamily('kube_node_labels'),
    family('kube_node_role', 'gauge', 'experimental', 'The role of a cluster node.', (o) =>
      Object.keys(stringMap(o.metadata.labels) ?? {})
        .filter((k) => k.startsWith(ROLE_PREFIX))
        .map((k) => metric(1, ['role'], [k.slice(ROLE_PREFIX.length)])),
    ),
    family('kube_node_spec_pod_cidrs', 'gauge', 'experimental', 'The pod CIDRs of a cluster node.', (o) =>
      arr(spec(o).podCIDRs).map((c) => metric(1, ['pod_cidr'], [str(c)])),
    ),
    family('kube_node_spec_taint', 'gauge', 'stable', 'The taint of a cluster node.', (o) =>
      records(spec(o).taints).map((t) =>
        metric(1, ['key', 'value', 'effect'], [str(t.key), str(t.value), str(t.effect)]),
      ),
    ),
    family(
      'kube_node_spec_unschedulable',
      'gauge',
      'stable',
      'Whether a node can schedule new pods.',
      (o) => [metric(boolValue(spec(o).unschedulable === true))],
    ),
    family(
      'kube_node_status_allocatable',
      'gauge',
      'stable',
      'The allocatable for different resources of a node that are available for scheduling.',
      (o) => resourceListMetrics(status(o).allocatable),
    ),
    family(
      'kube_node_status_capacity',
      'gauge',
      'stable',
      'The capacity for different resources of a node.',
      (o) => resourceListMetrics(status(o).capacity),
    ),
    family('kube_node_status_condition', 'gauge', 'stable', 'The condition of a cluster node.', (o) =>
      records(status(o).conditions).flatMap((c) =>
        conditionMetrics(str(c.status), ['condition'], [str(c.type)]),
      ),
    ),
  ],
};
