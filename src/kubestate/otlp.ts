// The exposition cache as OTLP metrics (the "streaming" mode: push instead of, or besides, a
// scrape). Series come from the cached lines themselves — the collector keeps no objects — so a
// pushed point is exactly what a scrape would show. One ResourceMetrics per Kubernetes resource
// type, carrying the optional signal-metadata attributes.
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
    while (i < line.length && line[i] !== '}') {
      const eq = line.indexOf('="', i);
      if (eq < 0) return undefined;
      const key = line.slice(i, eq);
      let v = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          const n = line[++j];
          v += n === 'n' ? '\n' : (n ?? '');
        } else v += line[j];
      }
      labels.push(str(key, v));
      i = j + 1;
      if (line[i] === ',') i++;
    }
  }
  const raw = line.slice(space + 1);
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  return { name, labels, value };
}

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

/** OTLP metrics for every resource with owned objects. Counters are cumulative monotonic sums. */
export function toOtlp(
  snapshot: Iterable<{ store: ResourceMetricsStore; objects: Iterable<CachedObject> }>,
  o: ToOtlpOptions,
): MetricsData {
  const data: MetricsData = { resourceMetrics: [] };
  for (const { store, objects } of snapshot) {
    const owned = [...objects].filter(isOwned);
    if (owned.length === 0) continue;
    const metrics: Metric[] = [];
    store.families.forEach((f, i) => {
      const points: NumberDataPoint[] = [];
      for (const obj of owned) {
        const chunk = familyText(obj, i);
        if (chunk === '') continue;
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
        }
      }
      if (points.length === 0) return;
      metrics.push({
        name: f.name,
        description: helpText(f),
        unit: '',
        metadata: [],
        data:
          f.type === 'counter'
            ? {
                type: 'sum',
                dataPoints: points,
                aggregationTemporality: AggregationTemporality.CUMULATIVE,
                isMonotonic: true,
              }
            : { type: 'gauge', dataPoints: points },
      });
    });
    if (metrics.length === 0) continue;
    data.resourceMetrics.push({
      resource: { attributes: resourceAttributes(store, o), droppedAttributesCount: 0 },
      scopeMetrics: [
        {
          scope: { name: SOURCE_MODULE, version: VERSION, attributes: [], droppedAttributesCount: 0 },
          metrics,
          schemaUrl: '',
        },
      ],
      schemaUrl: '',
    });
  }
  return data;
}
