// Parsers for the network files of procfs: /proc/net/dev (netdev), /proc/net/netstat,
// /proc/net/snmp and /proc/net/snmp6 (netstat). Pure functions of the text; never throw.
import { goFields, goTrimSpace, parseGoUint } from '../read.ts';

/** /proc/net/dev's 16 counters per interface, in column order. */
export const NET_DEV_COLUMNS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

export interface NetDevRow {
  name: string;
  /** One value per NET_DEV_COLUMNS entry. */
  values: number[];
}

/**
 * The interfaces of /proc/net/dev: two header lines, then "<name>: <16 counters>" (the name is
 * right-aligned and a wide counter may touch the colon). procfs splits at the last colon; a
 * line without one, with an empty name, fewer than 16 counters or a bad counter is skipped
 * (procfs errors or panics on those). A name seen twice keeps its last line (procfs's map).
 */
export function parseNetDev(text: string): NetDevRow[] {
  const byName = new Map<string, NetDevRow>();
  const lines = text.split('\n');
  for (let n = 2; n < lines.length; n++) {
    const line = lines[n]!;
    const colon = line.lastIndexOf(':');
    if (colon < 0) continue;
    const name = goTrimSpace(line.slice(0, colon));
    if (name === '') continue;
    const fields = goFields(line.slice(colon + 1));
    if (fields.length < NET_DEV_COLUMNS.length) continue;
    const values: number[] = [];
    for (let i = 0; i < NET_DEV_COLUMNS.length; i++) {
      const v = parseGoUint(fields[i]!);
      if (v === undefined) break;
      values.push(v);
    }
    if (values.length !== NET_DEV_COLUMNS.length) continue;
    byName.delete(name); // a repeated name moves to its latest position
    byName.set(name, { name, values });
  }
  return [...byName.values()];
}

/** protocol → field → raw value text, as node_exporter keeps them before ParseFloat. */
export type NetStats = Map<string, Map<string, string>>;

/**
 * /proc/net/netstat and /proc/net/snmp: pairs of lines "Proto: Name1 Name2 ..." /
 * "Proto: v1 v2 ...", split on single spaces as node_exporter does. A pair whose lengths differ
 * is skipped (node_exporter fails the collector); a protocol seen twice keeps its last pair.
 */
export function parseNetStats(text: string): NetStats {
  const out: NetStats = new Map();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(' ');
    const values = lines[i + 1]!.split(' ');
    const head = names[0]!;
    if (!head.endsWith(':') || head.length < 2) continue;
    if (names.length !== values.length) continue;
    const protocol = head.slice(0, -1);
    const fields = new Map<string, string>();
    for (let k = 1; k < names.length; k++) fields.set(names[k]!, values[k]!);
    out.set(protocol, fields);
  }
  return out;
}

/**
 * /proc/net/snmp6: "<Proto6><Name> <value>" per line; the protocol ends at the first "6"
 * (Ip6InReceives → Ip6 / InReceives). Lines without a "6" or without a value are skipped.
 */
export function parseSnmp6(text: string): NetStats {
  const out: NetStats = new Map();
  for (const line of text.split('\n')) {
    const f = goFields(line);
    if (f.length < 2) continue;
    const six = f[0]!.indexOf('6');
    if (six < 0) continue;
    const protocol = f[0]!.slice(0, six + 1);
    let fields = out.get(protocol);
    if (fields === undefined) out.set(protocol, (fields = new Map()));
    fields.set(f[0]!.slice(six + 1), f[1]!);
  }
  return out;
}
