// node_exporter's `stat` collector (v1.9.1, Linux, default flags), from /proc/stat:
//   node_intr_total              counter  interrupts serviced (intr's first value)
//   node_context_switches_total  counter  ctxt
//   node_forks_total             counter  processes
//   node_boot_time_seconds       gauge    btime
//   node_procs_running           gauge    procs_running
//   node_procs_blocked           gauge    procs_blocked
// node_softirqs_total{vector} is behind --collector.stat.softirq (default off): not produced.
// A missing /proc/stat fails the collector. Deliberate difference: upstream reports 0 for a line
// the file lacks and fails on a malformed one; here that family is left out (a boot time of 0
// would be wrong data, not a value).
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family, FamilyType } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { parseProcStat } from './proc-stat.ts';
import type { ProcStat } from './proc-stat.ts';

type StatKey = Exclude<keyof ProcStat, 'total' | 'cpus'>;

const FAMILIES: readonly (readonly [string, FamilyType, string, StatKey])[] = [
  ['node_intr_total', 'counter', 'Total number of interrupts serviced.', 'intrTotal'],
  ['node_context_switches_total', 'counter', 'Total number of context switches.', 'contextSwitches'],
  ['node_forks_total', 'counter', 'Total number of forks.', 'processesCreated'],
  ['node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.', 'bootTime'],
  ['node_procs_running', 'gauge', 'Number of processes in runnable state.', 'procsRunning'],
  ['node_procs_blocked', 'gauge', 'Number of processes blocked waiting for I/O to complete.', 'procsBlocked'],
];

function collect(ctx: CollectContext): Family[] {
  const path = join(ctx.paths.proc, 'stat');
  const r = readFileResult(path);
  if (!r.ok) throw new Error(`couldn't read ${path}: ${r.code}`);
  const stat = parseProcStat(r.text);
  const out: Family[] = [];
  for (const [name, type, help, key] of FAMILIES) {
    const v = stat[key];
    if (v === undefined) continue;
    const f = family(name, type, help);
    f.samples.push({ labels: [], value: v });
    out.push(f);
  }
  return orderLikeGatherer(out);
}

export const statCollector: HostCollector = { name: 'stat', collect: async (ctx) => collect(ctx) };
