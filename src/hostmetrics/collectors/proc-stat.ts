// Parser for /proc/stat (Documentation/filesystems/proc.rst, "1.8 Miscellaneous kernel
// statistics"), shared by the cpu and stat collectors. A pure function of the file text; it never
// throws.
//
// Semantics kept from procfs (stat.go, the version node_exporter 1.9.1 pins):
// - A line is split into Go whitespace-separated fields; lines with fewer than two are ignored.
// - "cpu" / "cpuN" lines are scanned like fmt.Sscanf("%s %f %f ..."): the values are clock ticks
//   divided by USER_HZ (procfs hard-codes 100, the value every Linux architecture exports to user
//   space); fields an older kernel lacks (steal, guest, guest_nice) are 0; fields past the tenth
//   are ignored. The same id seen twice keeps the later line.
// - btime, intr (its first number only: the total), ctxt, processes, procs_running and
//   procs_blocked are strconv.ParseUint values.
// Deliberate differences: procfs fails the whole file on one malformed line (a bad number, a
// "cpuX" whose X is not an integer); here that line is skipped and its keys stay undefined. The
// intr line's per-IRQ counts are not parsed (no collector here exposes them), so a bad one there
// is not an error either.
import { goFields, parseGoFloat, parseGoInt, parseGoUint } from '../read.ts';

/** procfs's userHZ: /proc/stat counts in 1/100 s. */
export const USER_HZ = 100;

/** CPU time of one CPU (or all of them), in seconds, in /proc/stat's column order. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

/** The column order of a cpu line. */
export const CPU_MODES = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
] as const satisfies readonly (keyof CpuTimes)[];

export interface ProcStat {
  /** The "cpu" line: all CPUs summed. */
  total?: CpuTimes;
  /** The "cpuN" lines by N. */
  cpus: Map<number, CpuTimes>;
  /** btime: boot time, seconds since the epoch. */
  bootTime?: number;
  /** intr's first value: interrupts serviced, numbered and unnumbered. */
  intrTotal?: number;
  /** ctxt: context switches. */
  contextSwitches?: number;
  /** processes: forks since boot. */
  processesCreated?: number;
  procsRunning?: number;
  procsBlocked?: number;
}

export function zeroCpuTimes(): CpuTimes {
  return {
    user: 0,
    nice: 0,
    system: 0,
    idle: 0,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
}

type ScalarKey =
  'bootTime' | 'intrTotal' | 'contextSwitches' | 'processesCreated' | 'procsRunning' | 'procsBlocked';

const SCALARS: ReadonlyMap<string, ScalarKey> = new Map([
  ['btime', 'bootTime'],
  ['intr', 'intrTotal'],
  ['ctxt', 'contextSwitches'],
  ['processes', 'processesCreated'],
  ['procs_running', 'procsRunning'],
  ['procs_blocked', 'procsBlocked'],
]);

/**
 * The first `n` Go-whitespace-separated fields of a line. The intr line carries one count per
 * IRQ (thousands of fields on big machines); only its first two are wanted, so it is not split
 * whole.
 */
function leadingFields(line: string, n: number): string[] {
  const out: string[] = [];
  const re = /[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  let m: RegExpExecArray | null;
  while (out.length < n && (m = re.exec(line)) !== null) out.push(m[0]);
  return out;
}

/** A cpu line's values (f[1..]) as seconds, or undefined when one is not a number. */
function cpuTimes(f: readonly string[]): CpuTimes | undefined {
  const t = zeroCpuTimes();
  const n = Math.min(f.length - 1, CPU_MODES.length);
  for (let i = 0; i < n; i++) {
    const v = parseGoFloat(f[i + 1]!);
    if (v === undefined) return undefined;
    t[CPU_MODES[i]!] = v / USER_HZ;
  }
  return t;
}

export function parseProcStat(text: string): ProcStat {
  const stat: ProcStat = { cpus: new Map() };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;

    const f = line.startsWith('intr') ? leadingFields(line, 2) : goFields(line);
    if (f.length < 2) continue;
    const key = f[0]!;
    const scalar = SCALARS.get(key);
    if (scalar !== undefined) {
      const v = parseGoUint(f[1]!);
      if (v !== undefined) stat[scalar] = v;
      continue;
    }
    if (!key.startsWith('cpu')) continue;
    const times = cpuTimes(f);
    if (times === undefined) continue;
    if (key === 'cpu') {
      stat.total = times;
      continue;
    }
    const id = parseGoInt(key.slice(3));
    if (id === undefined || id < 0) continue;
    stat.cpus.set(id, times);
  }
  return stat;
}
