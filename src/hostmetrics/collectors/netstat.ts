// node_exporter's `netstat` collector (v1.9.1, Linux, default flags): one untyped family
// node_netstat_<Protocol>_<Field> per field of /proc/net/netstat, /proc/net/snmp and
// /proc/net/snmp6 whose "<Protocol>_<Field>" matches the default --collector.netstat.fields.
//
// Semantics kept from node_exporter (collector/netstat_linux.go):
// - snmp's protocols are merged over netstat's, then snmp6's (a protocol present in two files
//   takes the later file's fields; the real files never overlap).
// - snmp6 missing (IPv6 disabled) is not an error; netstat or snmp missing fails the collector.
// - Values go through strconv.ParseFloat; HELP is "Statistic <Protocol><Field>.".
// Which namespace: pid 1's (see readHostNetFile in ../read.ts); upstream reads /proc/net/*,
// its own namespace, and relies on hostNetwork.
// Deliberate differences: a header/value line pair of different lengths, or a value that is not
// a float, is skipped; upstream fails the whole collector on either.
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { isNotExist, parseGoFloat, readHostNetFile } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { statelessRegExp } from './filters.ts';
import { parseNetStats, parseSnmp6 } from './net-parse.ts';
import type { NetStats } from './net-parse.ts';

/** --collector.netstat.fields default (1.9.1). */
export const NETSTAT_DEFAULT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

const METRIC_NAME_TAIL = /^[a-zA-Z0-9_:]+$/;

export interface NetstatOptions {
  fields?: RegExp;
}

function required(proc: string, name: string): string {
  const r = readHostNetFile(proc, name);
  if (!r.ok)
    throw new Error(
      `couldn't get ${name === 'snmp' ? 'SNMP' : name} stats: ${r.code} reading ${proc}/1/net/${name}`,
    );
  return r.text;
}

export function createNetstatCollector(opts: NetstatOptions = {}): HostCollector {
  const fields = statelessRegExp(opts.fields ?? NETSTAT_DEFAULT_FIELDS);
  // The kernel's field names are the same every scrape: decide each once (bounded: a kernel
  // has a few hundred; a pathological file beyond the bound is still filtered, just not cached).
  const wanted = new Map<string, boolean>();
  const want = (key: string): boolean => {
    let w = wanted.get(key);
    if (w === undefined) {
      w = fields.test(key) && METRIC_NAME_TAIL.test(key);
      if (wanted.size < 4096) wanted.set(key, w);
    }
    return w;
  };

  function collect(ctx: CollectContext): Family[] {
    const { proc } = ctx.paths;
    const merged: NetStats = parseNetStats(required(proc, 'netstat'));
    for (const [p, f] of parseNetStats(required(proc, 'snmp'))) merged.set(p, f);
    const snmp6 = readHostNetFile(proc, 'snmp6');
    if (snmp6.ok) for (const [p, f] of parseSnmp6(snmp6.text)) merged.set(p, f);
    else if (!isNotExist(snmp6.code)) throw new Error(`couldn't get SNMP6 stats: ${snmp6.code}`);

    const out: Family[] = [];
    const seen = new Set<string>();
    for (const [protocol, stats] of merged) {
      for (const [name, raw] of stats) {
        const key = `${protocol}_${name}`;
        // Not selected, a name the exposition format cannot carry (upstream panics on it), or one
        // already emitted ("A_B"+"C" vs "A"+"B_C"; the registry would reject the second): left out.
        if (!want(key) || seen.has(key)) continue;
        seen.add(key);
        const v = parseGoFloat(raw);
        if (v === undefined) continue;
        const f = family(`node_netstat_${key}`, 'untyped', `Statistic ${protocol}${name}.`);
        f.samples.push({ labels: [], value: v });
        out.push(f);
      }
    }
    return orderLikeGatherer(out);
  }

  return { name: 'netstat', collect: async (ctx) => collect(ctx) };
}

export const netstatCollector: HostCollector = createNetstatCollector();
