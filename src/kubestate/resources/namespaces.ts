// kube-state-metrics' Namespace families (internal/store/namespace.go).
// The identifying `namespace` label is the Namespace object's own name.
import {
  annotationsFamily,
  arr,
  boolValue,
  conditionMetrics,
  createdFamily,
  family,
  labelsFamily,
  metric,
  rec,
  str,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface Namespace extends KubeResourceObject {
  status?: unknown;
}

type Rec = Record<string, unknown>;
const EMPTY: Rec = Object.freeze({}) as Rec;

function status(n: Namespace): Rec {
  return rec(n.status) ?? EMPTY;
}

const PHASES = ['Active', 'Terminating'] as const;

export const resource: ResourceDef<Namespace> = {
  resource: 'namespaces',
  kind: 'Namespace',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['namespace'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    createdFamily('kube_namespace_created'),
    annotationsFamily('kube_namespace_annotations'),
    labelsFamily('kube_namespace_labels'),
    family('kube_namespace_status_phase', 'gauge', 'stable', 'kubernetes namespace status phase.', (o) => {
      const phase = status(o).phase;
      return PHASES.map((p) => metric(boolValue(phase === p), ['phase'], [p]));
    }),
    family('kube_namespace_status_condition', 'gauge', 'experimental', 'The condition of a namespace.', (o) =>
      arr(status(o).conditions).flatMap((x) => {
        const c = rec(x) ?? EMPTY;
        return conditionMetrics(str(c.status), ['condition'], [str(c.type)]);
      }),
    ),
  ],
};
