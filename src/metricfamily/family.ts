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
import { renderFamiliesToBuffer } from './render.ts';

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

/**
 * The families as one exposition body (no `# EOF`: the registry adds it). Empty families are left
 * out. Endpoints serve renderFamiliesToBuffer's bytes; this string form is the same text.
 */
export function renderFamilies(families: Iterable<Family>, format: ExpositionFormat = 'text'): string {
  return renderFamiliesToBuffer(families, format).toString('utf8');
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
