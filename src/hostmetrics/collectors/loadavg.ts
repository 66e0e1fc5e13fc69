// node_exporter's `loadavg` collector (v1.9.1, Linux): node_load1, node_load5, node_load15,
// gauges, the first three fields of /proc/loadavg (strconv.ParseFloat).
// A missing /proc/loadavg fails the collector. Deliberate difference: upstream fails on fewer than
// three fields or a value that is not a float; here such a value is left out.
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { goFields, parseGoFloat, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';

const LOADS = [
  ['node_load1', '1m load average.'],
  ['node_load5', '5m load average.'],
  ['node_load15', '15m load average.'],
] as const;

/** [1m, 5m, 15m] from /proc/loadavg's text; an entry is undefined when missing or malformed. */
export function parseLoadavg(text: string): (number | undefined)[] {
  // Only the first line's leading fields matter; the kernel writes a single short line.
  const f = goFields(text.slice(0, 4096)).slice(0, 3);
  return [0, 1, 2].map((i) => (f[i] === undefined ? undefined : parseGoFloat(f[i])));
}

function collect(ctx: CollectContext): Family[] {
  const path = join(ctx.paths.proc, 'loadavg');
  const r = readFileResult(path, 64 * 1024);
  if (!r.ok) throw new Error(`couldn't get load: ${r.code} reading ${path}`);
  const loads = parseLoadavg(r.text);
  const out: Family[] = [];
  LOADS.forEach(([name, help], i) => {
    const v = loads[i];
    if (v === undefined) return;
    const f = family(name, 'gauge', help);
    f.samples.push({ labels: [], value: v });
    out.push(f);
  });
  return orderLikeGatherer(out);
}

export const loadavgCollector: HostCollector = { name: 'loadavg', collect: async (ctx) => collect(ctx) };
