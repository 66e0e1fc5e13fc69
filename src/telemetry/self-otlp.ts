// The process's own metrics (`watchingcat_*`, prom-client) as OTLP, so they can travel the
// metrics pipeline to the backend like any other data — which then shows every process's
// heartbeat, queue depth and refused / dropped counts (the UI's pipeline health page).
// Counters become cumulative monotonic sums, gauges gauges; histograms and summaries (process
// internals such as GC pauses) are left out: the health view does not read them.
import type { KeyValue } from '../model/common.ts';
import { AggregationTemporality, type Metric, type MetricsData } from '../model/metrics.ts';

/** What prom-client's Registry.getMetricsAsJSON() returns, as far as we read it. */
export interface PromJsonMetric {
  name: string;
  help: string;
  type: string;
  values: Array<{ value: number; labels: Record<string, string | number> }>;
}

const attrs = (labels: Record<string, string | number>): KeyValue[] =>
  Object.entries(labels).map(([key, v]) => ({ key, value: { stringValue: String(v) } }));

export function selfMetricsToOtlp(
  families: readonly PromJsonMetric[],
  resource: KeyValue[],
  startTimeUnixNano: bigint,
  timeUnixNano: bigint,
): MetricsData {
  const metrics: Metric[] = [];
  for (const f of families) {
    if (f.type !== 'counter' && f.type !== 'gauge') continue;
    const dataPoints = f.values
      .filter((v) => Number.isFinite(v.value))
      .map((v) => ({
        attributes: attrs(v.labels),
        startTimeUnixNano: f.type === 'counter' ? startTimeUnixNano : 0n,
        timeUnixNano,
        asDouble: v.value,
        exemplars: [],
        flags: 0,
      }));
    if (dataPoints.length === 0) continue;
    metrics.push({
      name: f.name,
      description: f.help,
      unit: '',
      metadata: [],
      data:
        f.type === 'counter'
          ? {
              type: 'sum',
              dataPoints,
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              isMonotonic: true,
            }
          : { type: 'gauge', dataPoints },
    });
  }
  return {
    resourceMetrics: metrics.length
      ? [
          {
            resource: { attributes: resource, droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeMetrics: [
              {
                scope: { name: 'watchingcat', version: '', attributes: [], droppedAttributesCount: 0 },
                metrics,
                schemaUrl: '',
              },
            ],
          },
        ]
      : [],
  };
}
