// Building blocks every resource's families share: series constructors, condition triples,
// timestamps, and the `_labels` / `_annotations` / `_created` families each resource has.
import { allowedLabels, sanitizeLabelName } from './labels.ts';
import type { FamilyDef, GenerateContext, KubeResourceObject, Metric, MetricType } from './types.ts';

export const NO_LABELS: readonly string[] = Object.freeze([]);

/** One series: `metric(1)`, `metric(0.5, ['resource'], ['cpu'])`. */
export function metric(
  value: number,
  keys: readonly string[] = NO_LABELS,
  values: readonly string[] = NO_LABELS,
): Metric {
  return { keys, values, value };
}

/** One series from a label object; keys keep the object's order. */
export function series(value: number, labels: Readonly<Record<string, string>>): Metric {
  return { keys: Object.keys(labels), values: Object.values(labels), value };
}

export function boolValue(b: boolean | undefined): number {
  return b ? 1 : 0;
}

const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

/**
 * kube-state-metrics' condition triple: one series per status ("true", "false", "unknown"),
 * 1 for the one the condition has. `status` is the last label, after `keys`.
 */
export function conditionMetrics(
  status: string | undefined,
  keys: readonly string[] = NO_LABELS,
  values: readonly string[] = NO_LABELS,
): Metric[] {
  return CONDITION_STATUSES.map((s) =>
    metric(status === s ? 1 : 0, [...keys, 'status'], [...values, s.toLowerCase()]),
  );
}

/**
 * RFC 3339 time → Unix seconds, truncated like Go's Time.Unix(). undefined for a missing or
 * zero ("0001-01-01T00:00:00Z") time.
 */
export function unixSeconds(t: unknown): number | undefined {
  if (typeof t !== 'string' || t === '') return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return undefined;
  const s = Math.floor(ms / 1000);
  return s === GO_ZERO_TIME_SECONDS ? undefined : s;
}

/** Go's zero time.Time in Unix seconds: metav1.Time.IsZero() is true for it. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

/**
 * A metav1.Time *pointer* as Unix seconds: any parseable time counts as set, Go's zero time
 * included (kube-state-metrics checks only the pointer); undefined when absent.
 */
export function setTimeSeconds(t: unknown): number | undefined {
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** A resource name as a label value: "nvidia.com/gpu" → "nvidia_com_gpu". */
export function resourceLabel(name: string): string {
  return sanitizeLabelName(name);
}

/** Shorthand for defining a family: the fields, then the generator. */
export function family<T>(
  name: string,
  type: MetricType,
  stability: 'stable' | 'experimental',
  help: string,
  generate: (obj: T, ctx: GenerateContext) => Metric[],
  extra: { deprecatedVersion?: string; optIn?: boolean } = {},
): FamilyDef<T> {
  return { name, type, stability, help, generate, ...extra };
}

/** `kube_<x>_labels`: allowed Kubernetes labels as `label_*`; no series when nothing is allowed. */
export function labelsFamily<T extends KubeResourceObject>(
  name: string,
  stability: 'stable' | 'experimental' = 'stable',
  help = 'Kubernetes labels converted to Prometheus labels.',
): FamilyDef<T> {
  return family<T>(name, 'gauge', stability, help, (o, ctx) => {
    if (ctx.allowLabels.length === 0) return [];
    const l = allowedLabels('label', stringMap(o.metadata.labels), ctx.allowLabels);
    return [metric(1, l.keys, l.values)];
  });
}

/** `kube_<x>_annotations`: allowed annotations as `annotation_*`. */
export function annotationsFamily<T extends KubeResourceObject>(
  name: string,
  stability: 'stable' | 'experimental' = 'experimental',
  help = 'Kubernetes annotations converted to Prometheus labels.',
): FamilyDef<T> {
  return family<T>(name, 'gauge', stability, help, (o, ctx) => {
    if (ctx.allowAnnotations.length === 0) return [];
    const a = allowedLabels('annotation', stringMap(o.metadata.annotations), ctx.allowAnnotations);
    return [metric(1, a.keys, a.values)];
  });
}

/** `kube_<x>_created`: creation time in Unix seconds; no series when unset. */
export function createdFamily<T extends KubeResourceObject>(
  name: string,
  stability: 'stable' | 'experimental' = 'stable',
  help = 'Unix creation timestamp',
): FamilyDef<T> {
  return family<T>(name, 'gauge', stability, help, (o) => {
    const t = unixSeconds(o.metadata.creationTimestamp);
    return t === undefined ? [] : [metric(t)];
  });
}

/** `kube_<x>_deletion_timestamp`: deletion time in Unix seconds; no series until deletion starts. */
export function deletionFamily<T extends KubeResourceObject>(
  name: string,
  stability: 'stable' | 'experimental' = 'experimental',
  help = 'Unix deletion timestamp',
): FamilyDef<T> {
  return family<T>(name, 'gauge', stability, help, (o) => {
    const t = unixSeconds(o.metadata.deletionTimestamp);
    return t === undefined ? [] : [metric(t)];
  });
}

/**
 * `kube_<x>_owner` series: one per owner reference (kind, name, whether it is the controller),
 * or a single series with empty labels when the object has no owner.
 */
export function ownerMetrics(o: KubeResourceObject): Metric[] {
  const keys = ['owner_kind', 'owner_name', 'owner_is_controller'];
  const owners = arr(o.metadata.ownerReferences);
  if (owners.length === 0) return [metric(1, keys, ['', '', ''])];
  return owners.map((x) => {
    const ref = rec(x);
    return metric(1, keys, [str(ref?.kind), str(ref?.name), String(ref?.controller === true)]);
  });
}

/** `metadata.resourceVersion` as a number when it parses as one (KSM's resourceVersionMetric). */
export function resourceVersionMetrics(rv: unknown): Metric[] {
  // Go's strconv.ParseFloat: decimal or exponent notation, no surrounding space.
  if (typeof rv !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(rv)) return [];
  return [metric(Number(rv))];
}

/** A string field as a label value: anything else (absent, wrong type) is "". */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A string-to-string map field (labels, selectors); entries of other types are left out. */
export function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

// Defensive accessors: objects come from the API server (or a user's file) and the fuzz test
// feeds every generator fields of the wrong type; a generator reads through these and never
// throws. Missing values read as Go's zero value at the call site (`num(x) ?? 0`).

/** An array field, or [] for anything else. */
export function arr<T = unknown>(v: unknown): readonly T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

/** An object field (not an array), or undefined. */
export function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

const EMPTY_RECORD: Record<string, unknown> = Object.freeze({});

/** An object field, or Go's zero struct (a frozen {}) for anything else. */
export function recOrEmpty(v: unknown): Record<string, unknown> {
  return rec(v) ?? EMPTY_RECORD;
}

/** An array of objects; an element that is not an object reads as Go's zero struct ({}). */
export function records(v: unknown): Record<string, unknown>[] {
  return arr(v).map(recOrEmpty);
}

/** One series with the field's value when it is set (a Go pointer field), else none. */
export function valueIfSet(v: unknown): Metric[] {
  const n = num(v);
  return n === undefined ? [] : [metric(n)];
}

/** A finite number field, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
