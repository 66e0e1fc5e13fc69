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
import { FirstFieldMemo, forEachLine } from '../line-fields.ts';
import { isNotExist, parseGoFloat, readHostNetFile } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { statelessRegExp } from './filters.ts';

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

/** A field the collector emits, with its family's strings (built once per kernel layout). */
interface Pick {
  key: string;
  name: string;
  help: string;
}

/**
 * What one header line of /proc/net/netstat or /proc/net/snmp ("Proto: Name1 Name2 ...")
 * becomes: the protocol, the number of space-separated fields its value line must have, and the
 * fields kept with their positions (ascending; a name repeated on the line keeps its last
 * position, as parseNetStats' Map does). null: not a header (parseNetStats skips the pair).
 */
interface PairLayout {
  protocol: string;
  count: number;
  picks: { index: number; field: string; pick: Pick }[];
}

/** A /proc/net/snmp6 name: its protocol (through the first "6") and the pick, if kept. */
interface Snmp6Name {
  protocol: string;
  field: string;
  pick: Pick | null;
}

/** Protocol → field → [what it becomes, the raw value], in parseNetStats / parseSnmp6 order. */
type Selected = Map<string, Map<string, readonly [Pick, string]>>;

const CACHE_BOUND = 4096;

export function createNetstatCollector(opts: NetstatOptions = {}): HostCollector {
  const fields = statelessRegExp(opts.fields ?? NETSTAT_DEFAULT_FIELDS);
  // The kernel's lines and names are the same every scrape: each header line and snmp6 name is
  // decided once, and only the kept values are cut out of the value lines (bounded caches; past a
  // bound, entries are decided per scrape).
  const picks = new Map<string, Pick | null>();
  const pickOf = (protocol: string, field: string): Pick | null => {
    const key = `${protocol}_${field}`;
    let p = picks.get(key);
    if (p === undefined) {
      p =
        fields.test(key) && METRIC_NAME_TAIL.test(key)
          ? { key, name: `node_netstat_${key}`, help: `Statistic ${protocol}${field}.` }
          : null;
      if (picks.size < CACHE_BOUND) picks.set(key, p);
    }
    return p;
  };
  const layouts = new Map<string, PairLayout | null>();
  const layoutOf = (header: string): PairLayout | null => {
    let l = layouts.get(header);
    if (l === undefined) {
      l = buildLayout(header, pickOf);
      if (layouts.size < CACHE_BOUND) layouts.set(header, l);
    }
    return l;
  };
  const snmp6Tokens = new FirstFieldMemo();
  const snmp6Names = new Map<string, Snmp6Name | null>();
  const snmp6NameOf = (token: string): Snmp6Name | null => {
    let n = snmp6Names.get(token);
    if (n === undefined) {
      const six = token.indexOf('6');
      if (six < 0) n = null;
      else {
        const protocol = token.slice(0, six + 1);
        const field = token.slice(six + 1);
        n = { protocol, field, pick: pickOf(protocol, field) };
      }
      if (snmp6Names.size < CACHE_BOUND) snmp6Names.set(token, n);
    }
    return n;
  };

  function collect(ctx: CollectContext): Family[] {
    const { proc } = ctx.paths;
    // snmp's protocols over netstat's, then snmp6's (see the header).
    const selected: Selected = new Map();
    selectPairs(required(proc, 'netstat'), layoutOf, selected);
    selectPairs(required(proc, 'snmp'), layoutOf, selected);
    const snmp6 = readHostNetFile(proc, 'snmp6');
    if (snmp6.ok) selectSnmp6(snmp6.text, snmp6Tokens, snmp6NameOf, selected);
    else if (!isNotExist(snmp6.code)) throw new Error(`couldn't get SNMP6 stats: ${snmp6.code}`);

    const out: Family[] = [];
    const seen = new Set<string>();
    for (const stats of selected.values()) {
      for (const [pick, raw] of stats.values()) {
        // One already emitted ("A_B"+"C" vs "A"+"B_C"; the registry would reject the second): left
        // out. Names not selected, or that the exposition format cannot carry (upstream panics on
        // them), never got a pick.
        if (seen.has(pick.key)) continue;
        seen.add(pick.key);
        const v = parseGoFloat(raw);
        if (v === undefined) continue;
        const f = family(pick.name, 'untyped', pick.help);
        f.samples.push({ labels: [], value: v });
        out.push(f);
      }
    }
    return orderLikeGatherer(out);
  }

  return { name: 'netstat', collect: async (ctx) => collect(ctx) };
}

