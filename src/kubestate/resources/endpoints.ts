// kube-state-metrics' Endpoints families (internal/store/endpoint.go).
// kube_endpoint_address crosses every port of a subset with its ready and not-ready addresses.
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

interface Endpoints extends KubeResourceObject {
  subsets?: unknown;
}

interface Port {
  name: string;
  protocol: string;
  number: string;
}

/** An EndpointPort's label values; a missing port number is Go's int32 zero. */
function readPort(p: unknown): Port {
  const r = rec(p);
  return {
    name: str(r?.name),
    protocol: str(r?.protocol),
    number: String(Math.trunc(num(r?.port) ?? 0)),
  };
}

function addressMetrics(e: Endpoints): Metric[] {
  const keys = ['port_protocol', 'port_number', 'port_name', 'ip', 'ready'];
  const out: Metric[] = [];
  for (const s of arr(e.subsets)) {
    const subset = rec(s);
    const ready = arr(subset?.addresses).map((a) => str(rec(a)?.ip));
    const notReady = arr(subset?.notReadyAddresses).map((a) => str(rec(a)?.ip));
    for (const p of arr(subset?.ports)) {
      const port = readPort(p);
      const base = [port.protocol, port.number, port.name];
      for (const ip of ready) out.push(metric(1, keys, [...base, ip, 'true']));
      for (const ip of notReady) out.push(metric(1, keys, [...base, ip, 'false']));
    }
  }
  return out;
}

function portMetrics(e: Endpoints): Metric[] {
  const keys = ['port_name', 'port_protocol', 'port_number'];
  const out: Metric[] = [];
  for (const s of arr(e.subsets)) {
    for (const p of arr(rec(s)?.ports)) {
      const port = readPort(p);
      out.push(metric(1, keys, [port.name, port.protocol, port.number]));
    }
  }
  return out;
}

export const resource: ResourceDef<Endpoints> = {
  resource: 'endpoints',
  kind: 'Endpoints',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'endpoint'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    family('kube_endpoint_info', 'gauge', 'stable', 'Information about endpoint.', () => [metric(1)]),
    createdFamily('kube_endpoint_created'),
    annotationsFamily('kube_endpoint_annotations'),
    labelsFamily('kube_endpoint_labels'),
    family(
      'kube_endpoint_address',
      'gauge',
      'stable',
      'Information about Endpoint available and non available addresses.',
      addressMetrics,
    ),
    family('kube_endpoint_ports', 'gauge', 'stable', 'Information about the Endpoint ports.', portMetrics, {
      deprecatedVersion: 'v2.14.0',
    }),
  ],
};
