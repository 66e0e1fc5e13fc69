// node_exporter's `sockstat` collector (v1.9.1, Linux), from /proc/net/sockstat and sockstat6,
// gauges, HELP "Number of <PROTO> sockets in state <key>.":
//   node_sockstat_sockets_used             "sockets: used N" of sockstat (IPv4 file only)
//   node_sockstat_<PROTO>_inuse            every protocol line (0 when the line has no inuse)
//   node_sockstat_<PROTO>_{orphan,tw,alloc,mem,memory}   when the line has that key
//   node_sockstat_<PROTO>_mem_bytes        mem (pages) × the kernel's page size
// e.g. node_sockstat_TCP_mem_bytes, node_sockstat_FRAG6_memory, node_sockstat_UDPLITE6_inuse.
//
// Which namespace: pid 1's (readHostNetFile in ../read.ts), the host's; upstream reads
// /proc/net/*, its own, and relies on hostNetwork. A missing file (IPv6 disabled) is skipped;
// another read error fails the collector.
// Lines are split on single spaces as procfs does. Deliberate difference: procfs fails the whole
// file on a malformed line (fewer than three fields, an odd key/value count, a non-integer
// value); here that line is skipped. A protocol whose name the exposition format cannot carry, or
// a name already emitted, is left out (upstream panics, or the registry drops it).
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { isNotExist, parseGoIntBase0, readHostNetFile } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { pageSize } from './page-size.ts';

export interface SockstatProtocol {
  protocol: string;
  /** Key → value of the line, e.g. inuse, orphan, tw, alloc, mem, memory. */
  values: Map<string, number>;
}

export interface Sockstat {
  /** "sockets: used N"; 0 when that line lacks "used", undefined when there is no such line. */
  used?: number;
  protocols: SockstatProtocol[];
}

/** A sockstat file. Malformed lines are skipped. */
export function parseSockstat(text: string): Sockstat {
  const out: Sockstat = { protocols: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the newline ending the last line
  for (const line of lines) {
    const fields = line.endsWith('\r') ? line.slice(0, -1).split(' ') : line.split(' ');
    if (fields.length < 3 || (fields.length - 1) % 2 !== 0) continue;
    const values = new Map<string, number>();
    let bad = false;
    for (let i = 1; i < fields.length; i += 2) {
      const v = parseGoIntBase0(fields[i + 1]!); // procfs: strconv.ParseInt(s, 0, 64)
      if (v === undefined) {
        bad = true;
        break;
      }
      values.set(fields[i]!, v);
    }
    if (bad) continue;
    const proto = fields[0]!.endsWith(':') ? fields[0]!.slice(0, -1) : fields[0]!;
    if (proto === 'sockets') out.used = values.get('used') ?? 0;
    else out.protocols.push({ protocol: proto, values });
  }
  return out;
}

const KEYS = ['inuse', 'orphan', 'tw', 'alloc', 'mem', 'memory'] as const;
const METRIC_NAME_TAIL = /^[a-zA-Z0-9_:]+$/;

function emit(out: Family[], seen: Set<string>, name: string, help: string, value: number): void {
  if (seen.has(name)) return;
  seen.add(name);
  const f = family(name, 'gauge', help);
  f.samples.push({ labels: [], value });
  out.push(f);
}

function read(proc: string, name: string): Sockstat | undefined {
  const r = readHostNetFile(proc, name, 64 * 1024);
  if (r.ok) return parseSockstat(r.text);
  if (isNotExist(r.code)) return undefined;
  throw new Error(`failed to get ${name === 'sockstat' ? 'IPv4' : 'IPv6'} sockstat data: ${r.code}`);
}

export interface SockstatOptions {
  /** Bytes per page for *_mem_bytes (default: this kernel's, page-size.ts). */
  pageSize?: number;
}

function collect(ctx: CollectContext, pageBytes: number): Family[] {
  const v4 = read(ctx.paths.proc, 'sockstat');
  const v6 = read(ctx.paths.proc, 'sockstat6');
  const out: Family[] = [];
  const seen = new Set<string>();
  if (v4?.used !== undefined)
    emit(out, seen, 'node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', v4.used);
  for (const stat of [v4, v6]) {
    for (const p of stat?.protocols ?? []) {
      if (!METRIC_NAME_TAIL.test(p.protocol)) continue;
      const help = (key: string): string => `Number of ${p.protocol} sockets in state ${key}.`;
      for (const key of KEYS) {
        const v = key === 'inuse' ? (p.values.get(key) ?? 0) : p.values.get(key);
        if (v !== undefined) emit(out, seen, `node_sockstat_${p.protocol}_${key}`, help(key), v);
      }
      const mem = p.values.get('mem');
      if (mem !== undefined)
        emit(out, seen, `node_sockstat_${p.protocol}_mem_bytes`, help('mem_bytes'), mem * pageBytes);
    }
  }
  return orderLikeGatherer(out);
}

export function createSockstatCollector(opts: SockstatOptions = {}): HostCollector {
  return { name: 'sockstat', collect: async (ctx) => collect(ctx, opts.pageSize ?? pageSize()) };
}

export const sockstatCollector: HostCollector = createSockstatCollector();
