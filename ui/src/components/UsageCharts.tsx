// CPU (rate of container_cpu_usage_seconds_total) and memory working set charts side by side, for
// the containers `matchers` select, grouped by `by` — the node and pod pages' usage charts; with
// `io` (matchers of their own: a node's totals are its root cgroup's, `id="/"`, where cAdvisor
// counts the machine's interfaces and disks), network received / sent and filesystem read /
// written bytes per second too (cAdvisor's counters, as rates). The four I/O charts come from one
// request and one query (a range query's fixed cost is most of its cost on small data), asked
// once the CPU and memory charts have their answers — those two are what the page is opened for.
import { useCallback, useState } from 'react';
import { fmtBytes, fmtCores } from '../lib/format.ts';
import { apiUrl } from '../api/client.ts';
import type { RangeSeries } from '../api/types.ts';
import { LineChart } from './charts.tsx';
import { ErrorBox } from './common.tsx';
import { rangeParams } from './data.ts';
import { useApi, useTimeRange } from './hooks.ts';
import { chartSeries, MetricChart } from './MetricChart.tsx';

const perSecond = (v: number): string => `${fmtBytes(v)}/s`;

const IO: [string, string][] = [
  ['Network received', 'container_network_receive_bytes_total'],
  ['Network sent', 'container_network_transmit_bytes_total'],
  ['Filesystem reads', 'container_fs_reads_bytes_total'],
  ['Filesystem writes', 'container_fs_writes_bytes_total'],
];

export function UsageCharts({
  matchers,
  by,
  of,
  io,
}: {
  matchers: string[];
  by: string;
  of: string;
  io?: string[];
}) {
  const [settled, setSettled] = useState(0);
  const onSettled = useCallback(() => setSettled((n) => n + 1), []);
  return (
    <div className="grid2" data-testid="usage-charts">
      <MetricChart
        title={`CPU used (cores)${of}`}
        metric="container_cpu_usage_seconds_total"
        fn="rate"
        by={[by]}
        matchers={matchers}
        format={fmtCores}
        onSettled={onSettled}
      />
      <MetricChart
        title={`Memory working set${of}`}
        metric="container_memory_working_set_bytes"
        fn="sum"
        by={[by]}
        matchers={matchers}
        format={fmtBytes}
        onSettled={onSettled}
      />
      {io !== undefined ? (
        settled >= 2 ? (
          <IoCharts by={by} matchers={io} of={of} />
        ) : (
          // Holds the charts' places meanwhile, so the page below does not jump.
          IO.map(([title, metric]) => (
            <figure key={metric} className="chart card">
              <figcaption>{`${title}${of}`}</figcaption>
              <div className="empty">loading…</div>
            </figure>
          ))
        )
      ) : null}
    </div>
  );
}

/** The four I/O charts from one request (and one query): the same matchers, fn and by. */
function IoCharts({ by, matchers, of }: { by: string; matchers: string[]; of: string }) {
  const range = useTimeRange();
  const r = useApi<{ series: (RangeSeries & { metric: string })[] }>(
    apiUrl('metrics/query_range', {
      metric: IO.map(([, m]) => m),
      ...rangeParams(range),
      fn: 'rate',
      by,
      'match[]': matchers,
    }),
  );
  return (
    <>
      {IO.map(([title, metric], i) => (
        <div key={metric}>
          {i === 0 ? <ErrorBox error={r.error} /> : null}
          <LineChart
            title={`${title}${of}`}
            series={chartSeries(
              (r.data?.series ?? []).filter((x) => x.metric === metric),
              [by],
            )}
            format={perSecond}
            startMs={range.startMs}
            endMs={range.endMs}
          />
        </div>
      ))}
    </>
  );
}
