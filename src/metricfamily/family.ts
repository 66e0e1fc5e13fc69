// Metric families as collectors produce them at collection time (host metrics, cAdvisor-style
// container metrics, kubelet stats): rendered in the Prometheus text format or OpenMetrics for
// /metrics/<name>, and converted to OTLP for pipelines, so a scrape and a push carry the same
// series.
//
// Contracts:
// - A family's samples keep their label order; renderers never sort (node_exporter and the
//   kubelet have their own orders, and users diff our output against theirs).
// - Every sample of a family has the family's name (no _bucket/_sum suffixes: the collectors
//   here emit counters, gauges and untyped series only).
// - In OpenMetrics a counter family's name drops `_total`; a counter whose name lacks `_total`
//   is declared `unknown` (what kubestate does; Go's client would rename the samples instead).
import type { KeyValue } from '../model/common.ts';
import type { Metric, MetricsData, NumberDataPoint } from '../model/metrics.ts';
import { AggregationTemporality } from '../model/metrics.ts';
import type { ExpositionFormat } from '../telemetry/exposition.ts';
import { escapeHelp, escapeLabelValue, formatValue } from './text.ts';

export type FamilyType = 'counter' | 'gauge' | 'untyped';

/** Label name/value pairs in exposition order. */
export type Labels = readonly (readonly [string, string])[];

export interface Sample {
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch, written after the value when set (the kubelet's cAdvisor does). */
  timestampMs?: number;
}

export interface Family {
  name: string;
  help: string;
  type: FamilyType;
  samples: Sample[];
}

/** A family with no samples yet. */
export function family(name: string, type: FamilyType, help: string): Family {
  return { name, help, type, samples: [] };
}

function header(f: Family, format: ExpositionFormat): string {
  let name = f.name;
  let type: string = f.type;
  if (format === 'openmetrics') {
    if (type === 'untyped') type = 'unknown';
    else if (type === 'counter') {
      if (name.endsWith('_total')) name = name.slice(0, -6);
      else type = 'unknown';
    }
  }
  return `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${type}\n`;
}

/** `{k="v",...}` of a label set ("" for none). */
function labelText(labels: Labels): string {
  if (labels.length === 0) return '';
  let t = '{';
  for (let i = 0; i < labels.length; i++) {
    const [k, v] = labels[i]!;
    if (i > 0) t += ',';
    t += `${k}="${escapeLabelValue(v)}"`;
  }
  return t + '}';
}

/**
 * One sample line, newline included. `memo` (optional) caches label text by label-set identity:
 * collectors that share one label array across families (cAdvisor's rows) render it once.
 */
export function sampleLine(
  name: string,
  s: Sample,
  format: ExpositionFormat = 'text',
  memo?: Map<Labels, string>,
): string {
  let labels = memo?.get(s.labels);
  if (labels === undefined) {
    labels = labelText(s.labels);
    memo?.set(s.labels, labels);
  }
  let line = name + labels;
  line += ' ' + formatValue(s.value);
  if (s.timestampMs !== undefined) {
    // OpenMetrics timestamps are seconds; the text format's are milliseconds.
    line +=
      ' ' +
      (format === 'openmetrics' ? formatValue(s.timestampMs / 1000) : String(Math.trunc(s.timestampMs)));
  }
  return line + '\n';
}

/** The families as one exposition body (no `# EOF`: the registry adds it). Empty families are left out. */
export function renderFamilies(families: Iterable<Family>, format: ExpositionFormat = 'text'): string {
  let out = '';
  const memo = new Map<Labels, string>();
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out += header(f, format);
    for (const s of f.samples) out += sampleLine(f.name, s, format, memo);
  }
  return out;
}

export interface FamiliesToOtlpOptions {
  /** The resource of every metric (e.g. host.name, k8s.node.name). */
  resourceAttributes: readonly KeyValue[];
  scopeName: string;
  scopeVersion: string;
  timeUnixNano: bigint;
  /** Start of the cumulative counters: when the collector (or the counted thing) started. */
  startTimeUnixNano: bigint;
}

/**
 * The families as one OTLP ResourceMetrics: counters become cumulative monotonic sums, gauges
 * and untyped series gauges; labels become point attributes in their order. A sample's own
 * timestamp, when set, is its point's time.
 */
export function familiesToOtlp(families: Iterable<Family>, o: FamiliesToOtlpOptions): MetricsData {
  const metrics: Metric[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    const counter = f.type === 'counter';
    const points: NumberDataPoint[] = f.samples.map((s) => ({
      attributes: s.labels.map(([key, v]) => ({ key, value: { stringValue: v } })),
      startTimeUnixNano: counter ? o.startTimeUnixNano : 0n,
      timeUnixNano:
        s.timestampMs !== undefined ? BigInt(Math.trunc(s.timestampMs)) * 1_000_000n : o.timeUnixNano,
      asDouble: s.value,
      exemplars: [],
      flags: 0,
    }));
    metrics.push({
      name: f.name,
      description: f.help,
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
    });
  }
  if (metrics.length === 0) return { resourceMetrics: [] };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [...o.resourceAttributes], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: o.scopeName, version: o.scopeVersion, attributes: [], droppedAttributesCount: 0 },
            metrics,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}
