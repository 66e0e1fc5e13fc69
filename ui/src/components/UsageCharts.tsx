// CPU (rate of container_cpu_usage_seconds_total) and memory working set charts side by side, for
// the containers `matchers` select, grouped by `by` — the node and pod pages' usage charts.
import { fmtBytes, fmtCores } from '../lib/format.ts';
import { MetricChart } from './MetricChart.tsx';

export function UsageCharts({ matchers, by, of }: { matchers: string[]; by: string; of: string }) {
  return (
    <div className="grid2">
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
    </div>
  );
}
