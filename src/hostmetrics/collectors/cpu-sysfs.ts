// What the cpu collector reads from sysfs besides /proc/stat: thermal throttle counters, online
// state and isolated CPUs (Documentation/ABI/testing/sysfs-devices-system-cpu). Never throws.
//
// Semantics kept from node_exporter 1.9.1 (collector/cpu_linux.go) and procfs's sysfs package:
// - CPUs are the entries of devices/system/cpu matching the glob `cpu[0-9]*`, in byte order;
//   a CPU's number is its name without "cpu".
// - Throttles: a CPU whose topology/physical_package_id or topology/core_id is not an unsigned
//   integer (ARM reports -1) is skipped. The first CPU seen of each (package, core) supplies the
//   core count, the first of each package the package count; a missing count file is skipped.
// - Online: nothing when cpu<first>/online does not exist (x86 keeps CPU 0 online and has no such
//   file); otherwise one value per CPU, 1 when the file reads "1", else 0 (unreadable included).
// - Isolated: devices/system/cpu/isolated as a CPU list ("1,3-5"); node_exporter reads it once at
//   start-up, and so does the cpu collector here (isolcpus is a boot parameter).
import { join } from 'node:path';
import { isNotExist, listDir, readAttribute, readFileResult, readUintAttribute } from '../read.ts';

const CPU_DIR_RE = /^cpu[0-9]/;

/** The CPU directory names under <sys>/devices/system/cpu, glob `cpu[0-9]*`, sorted. */
export function cpuDirNames(sys: string): string[] {
  return listDir(join(sys, 'devices', 'system', 'cpu'))
    .filter((n) => CPU_DIR_RE.test(n))
    .sort();
}

export interface Throttles {
  /** Package id → package_throttle_count. */
  packages: Map<string, number>;
  /** [package id, core id, core_throttle_count]. */
  cores: [string, string, number][];
}

export function readThrottles(sys: string, cpus: readonly string[]): Throttles {
  const base = join(sys, 'devices', 'system', 'cpu');
  const packages = new Map<string, number>();
  const cores: [string, string, number][] = [];
  const coresSeen = new Set<string>();
  const packagesSeen = new Set<string>();
  for (const cpu of cpus) {
    const dir = join(base, cpu);
    const pkg = readUintAttribute(join(dir, 'topology', 'physical_package_id'));
    if (pkg === undefined) continue;
    const core = readUintAttribute(join(dir, 'topology', 'core_id'));
    if (core === undefined) continue;
    const p = String(pkg);
    const c = String(core);
    const coreKey = `${p}/${c}`;
    if (!coresSeen.has(coreKey)) {
      // node_exporter marks the core seen only once its count was read: a later sibling thread
      // of the same core gets its turn when the first had no file.
      const n = readUintAttribute(join(dir, 'thermal_throttle', 'core_throttle_count'));
      if (n !== undefined) {
        coresSeen.add(coreKey);
        cores.push([p, c, n]);
      }
    }
    if (!packagesSeen.has(p)) {
      const n = readUintAttribute(join(dir, 'thermal_throttle', 'package_throttle_count'));
      if (n !== undefined) {
        packagesSeen.add(p);
        packages.set(p, n);
      }
    }
  }
  return { packages, cores };
}

/** [cpu number, 1 | 0] per CPU, or undefined when the kernel has no per-CPU online files. */
export function readOnline(sys: string, cpus: readonly string[]): [string, number][] | undefined {
  if (cpus.length === 0) return undefined;
  const base = join(sys, 'devices', 'system', 'cpu');
  const first = readFileResult(join(base, cpus[0]!, 'online'), 128);
  if (!first.ok && isNotExist(first.code)) return undefined;
  return cpus.map((cpu) => [cpu.slice(3), readAttribute(join(base, cpu, 'online')) === '1' ? 1 : 0]);
}

/** A CPU list beyond this many entries is not a real one (procfs stores CPU numbers as uint16). */
const MAX_LIST = 1 << 16;

/**
 * A kernel CPU list ("0-3,8,10-11", trailing newline allowed, "" for none) as numbers, or
 * undefined when malformed. Like procfs's parseCPURange: one trailing "\n" is dropped, empty
 * items are skipped, numbers are decimal (strconv.Atoi; a "+" allowed), a range is start..end inclusive.
 */
export function parseCpuList(text: string): number[] | undefined {
  const out: number[] = [];
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (const item of body.split(',')) {
    if (item === '') continue;
    const parts = item.split('-');
    if (item.includes('-') && !/^[+]?[0-9]+-[+]?[0-9]+$/.test(item)) return undefined;
    if (parts.length === 1 && !/^[+]?[0-9]+$/.test(item)) return undefined;
    const from = Number(parts[0]);
    const to = parts.length === 2 ? Number(parts[1]) : from;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to >= MAX_LIST) return undefined;
    for (let i = from; i <= to; i++) {
      if (out.length >= MAX_LIST) return undefined;
      out.push(i);
    }
  }
  return out;
}

/** The isolated CPUs, or undefined when the file is missing or malformed. */
export function readIsolated(sys: string): number[] | undefined {
  const r = readFileResult(join(sys, 'devices', 'system', 'cpu', 'isolated'), 64 * 1024);
  return r.ok ? parseCpuList(r.text) : undefined;
}
