// node_exporter's `pressure` collector (v1.9.1, Linux), from /proc/pressure/{cpu,io,memory,irq}
// (Documentation/accounting/psi.rst), counters in seconds (total is in microseconds):
//   node_pressure_cpu_waiting_seconds_total     cpu "some"
//   node_pressure_io_waiting_seconds_total      io "some"
//   node_pressure_io_stalled_seconds_total      io "full"
//   node_pressure_memory_waiting_seconds_total  memory "some"
//   node_pressure_memory_stalled_seconds_total  memory "full"
//   node_pressure_irq_stalled_seconds_total     irq "full" (Linux 6.1+ with CONFIG_IRQ_TIME_ACCOUNTING)
// The cpu file's "full" line (Linux 5.13+) is not reported, as upstream.
//
// Failure semantics kept from upstream: a missing resource file is skipped; none at all, or a
// file that cannot be read because PSI is disabled (EOPNOTSUPP: booted with psi=0), fails the
// collector ("no data", node_scrape_collector_success 0); any other read error fails it too.
// Deliberate difference: upstream fails the collector on a malformed line or on a resource
// lacking its "some" / "full" line; here that line, or that resource, is skipped.
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { isNotExist, parseGoFloat, parseGoUint, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Microseconds. */
  total: number;
}

export interface PsiStats {
  some?: PsiLine;
  full?: PsiLine;
}

// procfs keeps lines whose text before the first space is "some" or "full" and scans them with
// fmt.Sscanf("some avg10=%f avg60=%f avg300=%f total=%d"): a space in the format matches any run
// of blanks (or none), and anything after the total is ignored.
const LINE_RE = /^(some|full) [ \t]*avg10=(\S+?)[ \t]*avg60=(\S+?)[ \t]*avg300=(\S+?)[ \t]*total=([0-9]+)/;

/** Real lines are ~60 characters. */
const MAX_LINE = 512;

/** A /proc/pressure/<resource> file. Lines that do not scan are skipped; the last of a kind wins. */
export function parsePsi(text: string): PsiStats {
  const out: PsiStats = {};
  for (const line of text.split('\n')) {
    if (line.length > MAX_LINE) continue; // keeps the backtracking regex linear-bounded
    const m = LINE_RE.exec(line);
    if (m === null) continue;
    const avg10 = parseGoFloat(m[2]!);
    const avg60 = parseGoFloat(m[3]!);
    const avg300 = parseGoFloat(m[4]!);
    const total = parseGoUint(m[5]!);
    if (avg10 === undefined || avg60 === undefined || avg300 === undefined || total === undefined) continue;
    out[m[1] as 'some' | 'full'] = { avg10, avg60, avg300, total };
  }
  return out;
}

/** Go's float64(total)/1000.0/1000.0: two roundings, kept for bit-equal values. */
const seconds = (us: number): number => us / 1000 / 1000;

interface Output {
  name: string;
  help: string;
  line: 'some' | 'full';
}

const RESOURCES: readonly (readonly [string, readonly Output[]])[] = [
  [
    'cpu',
    [
      {
        name: 'node_pressure_cpu_waiting_seconds_total',
        help: 'Total time in seconds that processes have waited for CPU time',
        line: 'some',
      },
    ],
  ],
  [
    'io',
    [
      {
        name: 'node_pressure_io_waiting_seconds_total',
        help: 'Total time in seconds that processes have waited due to IO congestion',
        line: 'some',
      },
      {
        name: 'node_pressure_io_stalled_seconds_total',
        help: 'Total time in seconds no process could make progress due to IO congestion',
        line: 'full',
      },
    ],
  ],
  [
    'memory',
    [
      {
        name: 'node_pressure_memory_waiting_seconds_total',
        help: 'Total time in seconds that processes have waited for memory',
        line: 'some',
      },
      {
        name: 'node_pressure_memory_stalled_seconds_total',
        help: 'Total time in seconds no process could make progress due to memory congestion',
        line: 'full',
      },
    ],
  ],
  [
    'irq',
    [
      {
        name: 'node_pressure_irq_stalled_seconds_total',
        help: 'Total time in seconds no process could make progress due to IRQ congestion',
        line: 'full',
      },
    ],
  ],
];

function collect(ctx: CollectContext): Family[] {
  const out: Family[] = [];
  let found = 0;
  for (const [resource, outputs] of RESOURCES) {
    const path = join(ctx.paths.proc, 'pressure', resource);
    const r = readFileResult(path, 64 * 1024);
    if (!r.ok) {
      if (isNotExist(r.code)) continue;
      if (r.code === 'EOPNOTSUPP' || r.code === 'ENOTSUP')
        throw new Error('collector returned no data: pressure information is disabled (psi=0)');
      throw new Error(`failed to retrieve pressure stats: ${r.code} reading ${path}`);
    }
    const stats = parsePsi(r.text);
    if (outputs.some((o) => stats[o.line] === undefined)) continue;
    for (const o of outputs) {
      const f = family(o.name, 'counter', o.help);
      f.samples.push({ labels: [], value: seconds(stats[o.line]!.total) });
      out.push(f);
    }
    found++;
  }
  if (found === 0)
    throw new Error(
      'collector returned no data: no usable /proc/pressure file (Linux < 4.20 or no CONFIG_PSI)',
    );
  return orderLikeGatherer(out);
}

export const pressureCollector: HostCollector = { name: 'pressure', collect: async (ctx) => collect(ctx) };
