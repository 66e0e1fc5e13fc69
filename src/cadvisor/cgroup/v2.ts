// cgroup v2: one cgroup's stats as cAdvisor reports them (runc's fs2 stats + cAdvisor's handler).
//
//   cpu     cpu.stat usage_usec / user_usec / system_usec; nr_periods / nr_throttled /
//           throttled_usec (published only when a quota is set, as cAdvisor does)
//   memory  memory.current, memory.peak (kernel >= 5.19); memory.stat anon (rss), file (cache),
//           file_mapped, inactive_file (working set = usage - inactive_file, not below 0);
//           memory.swap.current; memory.events oom_kill. failcnt is 0: runc's v2 stats leave it
//           unset, so the kubelet publishes container_memory_failcnt 0 on v2 hosts.
//           The root has no memory.current: usage is anon + file and swap comes from /proc/meminfo
//           (runc's rootStatsFromMeminfo).
//   io      io.stat rbytes / wbytes / rios / wios per device
//   spec    cpu.weight converted back to shares (cAdvisor: 2 + (w-1)*262142/9999), cpu.max;
//           memory.max / memory.swap.max / memory.min (reservation); the root's limits are the
//           machine's MemTotal / SwapTotal, as cAdvisor's raw handler sets them

import type { CgroupRoot, CgroupStats, CpuStats, MemoryStats, SpecStats } from '../types.ts';
import {
  cgroupDir,
  memoryLimitValue,
  readPids,
  startTimeSeconds,
  type CachedSpec,
  type CgroupAccess,
} from './access.ts';
import { parseCpuMax, parseFlatKeyed, parseIoStat, parseSingle } from './parse.ts';

const CPU_STAT_KEYS = new Set([
  'usage_usec',
  'user_usec',
  'system_usec',
  'nr_periods',
  'nr_throttled',
  'throttled_usec',
]);
const MEMORY_STAT_KEYS = new Set(['anon', 'file', 'file_mapped', 'inactive_file']);
const EVENTS_KEYS = new Set(['oom_kill']);

/** cAdvisor's convertCPUWeightToCPULimit: cpu.weight [1, 10000] → shares [2, 262144]. */
export function weightToShares(weight: number): number | undefined {
  if (!Number.isInteger(weight) || weight < 1 || weight > 10000) return undefined;
  return 2 + Math.floor(((weight - 1) * 262142) / 9999);
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = parseSingle(text);
  return typeof v === 'number' ? v : undefined;
}

function readSpec(dir: string, a: CgroupAccess): CachedSpec {
  // a cgroup that is gone (or never was) has no spec at all
  if (a.mtimeMs(dir) === undefined) return { spec: {}, hierarchical: true };
  // cAdvisor's HasCpu is always true on v2; shares / period are published (0 when unreadable)
  const spec: SpecStats = { cpuShares: 0, cpuPeriodMicros: 0 };
  const weight = num(a.file(dir, 'cpu.weight'));
  if (weight !== undefined) spec.cpuShares = weightToShares(weight) ?? 0;
  const max = a.file(dir, 'cpu.max');
  const cpuMax = max === undefined ? undefined : parseCpuMax(max);
  if (cpuMax) {
    spec.cpuPeriodMicros = cpuMax.period;
    if (cpuMax.quota !== undefined && cpuMax.quota > 0) spec.cpuQuotaMicros = cpuMax.quota;
  }
  if (a.isRoot) {
    const m = a.machineMemory();
    spec.memoryLimit = m.memTotal;
    spec.memorySwapLimit = m.swapTotal;
    spec.memoryReservation = 0;
  } else {
    const memMax = a.file(dir, 'memory.max');
    if (memMax !== undefined) {
      // HasMemory: cAdvisor reads the three files (a missing one as 0) when memory.max exists
      spec.memoryLimit = memoryLimitValue(parseSingle(memMax));
      const swap = a.file(dir, 'memory.swap.max');
      spec.memorySwapLimit = memoryLimitValue(swap === undefined ? 0 : parseSingle(swap));
      spec.memoryReservation = memoryLimitValue(num(a.file(dir, 'memory.min')) ?? 0);
    }
  }
  const start = startTimeSeconds(a, [dir], 'cgroup.events');
  return start === undefined
    ? { spec, hierarchical: true }
    : { spec, hierarchical: true, startTimeSeconds: start };
}

