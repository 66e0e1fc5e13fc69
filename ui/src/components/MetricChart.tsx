// A chart fed by /api/v1/metrics/{name}/query_range.
import { useEffect } from 'react';
import { apiUrl } from '../api/client.ts';
import type { RangeSeries } from '../api/types.ts';
import { LineChart } from './charts.tsx';
import { ErrorBox } from './common.tsx';
import { rangeParams } from './data.ts';
import { useApi, useTimeRange } from './hooks.ts';

/** API range series as the line chart's: named by their `by` labels (all labels without), values as numbers. */
export function chartSeries(
  series: RangeSeries[],
  by: string[],
): { name: string; points: [number, number][] }[] {
  return series.map((s) => ({
    name: seriesName(s.labels, by),
    points: s.points.map(([t, v]) => [t, Number(v)] as [number, number]),
  }));
}

function seriesName(labels: Record<string, string>, by: string[]): string {
  const keys = by.length > 0 ? by : Object.keys(labels).sort();
  return keys.map((k) => (by.length === 1 ? (labels[k] ?? '') : `${k}=${labels[k] ?? ''}`)).join(', ');
}

export function MetricChart({
  metric,
  fn,
  by = [],
  matchers = [],
  title,
  format,
  height,
  onSettled,
}: {
  metric: string;
  fn: string;
  by?: string[];
  matchers?: string[];
  title: string;
  format: (v: number) => string;
  height?: number;
  /** Called once the first answer (data or error) is in. */
  onSettled?: () => void;
}) {
  const range = useTimeRange();
  const r = useApi<{ series: RangeSeries[] }>(
    apiUrl(`metrics/${encodeURIComponent(metric)}/query_range`, {
      ...rangeParams(range),
      fn,
      by: by.length ? by.join(',') : undefined,
      'match[]': matchers,
    }),
  );
  const settled = !r.loading;
  useEffect(() => {
    if (settled) onSettled?.();
  }, [settled, onSettled]);
  const series = chartSeries(r.data?.series ?? [], by);
  return (
    <div>
      <ErrorBox error={r.error} />
      <LineChart
        title={title}
        series={series}
        format={format}
        startMs={range.startMs}
        endMs={range.endMs}
        {...(height ? { height } : {})}
      />
    </div>
  );
}
