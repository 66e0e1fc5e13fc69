// CPU (rate of container_cpu_usage_seconds_total) and memory working set charts side by side, for
// the containers `matchers` select, grouped by `by` — the node and pod pages' usage charts; with
// `io` (matchers of their own: a node's totals are its root cgroup's, `id="/"`, where cAdvisor
// counts the machine's interfaces and disks), network received / sent and filesystem read /
// written bytes per second too (cAdvisor's counters, as rates).
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
  return (
    <div className="grid2" data-testid="usage-charts">
      <MetricChart
        title={`CPU used (cores)${of}`}
        metric="container_cpu_usage_seconds_total"
        fn="rate"
        by={[by]}
        matchers={matchers}
        format={fmtCores}
      />
      <MetricChart
        title={`Memory working set${of}`}
        metric="container_memory_working_set_bytes"
        fn="sum"
        by={[by]}
        matchers={matchers}
        format={fmtBytes}
      />
      {io !== undefined
        ? IO.map(([title, metric]) => (
            <MetricChart
              key={metric}
              title={`${title}${of}`}
              metric={metric}
              fn="rate"
              by={[by]}
              matchers={io}
              format={perSecond}
            />
          ))
        : null}
    </div>
  );
}