function readCpu(dir: string, a: CgroupAccess, spec: SpecStats): CpuStats | undefined {
  const text = a.counter(dir, 'cpu.stat');
  if (text === undefined) return undefined;
  const kv = parseFlatKeyed(text, CPU_STAT_KEYS);
  const usage = kv.get('usage_usec');
  if (usage === undefined) return undefined;
  const cpu: CpuStats = { usageSeconds: usage / 1e6 };
  const user = kv.get('user_usec');
  const system = kv.get('system_usec');
  if (user !== undefined) cpu.userSeconds = user / 1e6;
  if (system !== undefined) cpu.systemSeconds = system / 1e6;
  if (spec.cpuQuotaMicros !== undefined) {
    cpu.periods = kv.get('nr_periods') ?? 0;
    cpu.throttledPeriods = kv.get('nr_throttled') ?? 0;
    cpu.throttledSeconds = (kv.get('throttled_usec') ?? 0) / 1e6;
  }
  return cpu;
}

function readMemory(dir: string, a: CgroupAccess): MemoryStats | undefined {
  const current = a.isRoot ? undefined : num(a.counter(dir, 'memory.current'));
  if (current === undefined && !a.isRoot) return undefined;
  const statText = a.counter(dir, 'memory.stat');
  const kv = statText === undefined ? undefined : parseFlatKeyed(statText, MEMORY_STAT_KEYS);
  let usage: number;
  if (current !== undefined) usage = current;
  else if (kv !== undefined) usage = (kv.get('anon') ?? 0) + (kv.get('file') ?? 0);
  else return undefined;
  const mem: MemoryStats = { usage, workingSet: usage, failcnt: 0 };
  if (!a.isRoot) {
    const peak = num(a.counter(dir, 'memory.peak'));
    if (peak !== undefined) mem.maxUsage = peak;
  }
  if (kv !== undefined) {
    mem.rss = kv.get('anon') ?? 0;
    mem.cache = kv.get('file') ?? 0;
    mem.mappedFile = kv.get('file_mapped') ?? 0;
    const inactive = kv.get('inactive_file');
    if (inactive !== undefined) mem.workingSet = Math.max(0, usage - inactive);
  }
  if (a.isRoot) {
    const m = a.machineMemory();
    mem.swap =
      m.swapTotal !== undefined && m.swapFree !== undefined ? Math.max(0, m.swapTotal - m.swapFree) : 0;
  } else if (a.machineMemory().swapTotal === 0) {
    mem.swap = 0; // no swap device: nothing to read
  } else {
    mem.swap = num(a.counter(dir, 'memory.swap.current')) ?? 0;
  }
  const events = a.counter(dir, 'memory.events');
  if (events !== undefined) {
    const kills = parseFlatKeyed(events, EVENTS_KEYS).get('oom_kill');
    if (kills !== undefined) mem.oomEvents = kills;
  }
  return mem;
}

export function readV2(root: CgroupRoot, a: CgroupAccess, timestampMs: number): CgroupStats {
  if (root.v2 === undefined) return { path: a.path, timestampMs, spec: {} };
  const dir = cgroupDir(root.v2, a.path);
  let cached = a.cachedSpec();
  if (!cached) {
    cached = readSpec(dir, a);
    a.storeSpec(cached);
  }
  const stats: CgroupStats = { path: a.path, timestampMs, spec: cached.spec };
  const cpu = readCpu(dir, a, cached.spec);
  if (cpu) stats.cpu = cpu;
  const memory = readMemory(dir, a);
  if (memory) stats.memory = memory;
  const io = a.counter(dir, 'io.stat');
  if (io !== undefined) stats.io = parseIoStat(io);
  const pids = readPids(a, dir);
  if (pids !== undefined) stats.pids = pids;
  if (cached.startTimeSeconds !== undefined) stats.startTimeSeconds = cached.startTimeSeconds;
  return stats;
}
