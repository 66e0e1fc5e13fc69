// The `scale` subresource (autoscaling/v1 Scale) of workloads with spec.replicas, which
// `kubectl scale` and HPAs use. Reading derives the Scale from the object; writing changes only
// spec.replicas.
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';

type Obj = Record<string, unknown>;

function selectorString(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Obj[] };
  // A ReplicationController's selector is a plain label map.
  const labels = s.matchLabels ?? (s.matchExpressions ? {} : (sel as Record<string, string>));
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = Array.isArray(e.values) ? e.values.join(',') : '';
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function scaleOf(o: KubeObject): KubeObject {
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const m = o.metadata;
  const metadata: KubeObject['metadata'] = { name: m.name };
  for (const k of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    if (m[k] !== undefined) metadata[k] = m[k];
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  };
}

/** The object with spec.replicas from `scale` (a private copy to hand to the store). */
export function applyScale(o: KubeObject, scale: unknown): KubeObject {
  const s = scale as {
    kind?: unknown;
    spec?: { replicas?: unknown };
    metadata?: { resourceVersion?: unknown };
  } | null;
  if (!s || typeof s !== 'object' || (s.kind !== undefined && s.kind !== 'Scale')) {
    throw new SimApiError(400, 'BadRequest', 'the body must be an autoscaling/v1 Scale');
  }
  const replicas = s.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new SimApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${o.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const next = structuredClone(o);
  (next.spec as Obj).replicas = replicas;
  const rv = s.metadata?.resourceVersion;
  if (typeof rv === 'string' && rv !== '') next.metadata.resourceVersion = rv;
  return next;
}
