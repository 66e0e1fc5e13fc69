// What the v1 and v2 readers need from the reader around them: file access with remembered misses,
// the cached spec of the cgroup, and the machine-level facts cAdvisor uses for the root container.
// Kept separate so v1.ts / v2.ts stay pure mappings from files to CgroupStats.

import type { SpecStats } from '../types.ts';
import { parseProcs } from './parse.ts';

export interface CachedSpec {
  spec: SpecStats;
  /** container_start_time_seconds (cAdvisor: earliest cgroup dir / marker file mtime, not before boot) */
  startTimeSeconds?: number;
  /** v1 memory.use_hierarchy (an absent file counts as 1, the only value kernels since 5.11 accept) */
  hierarchical: boolean;
}

export interface MachineMemory {
  /** /proc/meminfo MemTotal, bytes */
  memTotal?: number;
  swapTotal?: number;
  swapFree?: number;
}

export interface CgroupAccess {
  /** the cgroup, relative to the hierarchy root, "/" for the root */
  readonly path: string;
  readonly isRoot: boolean;
  readonly maxPids: number;
  /**
   * The file `name` in directory `dir`; undefined when absent or unreadable. A miss is remembered
   * until the next spec refresh. Each name must always be read from the same dir of a cgroup.
   */
  file(dir: string, name: string, maxBytes?: number): string | undefined;
  /** Like file(), for a counter file read at every collection: may use a kept descriptor. */
  counter(dir: string, name: string, maxBytes?: number): string | undefined;
  mtimeMs(path: string): number | undefined;
  /** the cached spec when still fresh, else undefined (the reader then reads and stores one) */
  cachedSpec(): CachedSpec | undefined;
  storeSpec(spec: CachedSpec): void;
  machineMemory(): MachineMemory;
  /** boot time as cAdvisor takes it: now - uptime, truncated to the minute; seconds */
  bootTimeSeconds(): number | undefined;
}

/** Absolute directory of cgroup `path` ("/" or "/a/b") in the hierarchy mounted at `mount`. */
export function cgroupDir(mount: string, path: string): string {
  return path === '/' ? mount : mount + path;
}

/** cAdvisor publishes memory spec values above 2^62 as 0 (specMemoryValue); we keep them undefined. */
export const MAX_MEMORY_SIZE = 2 ** 62;

export function memoryLimitValue(v: number | 'max' | undefined): number | undefined {
  if (v === undefined || v === 'max' || v > MAX_MEMORY_SIZE) return undefined;
  return v;
}

/**
 * container_start_time_seconds as cAdvisor's GetSpec computes it: the lowest mtime of each
 * hierarchy's cgroup dir and of its marker file (cgroup.clone_children on v1, cgroup.events on
 * v2, whose mtimes do not move when child cgroups are created), not earlier than boot, in whole
 * seconds (the exporter publishes time.Unix()).
 */
export function startTimeSeconds(
  access: CgroupAccess,
  dirs: readonly string[],
  marker: string,
): number | undefined {
  let lowest = Infinity;
  for (const dir of dirs) {
    const d = access.mtimeMs(dir);
    if (d === undefined) continue;
    if (d < lowest) lowest = d;
    const f = access.mtimeMs(`${dir}/${marker}`);
    if (f !== undefined && f < lowest) lowest = f;
  }
  if (!Number.isFinite(lowest)) return undefined;
  let s = Math.floor(lowest / 1000);
  const boot = access.bootTimeSeconds();
  if (boot !== undefined && s < boot) s = boot;
  return s;
}

/**
 * The first pids of a cgroup (cgroup.procs), reading only as many bytes as they need; a line cut
 * by that bound is dropped rather than parsed as a shorter pid. Not read for the root (the host's
 * own processes, which no family needs) nor for systemd slices, which never hold processes.
 */
export function readPids(access: CgroupAccess, dir: string): number[] | undefined {
  if (access.isRoot || access.path.endsWith('.slice')) return undefined;
  const maxBytes = access.maxPids * 8;
  let text = access.counter(dir, 'cgroup.procs', maxBytes);
  if (text === undefined) return undefined;
  if (text.length >= maxBytes) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return parseProcs(text, access.maxPids);
}
