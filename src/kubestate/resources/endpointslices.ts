// kube-state-metrics' EndpointSlice families (internal/store/endpointslice.go).
// Optional (pointer) fields of an endpoint or port read as "" when unset; hints use the
// endpoint's first address and skip endpoints with no address or no zone hints.
import {
  annotationsFamily,
  arr,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
} from '../generators.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface EndpointSlice extends KubeResourceObject {
  addressType?: unknown;
  endpoints?: unknown;
  ports?: unknown;
}

/** A *bool as strconv.FormatBool would print it, "" when unset. */
function boolLabel(v: unknown): string {
  return typeof v === 'boolean' ? String(v) : '';
}

function hintMetrics(e: EndpointSlice): Metric[] {
  const out: Metric[] = [];
  for (const x of arr(e.endpoints)) {
    const ep = rec(x);
    const zones = arr(rec(ep?.hints)?.forZones);
    const addresses = arr(ep?.addresses);
    if (zones.length === 0 || addresses.length === 0) continue;
    const address = str(addresses[0]);
    for (const z of zones) out.push(metric(1, ['address', 'for_zone'], [address, str(rec(z)?.name)]));
  }
  return out;
}

function endpointMetrics(e: EndpointSlice): Metric[] {
  const keys = [
    'ready',
    'serving',
    'hostname',
    'terminating',
    'targetref_kind',
    'targetref_name',
    'targetref_namespace',
    'endpoint_nodename',
    'endpoint_zone',
    'address',
  ];
  const out: Metric[] = [];
  for (const x of arr(e.endpoints)) {
    const ep = rec(x);
    const cond = rec(ep?.conditions);
    const ref = rec(ep?.targetRef);
    const base = [
      boolLabel(cond?.ready),
      boolLabel(cond?.serving),
      str(ep?.hostname),
      boolLabel(cond?.terminating),
      str(ref?.kind),
      str(ref?.name),
      str(ref?.namespace),
      str(ep?.nodeName),
      str(ep?.zone),
    ];
    for (const a of arr(ep?.addresses)) out.push(metric(1, keys, [...base, str(a)]));
  }
  return out;
}

function portMetrics(e: EndpointSlice): Metric[] {
  return arr(e.ports).map((p) => {
    const port = rec(p);
    const n = num(port?.port);
    return metric(
      1,
      ['port_name', 'port_protocol', 'port_number'],
      [str(port?.name), str(port?.protocol), n === undefined ? '' : String(Math.trunc(n))],
    );
  });
}

export const resource: ResourceDef<EndpointSlice> = {
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  group: 'discovery.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['endpointslice', 'namespace'],
  identify: (o) => [str(o.metadata.name), str(o.metadata.namespace)],
  families: [
    family('kube_endpointslice_info', 'gauge', 'experimental', 'Information about endpointslice.', (e) => [
      metric(1, ['addresstype'], [str(e.addressType)]),
    ]),
    createdFamily('kube_endpointslice_created', 'experimental'),
    family(
      'kube_endpointslice_endpoints_hints',
      'gauge',
      'experimental',
      'Topology routing hints attached to endpoints',
      hintMetrics,
    ),
    family(
      'kube_endpointslice_endpoints',
      'gauge',
      'experimental',
      'Endpoints attached to the endpointslice.',
      endpointMetrics,
    ),
    family(
      'kube_endpointslice_ports',
      'gauge',
      'experimental',
      'Ports attached to the endpointslice.',
      portMetrics,
    ),
    annotationsFamily('kube_endpointslice_annotations'),
    labelsFamily('kube_endpointslice_labels', 'experimental'),
  ],
};
