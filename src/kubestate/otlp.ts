// The exposition cache as OTLP metrics (the "streaming" mode: push instead of, or besides, a
// scrape). Series come from the cached lines themselves — the collector keeps no objects — so a
// pushed point is exactly what a scrape would show. One ResourceMetrics per Kubernetes resource
// type, carrying the optional signal-metadata attributes.
//
// At 10,000 pods a push is ~400,000 points, and a point with its attributes is ~2 KB of heap:
// converting everything at once would need ~1 GB. So the conversion is a generator of batches
// of at most `maxPoints` points; the receiver hands each to the pipeline (and waits for it)
// before the next is built.
import type { KeyValue } from '../model/common.ts';
import type { Metric, MetricsData, NumberDataPoint } from '../model/metrics.ts';
import { AggregationTemporality } from '../model/metrics.ts';
import { VERSION } from '../version.ts';
import { helpText } from './format.ts';
import { familyText, isOwned } from './store.ts';
import type { ResourceMetricsStore, CachedObject } from './store.ts';

/** Which signal-metadata resource attributes to add (the seed's telegen.* table, our prefix). */
export interface SignalMetadataOptions {
  enabled: boolean;
  category: boolean;
  subcategory: boolean;
  sourceModule: boolean;
  collectorType: boolean;
  description: boolean;
}

export const SIGNAL_METADATA_ATTRIBUTES = {
  category: 'watchingcat.signal.category',
  subcategory: 'watchingcat.signal.subcategory',
  sourceModule: 'watchingcat.source.module',
  collectorType: 'watchingcat.collector.type',
  description: 'watchingcat.signal.description',
} as const;

export const SOURCE_MODULE = 'watchingcat/src/kubestate';

export interface ToOtlpOptions {
  /** Added to every resource, e.g. k8s.cluster.name. */
  resourceAttributes?: Readonly<Record<string, string>>;
  signalMetadata?: SignalMetadataOptions;
  timeUnixNano: bigint;
  /** Start of the cumulative counters (when the collector started). */
  startTimeUnixNano: bigint;
}

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** Parses one series line we wrote (seriesLines): name{k="v",...} value. */
export function parseSeriesLine(
  line: string,
): { name: string; labels: KeyValue[]; value: number } | undefined {
  const brace = line.indexOf('{');
  const space = line.lastIndexOf(' ');
  if (space <= 0) return undefined;
  const labels: KeyValue[] = [];
  let name: string;
  if (brace < 0 || brace > space) {
    name = line.slice(0, space);
  } else {
    name = line.slice(0, brace);
    let i = brace + 1;
    while (i < line.length && line.charCodeAt(i) !== CLOSE_BRACE) {
      const eq = line.indexOf('="', i);
      if (eq < 0) return undefined;
      const key = line.slice(i, eq);
      const start = eq + 2;
      let end = line.indexOf('"', start);
      if (end < 0) return undefined;
      let v: string;
      const backslash = line.indexOf('\\', start);
      if (backslash < 0 || backslash > end) {
        v = line.slice(start, end); // the common case: nothing escaped
      } else {
        v = '';
        let j = start;
        for (; j < line.length && line.charCodeAt(j) !== QUOTE; j++) {
          if (line.charCodeAt(j) === BACKSLASH) {
            const n = line[++j];
            v += n === 'n' ? '\n' : (n ?? '');
          } else v += line[j];
        }
        end = j;
      }
      labels.push(str(key, v));
      i = end + 1;
      if (line.charCodeAt(i) === COMMA) i++;
    }
  }
  const raw = line.slice(space + 1);
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  return { name, labels, value };
}
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function resourceAttributes(store: ResourceMetricsStore, o: ToOtlpOptions): KeyValue[] {
  const attrs: KeyValue[] = Object.entries(o.resourceAttributes ?? {}).map(([k, v]) => str(k, v));
  const m = o.signalMetadata;
  if (m?.enabled) {
    const kind = store.def.kind;
    if (m.category) attrs.push(str(SIGNAL_METADATA_ATTRIBUTES.category, 'Kubernetes State'));
    if (m.subcategory) attrs.push(str(SIGNAL_METADATA_ATTRIBUTES.subcategory, `${kind} Metrics`));
    if (m.sourceModule) attrs.push(str(SIGNAL_METADATA_ATTRIBUTES.sourceModule, SOURCE_MODULE));
    if (m.collectorType) attrs.push(str(SIGNAL_METADATA_ATTRIBUTES.collectorType, 'api'));
    if (m.description) {
      attrs.push(
        str(
          SIGNAL_METADATA_ATTRIBUTES.description,
          `${kind} state and status metrics from the Kubernetes API`,
        ),
      );
    }
  }
  return attrs;
}

