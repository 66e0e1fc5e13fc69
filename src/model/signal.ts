// Signal-generic operations on payloads: count items, split at an item count, append, clone.
// Splitting and appending keep resource/scope grouping, as the Collector's batch processor does.
import type { AnyValue, KeyValue, Signal } from './common.ts';
import { EncodedGroup, pendingItemCount } from './encoded-groups.ts';
import type { LogsData, ResourceLogs } from './logs.ts';
import type { Metric, MetricsData, ResourceMetrics } from './metrics.ts';
import type { ResourceSpans, TracesData } from './traces.ts';

export interface SignalDataMap {
  traces: TracesData;
  metrics: MetricsData;
  logs: LogsData;
}
export type SignalData<S extends Signal = Signal> = SignalDataMap[S];

export function emptyData<S extends Signal>(signal: S): SignalData<S> {
  const empty: SignalDataMap = {
    traces: { resourceSpans: [] },
    metrics: { resourceMetrics: [] },
    logs: { resourceLogs: [] },
  };
  return empty[signal] as SignalData<S>;
}

export function metricPointCount(m: Metric): number {
  return m.data ? m.data.dataPoints.length : 0;
}

/** Number of items (spans, metric data points, log records) in a payload. */
export function itemCount(signal: Signal, data: SignalData): number {
  let n = 0;
  switch (signal) {
    case 'traces':
      for (const rs of (data as TracesData).resourceSpans) n += groupItemCount(signal, rs);
      return n;
    case 'metrics':
      for (const rm of (data as MetricsData).resourceMetrics) n += groupItemCount(signal, rm);
      return n;
    case 'logs':
      for (const rl of (data as LogsData).resourceLogs) n += groupItemCount(signal, rl);
      return n;
  }
}

/** Items in one resource group; never decodes a group that still holds encoded scopes. */
function groupItemCount(signal: Signal, group: ResourceSpans | ResourceMetrics | ResourceLogs): number {
  const pending = pendingItemCount(group);
  if (pending >= 0) return pending;
  let n = 0;
  switch (signal) {
    case 'traces':
      for (const ss of (group as ResourceSpans).scopeSpans) n += ss.spans.length;
      return n;
    case 'metrics':
      for (const sm of (group as ResourceMetrics).scopeMetrics)
        for (const m of sm.metrics) n += metricPointCount(m);
      return n;
    case 'logs':
      for (const sl of (group as ResourceLogs).scopeLogs) n += sl.logRecords.length;
      return n;
  }
}

/** Appends `from`'s resource groups to `into` (mutates `into`). */
export function appendData<S extends Signal>(signal: S, into: SignalData<S>, from: SignalData<S>): void {
  switch (signal) {
    case 'traces':
      for (const r of (from as TracesData).resourceSpans) (into as TracesData).resourceSpans.push(r);
      return;
    case 'metrics':
      for (const r of (from as MetricsData).resourceMetrics) (into as MetricsData).resourceMetrics.push(r);
      return;
    case 'logs':
      for (const r of (from as LogsData).resourceLogs) (into as LogsData).resourceLogs.push(r);
      return;
  }
}

/**
 * Removes the first `n` items from `data` and returns them as a new payload. Only the
 * top-level list of `data` is changed; resource and scope objects are never modified (they
 * may be shared with other consumers); groups that straddle the cut are copied shallowly.
 * A metric's data points may be split across the two sides.
 */
export function takeItems<S extends Signal>(signal: S, data: SignalData<S>, n: number): SignalData<S> {
  switch (signal) {
    case 'traces': {
      const r = takeGrouped(
        (data as TracesData).resourceSpans as unknown as Group[],
        n,
        'scopeSpans',
        'spans',
        arrayLen,
        sliceArr,
      );
      return { resourceSpans: r } as unknown as SignalData<S>;
    }
    case 'logs': {
      const r = takeGrouped(
        (data as LogsData).resourceLogs as unknown as Group[],
        n,
        'scopeLogs',
        'logRecords',
        arrayLen,
        sliceArr,
      );
      return { resourceLogs: r } as unknown as SignalData<S>;
    }
    case 'metrics': {
      const r = takeGrouped(
        (data as MetricsData).resourceMetrics as unknown as Group[],
        n,
        'scopeMetrics',
        'metrics',
        (ms) => (ms as Metric[]).reduce((a, m) => a + metricPointCount(m), 0),
        (ms, k) => sliceMetrics(ms as Metric[], k),
      );
      return { resourceMetrics: r } as unknown as SignalData<S>;
    }
  }
  throw new Error(`unknown signal ${String(signal)}`);
}

