// node_exporter's `meminfo` collector (v1.9.1, Linux): one gauge node_memory_<name> per
// /proc/meminfo field that procfs's Meminfo struct knows, HELP "Memory information field <name>.".
//
// Names (node_exporter 1.9 builds them from procfs's struct, not from the file):
// - "Active(anon)" → "Active_anon", "Inactive(file)" → "Inactive_file" (parentheses become "_");
// - a field in kB is reported in bytes (×1024) with "_bytes" appended;
// - HugePages_Total / _Free / _Rsvd / _Surp are page counts and keep their names, no "_bytes";
// - a field written without a unit keeps its value, and still gets "_bytes" unless it is one of
//   the HugePages_* counts (procfs takes a unitless value as bytes).
// Fields outside that list (Zswap, KReclaimable, FileHugePages, Hugetlb, SecPageTables, ...) are
// not reported by 1.9.1. node_exporter <= 1.8 (the Debian 1.5.0 peer among them) reported every
// field of the file with the same mapping; so those families exist there and not here.
//
// A missing /proc/meminfo fails the collector. Deliberate difference: procfs fails the whole file
// on one malformed line (a value that is not a Go integer literal, a unit other than kB, a wrong
// field count); here
// that line is skipped. A field written twice keeps its last value, as with procfs.
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { forEachLineFields } from '../line-fields.ts';
import { parseGoUintBase0, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';

/** The /proc/meminfo keys procfs (v0.15.1+1754b78) parses, as node_exporter 1.9.1 names them. */
const BYTE_FIELDS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapCached',
  'Active',
  'Inactive',
  'Active(anon)',
  'Inactive(anon)',
  'Active(file)',
  'Inactive(file)',
  'Unevictable',
  'Mlocked',
  'SwapTotal',
  'SwapFree',
  'Dirty',
  'Writeback',
  'AnonPages',
  'Mapped',
  'Shmem',
  'Slab',
  'SReclaimable',
  'SUnreclaim',
  'KernelStack',
  'PageTables',
  'NFS_Unstable',
  'Bounce',
  'WritebackTmp',
  'CommitLimit',
  'Committed_AS',
  'VmallocTotal',
  'VmallocUsed',
  'VmallocChunk',
  'Percpu',
  'HardwareCorrupted',
  'AnonHugePages',
  'ShmemHugePages',
  'ShmemPmdMapped',
  'CmaTotal',
  'CmaFree',
  'Hugepagesize',
  'DirectMap4k',
  'DirectMap2M',
  'DirectMap1G',
];
/** Page counts: reported as written, under their own names. */
const COUNT_FIELDS = ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp'];

/** File key (with its colon) → [metric name suffix, value is a byte size]. */
const FIELDS: ReadonlyMap<string, readonly [string, boolean]> = new Map<string, readonly [string, boolean]>([
  ...BYTE_FIELDS.map((k): [string, [string, boolean]] => [
    `${k}:`,
    [`${k.replace(/\((.*)\)/, '_$1')}_bytes`, true],
  ]),
  ...COUNT_FIELDS.map((k): [string, [string, boolean]] => [`${k}:`, [k, false]]),
]);

/**
 * The reported fields of /proc/meminfo as metric name suffix → value, in file order. Lines
 * procfs would reject are skipped; keys procfs does not know are ignored.
 */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  forEachLineFields(text, (f) => {
    if (f.length !== 2 && f.length !== 3) return;
    const field = FIELDS.get(f[0]!);
    if (field === undefined) return;
    const val = parseGoUintBase0(f[1]!); // procfs: strconv.ParseUint(s, 0, 64)
    if (val === undefined) return;
    if (f.length === 3 && f[2] !== 'kB') return;
    const [name, isBytes] = field;
    out.set(name, isBytes && f.length === 3 ? val * 1024 : val);
  });
  return out;
}

/** Family name and help per metric name suffix: built once (the suffixes are FIELDS' values). */
const FAMILY_TEXT = new Map<string, { name: string; help: string }>(
  [...FIELDS.values()].map(([suffix]) => [
    suffix,
    { name: `node_memory_${suffix}`, help: `Memory information field ${suffix}.` },
  ]),
);

function collect(ctx: CollectContext): Family[] {
  const path = join(ctx.paths.proc, 'meminfo');
  const r = readFileResult(path);
  if (!r.ok) throw new Error(`couldn't get meminfo: ${r.code} reading ${path}`);
  const out: Family[] = [];
  for (const [name, value] of parseMeminfo(r.text)) {
    const t = FAMILY_TEXT.get(name)!;
    const f = family(t.name, 'gauge', t.help);
    f.samples.push({ labels: [], value });
    out.push(f);
  }
  return orderLikeGatherer(out);
}

export const meminfoCollector: HostCollector = { name: 'meminfo', collect: async (ctx) => collect(ctx) };