function buildLayout(
  header: string,
  pickOf: (protocol: string, field: string) => Pick | null,
): PairLayout | null {
  const names = header.split(' ');
  const head = names[0]!;
  if (!head.endsWith(':') || head.length < 2) return null;
  const protocol = head.slice(0, -1);
  const byField = new Map<string, { index: number; field: string; pick: Pick }>();
  for (let k = 1; k < names.length; k++) {
    const field = names[k]!;
    const pick = pickOf(protocol, field);
    if (pick === null) continue;
    byField.delete(field); // a repeated name counts at its last position
    byField.set(field, { index: k, field, pick });
  }
  return { protocol, count: names.length, picks: [...byField.values()].sort((a, b) => a.index - b.index) };
}

/**
 * parseNetStats' pairs of lines, with only the kept values cut out of each value line. A pair
 * whose lengths differ is skipped; a protocol seen again replaces its earlier fields, in its
 * first place.
 */
function selectPairs(text: string, layoutOf: (header: string) => PairLayout | null, into: Selected): void {
  let pos = 0;
  for (;;) {
    const headerEnd = text.indexOf('\n', pos);
    if (headerEnd < 0) return; // a header without a value line
    let valuesEnd = text.indexOf('\n', headerEnd + 1);
    const last = valuesEnd < 0;
    if (last) valuesEnd = text.length;
    const layout = layoutOf(text.slice(pos, headerEnd));
    if (layout !== null) {
      const stats = cutValues(text, headerEnd + 1, valuesEnd, layout);
      // A protocol seen before keeps its place in the order and takes these fields.
      if (stats !== undefined) into.set(layout.protocol, stats);
    }
    if (last) return;
    pos = valuesEnd + 1;
  }
}

/** The kept fields of one value line text[start, end), or undefined when its length is wrong. */
function cutValues(
  text: string,
  start: number,
  end: number,
  layout: PairLayout,
): Map<string, readonly [Pick, string]> | undefined {
  const stats = new Map<string, readonly [Pick, string]>();
  let p = 0;
  let token = 0;
  for (let from = start; ; token++) {
    let sp = text.indexOf(' ', from);
    if (sp < 0 || sp > end) sp = end;
    const want = layout.picks[p];
    if (want !== undefined && want.index === token) {
      stats.set(want.field, [want.pick, text.slice(from, sp)]);
      p++;
    }
    if (sp === end) break;
    from = sp + 1;
  }
  return token + 1 === layout.count ? stats : undefined;
}

/** parseSnmp6's "<Proto6><Name> <value>" lines, keeping the selected names. */
function selectSnmp6(
  text: string,
  names: FirstFieldMemo,
  nameOf: (token: string) => Snmp6Name | null,
  into: Selected,
): void {
  // Per protocol, the fields of this file: a protocol present here replaces earlier ones.
  const mine = new Map<string, Map<string, readonly [Pick, string]>>();
  forEachLine(text, (line, index) => {
    if (!line.next()) return;
    const token = names.name(text, line, index);
    if (!line.next()) return;
    const n = nameOf(token);
    if (n === null) return;
    let stats = mine.get(n.protocol);
    if (stats === undefined) mine.set(n.protocol, (stats = new Map()));
    if (n.pick !== null) stats.set(n.field, [n.pick, line.field()]);
  });
  for (const [protocol, stats] of mine) into.set(protocol, stats);
}

export const netstatCollector: HostCollector = createNetstatCollector();
