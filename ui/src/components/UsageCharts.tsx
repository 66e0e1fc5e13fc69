// CPU (rate of container_cpu_usage_seconds_total) and memory working set charts side by side, for
// the containers `matchers` select, grouped by `by` — the node and pod pages' usage charts; with
// `io` (matchers of their own: a node's totals are its root cgroup's, `id="/"`, where cAdvisor
// counts the machine's interfaces and disks), network received / sent and filesystem read /
// written bytes per second too (cAdvisor's counters, as rates). The I/O charts ask only once the
// CPU and memory charts have their answers: on a small backend six range queries at once queue
// behind each other, and the first two are what the page is opened for.
import { useCallback, useState } from 'react';
import { fmtBytes, fmtCores } from '../lib/format.ts';
import { MetricChart } from './MetricChart.tsx';

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
      {io !== undefined
        ? IO.map(([title, metric]) =>
            settled >= 2 ? (
              <MetricChart
                key={metric}
                title={`${title}${of}`}
                metric={metric}
                fn="rate"
                by={[by]}
                matchers={io}
                format={perSecond}
              />
            ) : (
              // Holds the chart's place meanwhile, so the page below does not jump.
              <figure key={metric} className="chart card">
                <figcaption>{`${title}${of}`}</figcaption>
                <div className="empty">loading…</div>
              </figure>
            ),
          )
        : null}
    </div>
  );
}