type Group = Record<string, unknown>;
const arrayLen = (items: unknown[]): number => items.length;

function sliceArr(items: unknown[], n: number): [unknown[], unknown[]] {
  return [items.slice(0, n), items.slice(n)];
}

/** Splits a metric list so the head holds exactly `n` data points. */
function sliceMetrics(metrics: Metric[], n: number): [Metric[], Metric[]] {
  const head: Metric[] = [];
  let i = 0;
  for (; i < metrics.length && n > 0; i++) {
    const m = metrics[i]!;
    const c = metricPointCount(m);
    if (c <= n) {
      head.push(m);
      n -= c;
      continue;
    }
    // Split this metric's data points between the two sides.
    const data = m.data!;
    head.push({ ...m, data: { ...data, dataPoints: data.dataPoints.slice(0, n) } as typeof data });
    const rest = { ...m, data: { ...data, dataPoints: data.dataPoints.slice(n) } as typeof data };
    return [head, [rest, ...metrics.slice(i + 1)]];
  }
  return [head, metrics.slice(i)];
}

// Generic two-level split: resources → scopes → items. Changes only the `resources` list itself.
function takeGrouped(
  resources: Group[],
  n: number,
  scopeKey: string,
  itemKey: string,
  count: (items: unknown[]) => number,
  slice: (items: unknown[], n: number) => [unknown[], unknown[]],
): Group[] {
  const out: Group[] = [];
  while (n > 0 && resources.length > 0) {
    const r = resources[0]!;
    // A group that fits whole moves as it is (an encoded one stays encoded).
    const pending = pendingItemCount(r);
    if (pending >= 0 && pending <= n) {
      out.push(resources.shift()!);
      n -= pending;
      continue;
    }
    // Copy before changing: the groups may be shared with other consumers (fan-out).
    const scopes = [...(r[scopeKey] as Group[])];
    const taken: Group[] = [];
    while (n > 0 && scopes.length > 0) {
      const s = scopes[0]!;
      const items = s[itemKey] as unknown[];
      const c = count(items);
      if (c <= n) {
        taken.push(s);
        scopes.shift();
        n -= c;
      } else {
        const [head, tail] = slice(items, n);
        taken.push({ ...s, [itemKey]: head });
        scopes[0] = { ...s, [itemKey]: tail };
        n = 0;
      }
    }
    if (scopes.length === 0) resources.shift();
    else resources[0] = { ...r, [scopeKey]: scopes };
    out.push({ ...r, [scopeKey]: taken });
  }
  return out;
}

// ---- deep clone (structuredClone would copy whole ArrayBuffers behind byte views) ----

export function cloneAnyValue(v: AnyValue): AnyValue {
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(cloneAnyValue) } };
  if ('kvlistValue' in v) return { kvlistValue: { values: cloneAttributes(v.kvlistValue.values) } };
  if ('bytesValue' in v) return { bytesValue: v.bytesValue.slice() };
  return { ...v } as AnyValue;
}

export function cloneAttributes(attrs: KeyValue[]): KeyValue[] {
  return attrs.map((kv) => ({ key: kv.key, value: cloneAnyValue(kv.value) }));
}

function cloneDeep<T>(x: T): T {
  if (x === null || typeof x !== 'object') return x;
  if (x instanceof Uint8Array) return x.slice() as T;
  if (x instanceof EncodedGroup) {
    // Received bytes are never written to, so copies may share them.
    const shared = x.cloneEncoded(cloneDeep);
    if (shared !== null) return shared as T;
    const group = x as unknown as Record<string, unknown>;
    const plain = x.toJSON() as Record<string, unknown>;
    for (const k in plain) plain[k] = cloneDeep(group[k]);
    return plain as T;
  }
  if (Array.isArray(x)) return x.map(cloneDeep) as T;
  const out: Record<string, unknown> = {};
  for (const k in x) out[k] = cloneDeep((x as Record<string, unknown>)[k]);
  return out as T;
}

/** A deep copy that a mutating processor may change without affecting other consumers. */
export function cloneData<S extends Signal>(_signal: S, data: SignalData<S>): SignalData<S> {
  return cloneDeep(data);
}
