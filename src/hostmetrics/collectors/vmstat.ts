// node_exporter's `vmstat` collector (v1.9.1, Linux): one untyped family node_vmstat_<field> per
// /proc/vmstat field whose name matches --collector.vmstat.fields (default
// `^(oom_kill|pgpg|pswp|pg.*fault).*`), HELP "/proc/vmstat information field <field>.", the value
// through strconv.ParseFloat.
// A missing /proc/vmstat fails the collector. Deliberate differences: upstream fails on a value
// that is not a float and crashes on a line with one field; here such a line is skipped, as is a
// name the exposition format cannot carry. A field listed twice keeps its first value (the
// registry drops the second as a duplicate).
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { goFields, parseGoFloat, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { statelessRegExp } from './filters.ts';

/** --collector.vmstat.fields default (1.9.1). Unanchored at the end, like Go's MatchString. */
export const VMSTAT_DEFAULT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

const METRIC_NAME_TAIL = /^[a-zA-Z0-9_:]+$/;

export interface VmstatOptions {
  fields?: RegExp;
}

/** /proc/vmstat as [name, value] pairs in file order; malformed lines skipped. */
export function parseVmstat(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const line of text.split('\n')) {
    const f = goFields(line);
    if (f.length < 2) continue;
    const v = parseGoFloat(f[1]!);
    if (v !== undefined) out.push([f[0]!, v]);
  }
  return out;
}

export function createVmstatCollector(opts: VmstatOptions = {}): HostCollector {
  const fields = statelessRegExp(opts.fields ?? VMSTAT_DEFAULT_FIELDS);
  function collect(ctx: CollectContext): Family[] {
    const path = join(ctx.paths.proc, 'vmstat');
    const r = readFileResult(path);
    if (!r.ok) throw new Error(`couldn't read ${path}: ${r.code}`);
    const out: Family[] = [];
    const seen = new Set<string>();
    for (const [name, value] of parseVmstat(r.text)) {
      if (!fields.test(name) || !METRIC_NAME_TAIL.test(name) || seen.has(name)) continue;
      seen.add(name);
      const f = family(`node_vmstat_${name}`, 'untyped', `/proc/vmstat information field ${name}.`);
      f.samples.push({ labels: [], value });
      out.push(f);
    }
    return orderLikeGatherer(out);
  }
  return { name: 'vmstat', collect: async (ctx) => collect(ctx) };
}

export const vmstatCollector: HostCollector = createVmstatCollector();