/** Points per batch by default: ~20 MB of heap at a time. */
export const DEFAULT_BATCH_POINTS = 10_000;

/**
 * OTLP metrics for every resource with owned objects, in batches of at most about `maxPoints`
 * points (a family may continue in the next batch). Counters are cumulative monotonic sums.
 */
export function* toOtlpBatches(
  snapshot: Iterable<{ store: ResourceMetricsStore; objects: Iterable<CachedObject> }>,
  o: ToOtlpOptions,
  maxPoints = DEFAULT_BATCH_POINTS,
): Generator<MetricsData> {
  let batch: MetricsData = { resourceMetrics: [] };
  let inBatch = 0;
  for (const { store, objects } of snapshot) {
    const owned = [...objects].filter(isOwned);
    if (owned.length === 0) continue;
    const resource = { attributes: resourceAttributes(store, o), droppedAttributesCount: 0 };
    let metrics: Metric[] | undefined; // the open ResourceMetrics' metrics in the current batch
    const open = (): Metric[] => {
      if (metrics) return metrics;
      const m: Metric[] = [];
      batch.resourceMetrics.push({
        resource,
        scopeMetrics: [
          {
            scope: { name: SOURCE_MODULE, version: VERSION, attributes: [], droppedAttributesCount: 0 },
            metrics: m,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      });
      return (metrics = m);
    };
    for (let i = 0; i < store.families.length; i++) {
      const f = store.families[i]!;
      let points: NumberDataPoint[] = [];
      const emit = () => {
        if (points.length === 0) return;
        open().push(metricOf(f.name, helpText(f), f.type === 'counter', points));
        points = [];
      };
      for (const obj of owned) {
        const chunk = familyText(obj, i);
        let start = 0;
        while (start < chunk.length) {
          const nl = chunk.indexOf('\n', start);
          const line = chunk.slice(start, nl < 0 ? chunk.length : nl);
          start = nl < 0 ? chunk.length : nl + 1;
          const s = parseSeriesLine(line);
          if (!s) continue;
          points.push({
            attributes: s.labels,
            startTimeUnixNano: f.type === 'counter' ? o.startTimeUnixNano : 0n,
            timeUnixNano: o.timeUnixNano,
            asDouble: s.value,
            exemplars: [],
            flags: 0,
          });
          if (++inBatch >= maxPoints) {
            emit();
            yield batch;
            batch = { resourceMetrics: [] };
            inBatch = 0;
            metrics = undefined;
          }
        }
      }
      emit();
    }
  }
  if (inBatch > 0) yield batch;
}

/** Everything in one MetricsData (small stores and tests; see toOtlpBatches). */
export function toOtlp(
  snapshot: Iterable<{ store: ResourceMetricsStore; objects: Iterable<CachedObject> }>,
  o: ToOtlpOptions,
): MetricsData {
  const all: MetricsData = { resourceMetrics: [] };
  for (const b of toOtlpBatches(snapshot, o, Infinity)) all.resourceMetrics.push(...b.resourceMetrics);
  return all;
}

function metricOf(name: string, description: string, counter: boolean, points: NumberDataPoint[]): Metric {
  return {
    name,
    description,
    unit: '',
    metadata: [],
    data: counter
      ? {
          type: 'sum',
          dataPoints: points,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          isMonotonic: true,
        }
      : { type: 'gauge', dataPoints: points },
  };
}
