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
import { FirstFieldMemo, forEachLine, forEachLineFields } from '../line-fields.ts';
import { parseGoFloat, readFileResult } from '../read.ts';
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
  forEachLineFields(text, (f) => {
    if (f.length < 2) return;
    const v = parseGoFloat(f[1]!);
    if (v !== undefined) out.push([f[0]!, v]);
  });
  return out;
}

/** What a field name becomes: its family's name and help, or null when it is left out. */
type FieldPlan = { name: string; help: string } | null;

export function createVmstatCollector(opts: VmstatOptions = {}): HostCollector {
  const fields = statelessRegExp(opts.fields ?? VMSTAT_DEFAULT_FIELDS);
  // The kernel's field names are the same every scrape: decide each once and keep its family's
  // strings (bounded: a kernel has a few hundred; beyond the bound a name is decided per scrape).
  const plans = new Map<string, FieldPlan>();
  const plan = (field: string): FieldPlan => {
    let p = plans.get(field);
    if (p === undefined) {
      p =
        fields.test(field) && METRIC_NAME_TAIL.test(field)
          ? { name: `node_vmstat_${field}`, help: `/proc/vmstat information field ${field}.` }
          : null;
      if (plans.size < 4096) plans.set(field, p);
    }
    return p;
  };
  const names = new FirstFieldMemo();

  function collect(ctx: CollectContext): Family[] {
    const path = join(ctx.paths.proc, 'vmstat');
    const r = readFileResult(path);
    if (!r.ok) throw new Error(`couldn't read ${path}: ${r.code}`);
    const out: Family[] = [];
    const seen = new Set<string>();
    // parseVmstat's lines; the value parsed (and cut out) only for the fields kept.
    const text = r.text;
    forEachLine(text, (line, index) => {
      if (!line.next()) return;
      const field = names.name(text, line, index);
      if (!line.next()) return;
      const p = plan(field);
      if (p === null || seen.has(p.name)) return;
      const value = parseGoFloat(line.field());
      if (value === undefined) return;
      seen.add(p.name);
      const fam = family(p.name, 'untyped', p.help);
      fam.samples.push({ labels: [], value });
      out.push(fam);
    });
    return orderLikeGatherer(out);
  }
  return { name: 'vmstat', collect: async (ctx) => collect(ctx) };
}

export const vmstatCollector: HostCollector = createVmstatCollector();
