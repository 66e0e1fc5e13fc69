// kube-state-metrics' HorizontalPodAutoscaler families (internal/store/horizontalpodautoscaler.go).
// Metric sources are read from the member named by `type`; an entry whose source is missing
// is skipped (KSM skips such status entries; the API server rejects such spec entries).
// Families follow the catalog's order, which differs from the order in the Go file.
import {
  annotationsFamily,
  arr,
  conditionMetrics,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
  unixSeconds,
  deletionFamily,
} from '../generators.ts';
import { isQuantity, quantityFloat } from '../quantity.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface HorizontalPodAutoscaler extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;

function spec(a: HorizontalPodAutoscaler): Rec | undefined {
  return rec(a.spec);
}
function status(a: HorizontalPodAutoscaler): Rec | undefined {
  return rec(a.status);
}

/** Metric source type → the MetricSpec/MetricStatus member holding it. */
const SOURCES: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};

const TARGET_METRIC_LABELS = ['metric_name', 'metric_target_type', 'container'];

/**
 * kube_horizontalpodautoscaler_{spec,status}_target_metric: per metric entry, one series for
 * each of value / averageValue / averageUtilization that is set. `which` is "target" for
 * spec.metrics, "current" for status.currentMetrics.
 */
function targetMetrics(entries: unknown, which: 'target' | 'current'): Metric[] {
  const out: Metric[] = [];
  for (const e of arr(entries)) {
    const entry = rec(e);
    const type = str(entry?.type);
    const member = Object.hasOwn(SOURCES, type) ? SOURCES[type]! : undefined;
    const source = member === undefined ? undefined : rec(entry?.[member]);
    if (!source) continue;
    const name =
      type === 'Resource' || type === 'ContainerResource' ? str(source.name) : str(rec(source.metric)?.name);
    const container = type === 'ContainerResource' ? str(source.container) : '';
    const target = rec(source[which]);
    if (!target) continue;
    const add = (value: number, kind: string) =>
      out.push(metric(value, TARGET_METRIC_LABELS, [name, kind, container]));
    if (isQuantity(target.value)) add(quantityFloat(target.value), 'value');
    const utilization = num(target.averageUtilization);
    if (utilization !== undefined) add(utilization, 'utilization');
    if (isQuantity(target.averageValue)) add(quantityFloat(target.averageValue), 'average');
  }
  return out;
}

/**
 * resource.Quantity's AsApproximateFloat64 (the tolerances use it rather than the milli-value
 * conversion): the decimal or binary value as the nearest float.
 */
function approximateFloat(q: unknown): number | undefined {
  if (!isQuantity(q)) return undefined;
  const m = /^([+-]?[\d.]*)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/.exec(String(q).trim());
  if (!m) return undefined;
  const [, mantissa = '', binary, decimal, exponent] = m;
  if (binary !== undefined) return Number(mantissa) * 2 ** (10 * (BINARY_SUFFIXES.indexOf(binary) + 1));
  const exp = decimal !== undefined ? DECIMAL_SUFFIXES[decimal]! : Number(exponent ?? 0);
  const v = Number(`${mantissa}e${exp}`);
  return Number.isFinite(v) ? v : undefined;
}
const BINARY_SUFFIXES = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

function toleranceMetrics(a: HorizontalPodAutoscaler, direction: 'scaleUp' | 'scaleDown'): Metric[] {
  const v = approximateFloat(rec(rec(spec(a)?.behavior)?.[direction])?.tolerance);
  return v === undefined ? [] : [metric(v)];
}

export const resource: ResourceDef<HorizontalPodAutoscaler> = {
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  group: 'autoscaling',
  version: 'v2',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'horizontalpodautoscaler'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family(
      'kube_horizontalpodautoscaler_info',
      'gauge',
      'experimental',
      'Information about this autoscaler.',
      (a) => {
        const ref = rec(spec(a)?.scaleTargetRef);
        const apiVersion = str(ref?.apiVersion);
        const keys = ['scaletargetref_kind', 'scaletargetref_name'];
        const values = [str(ref?.kind), str(ref?.name)];
        if (apiVersion !== '') {
          keys.unshift('scaletargetref_api_version');
          values.unshift(apiVersion);
        }
        return [metric(1, keys, values)];
      },
    ),
    family(
      'kube_horizontalpodautoscaler_metadata_generation',
      'gauge',
      'stable',
      'The generation observed by the HorizontalPodAutoscaler controller.',
      (a) => [metric(num(a.metadata.generation) ?? 0)],
    ),
    family(
      'kube_horizontalpodautoscaler_spec_max_replicas',
      'gauge',
      'stable',
      'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
      (a) => [metric(num(spec(a)?.maxReplicas) ?? 0)],
    ),
    family(
      'kube_horizontalpodautoscaler_spec_min_replicas',
      'gauge',
      'stable',
      'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
      (a) => [metric(num(spec(a)?.minReplicas) ?? 1)],
    ),
    family(
      'kube_horizontalpodautoscaler_spec_target_metric',
      'gauge',
      'experimental',
      'The metric specifications used by this autoscaler when calculating the desired replica count.',
      (a) => targetMetrics(spec(a)?.metrics, 'target'),
    ),
    family(
      'kube_horizontalpodautoscaler_status_target_metric',
      'gauge',
      'stable',
      'The current metric status used by this autoscaler when calculating the desired replica count.',
      (a) => targetMetrics(status(a)?.currentMetrics, 'current'),
    ),
    family(
      'kube_horizontalpodautoscaler_status_current_replicas',
      'gauge',
      'stable',
      'Current number of replicas of pods managed by this autoscaler.',
      (a) => [metric(num(status(a)?.currentReplicas) ?? 0)],
    ),
    family(
      'kube_horizontalpodautoscaler_status_desired_replicas',
      'gauge',
      'stable',
      'Desired number of replicas of pods managed by this autoscaler.',
      (a) => [metric(num(status(a)?.desiredReplicas) ?? 0)],
    ),
    annotationsFamily('kube_horizontalpodautoscaler_annotations'),
    labelsFamily('kube_horizontalpodautoscaler_labels'),
    family(
      'kube_horizontalpodautoscaler_status_condition',
      'gauge',
      'stable',
      'The condition of this autoscaler.',
      (a) =>
        arr(status(a)?.conditions).flatMap((c) => {
          const cond = rec(c);
          return conditionMetrics(str(cond?.status), ['condition'], [str(cond?.type)]);
        }),
    ),
    family(
      'kube_horizontalpodautoscaler_created',
      'gauge',
      'experimental',
      'Unix creation timestamp',
      (a) => {
        const t = unixSeconds(a.metadata.creationTimestamp);
        return t === undefined ? [] : [metric(t)];
      },
    ),
    deletionFamily('kube_horizontalpodautoscaler_deletion_timestamp'),
    family(
      'kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance',
      'gauge',
      'experimental',
      'The tolerance on the ratio between the current and desired metric value below which no scale up occurs.',
      (a) => toleranceMetrics(a, 'scaleUp'),
    ),
    family(
      'kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance',
      'gauge',
      'experimental',
      'The tolerance on the ratio between the current and desired metric value below which no scale down occurs.',
      (a) => toleranceMetrics(a, 'scaleDown'),
    ),
  ],
};
