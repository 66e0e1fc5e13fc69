// cgroup v1: one cgroup's stats as cAdvisor reports them (runc's fs stats + cAdvisor's handler).
//
//   cpu     cpuacct.usage (ns) total; cpuacct.stat user/system in USER_HZ (100) ticks;
//           cpu.stat nr_periods / nr_throttled / throttled_time (ns)
//   memory  memory.usage_in_bytes, max_usage_in_bytes, failcnt; memory.stat total_* keys when
//           memory.use_hierarchy is 1 (own keys otherwise) for rss / cache / swap / mapped_file;
//           working set = usage - total_inactive_file (always the total_ key), not below 0;
//           memory.oom_control oom_kill
//   blkio   the first file group with device entries, in runc's order: bfq, cfq (sectors as the
//           probe), throttle recursive, throttle
//   spec    cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us (-1 = none); memory.limit_in_bytes,
//           memsw.limit_in_bytes, soft_limit_in_bytes; the root's memory/swap limits are the
//           machine's (MemTotal / SwapTotal), as cAdvisor's raw handler sets them

import type { CgroupRoot, CgroupStats, CpuStats, IoDeviceStats, MemoryStats, SpecStats } from '../types.ts';
import {
  cgroupDir,
  memoryLimitValue,
  readPids,
  startTimeSeconds,
  type CachedSpec,
  type CgroupAccess,
} from './access.ts';
import { parseBlkio, parseFlatKeyed, parseSingle, parseSingleInt, type BlkioRow } from './parse.ts';

const USER_HZ = 100;
const CPUACCT_STAT_KEYS = new Set(['user', 'system']);
const CPU_STAT_KEYS = new Set(['nr_periods', 'nr_throttled', 'throttled_time']);
const OOM_KEYS = new Set(['oom_kill']);
const MEMORY_STAT_KEYS = new Set([
  'total_rss',
  'total_cache',
  'total_swap',
  'total_mapped_file',
  'total_inactive_file',
  'rss',
  'cache',
  'swap',
  'mapped_file',
]);

/** [probe file, serviced (ops) file, service_bytes file]; runc tries the groups in this order. */
const BLKIO_GROUPS: readonly (readonly [string, string, string])[] = [
  [
    'blkio.bfq.io_serviced_recursive',
    'blkio.bfq.io_serviced_recursive',
    'blkio.bfq.io_service_bytes_recursive',
  ],
  ['blkio.sectors_recursive', 'blkio.io_serviced_recursive', 'blkio.io_service_bytes_recursive'],
  [
    'blkio.throttle.io_serviced_recursive',
    'blkio.throttle.io_serviced_recursive',
    'blkio.throttle.io_service_bytes_recursive',
  ],
  ['blkio.throttle.io_serviced', 'blkio.throttle.io_serviced', 'blkio.throttle.io_service_bytes'],
];

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = parseSingle(text);
  return typeof v === 'number' ? v : undefined;
}

function readSpec(root: CgroupRoot, a: CgroupAccess): CachedSpec {
  const spec: SpecStats = {};
  const cpu = root.v1.cpu;
  const cpuDir = cpu === undefined ? undefined : cgroupDir(cpu, a.path);
  // cAdvisor's HasCpu: the cgroup exists in the cpu hierarchy; shares and period are then
  // published even when a file is missing (as 0), the quota only when one is set
  if (cpuDir !== undefined && a.mtimeMs(cpuDir) !== undefined) {
    spec.cpuShares = num(a.file(cpuDir, 'cpu.shares')) ?? 0;
    spec.cpuPeriodMicros = num(a.file(cpuDir, 'cpu.cfs_period_us')) ?? 0;
    const q = a.file(cpuDir, 'cpu.cfs_quota_us');
    const quota = q === undefined ? undefined : parseSingleInt(q);
    if (quota !== undefined && quota > 0) spec.cpuQuotaMicros = quota;
  }
  let hierarchical = true;
  const mem = root.v1.memory;
  const memDir = mem === undefined ? undefined : cgroupDir(mem, a.path);
  if (memDir !== undefined && a.mtimeMs(memDir) !== undefined) {
    if (a.isRoot) {
      const m = a.machineMemory();
      spec.memoryLimit = m.memTotal;
      spec.memorySwapLimit = m.swapTotal;
    } else {
      spec.memoryLimit = memoryLimitValue(num(a.file(memDir, 'memory.limit_in_bytes')) ?? 0);
      spec.memorySwapLimit = memoryLimitValue(num(a.file(memDir, 'memory.memsw.limit_in_bytes')) ?? 0);
    }
    spec.memoryReservation = memoryLimitValue(num(a.file(memDir, 'memory.soft_limit_in_bytes')) ?? 0);
    hierarchical = num(a.file(memDir, 'memory.use_hierarchy')) !== 0;
  }
  const dirs = new Set<string>();
  for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids'] as const) {
    const m = root.v1[c];
    if (m !== undefined) dirs.add(cgroupDir(m, a.path));
  }
  const start = startTimeSeconds(a, [...dirs], 'cgroup.clone_children');
  return start === undefined ? { spec, hierarchical } : { spec, hierarchical, startTimeSeconds: start };
}

function readCpu(root: CgroupRoot, a: CgroupAccess, spec: SpecStats): CpuStats | undefined {
  const acct = root.v1.cpuacct ?? root.v1.cpu;
  if (acct === undefined) return undefined;
  const acctDir = cgroupDir(acct, a.path);
  const usageNs = num(a.counter(acctDir, 'cpuacct.usage'));
  if (usageNs === undefined) return undefined;
  const cpu: CpuStats = { usageSeconds: usageNs / 1e9 };
  const stat = a.counter(acctDir, 'cpuacct.stat');
  if (stat !== undefined) {
    const kv = parseFlatKeyed(stat, CPUACCT_STAT_KEYS);
    const user = kv.get('user');
    const system = kv.get('system');
    if (user !== undefined) cpu.userSeconds = user / USER_HZ;
    if (system !== undefined) cpu.systemSeconds = system / USER_HZ;
  }
  if (spec.cpuQuotaMicros !== undefined && root.v1.cpu !== undefined) {
    const st = a.counter(cgroupDir(root.v1.cpu, a.path), 'cpu.stat');
    if (st !== undefined) {
      const kv = parseFlatKeyed(st, CPU_STAT_KEYS);
      cpu.periods = kv.get('nr_periods') ?? 0;
      cpu.throttledPeriods = kv.get('nr_throttled') ?? 0;
      cpu.throttledSeconds = (kv.get('throttled_time') ?? 0) / 1e9;
    }
  }
  return cpu;
}

function readMemory(root: CgroupRoot, a: CgroupAccess, hierarchical: boolean): MemoryStats | undefined {
  if (root.v1.memory === undefined) return undefined;
  const dir = cgroupDir(root.v1.memory, a.path);
  const usage = num(a.counter(dir, 'memory.usage_in_bytes'));
  if (usage === undefined) return undefined;
  const mem: MemoryStats = { usage, workingSet: usage };
  const max = num(a.counter(dir, 'memory.max_usage_in_bytes'));
  if (max !== undefined) mem.maxUsage = max;
  const failcnt = num(a.counter(dir, 'memory.failcnt'));
  if (failcnt !== undefined) mem.failcnt = failcnt;
  const stat = a.counter(dir, 'memory.stat');
  if (stat !== undefined) {
    const kv = parseFlatKeyed(stat, MEMORY_STAT_KEYS);
    const p = hierarchical ? 'total_' : '';
    // cAdvisor reads these from a map, so an absent key is 0
    mem.rss = kv.get(`${p}rss`) ?? 0;
    mem.cache = kv.get(`${p}cache`) ?? 0;
    mem.swap = kv.get(`${p}swap`) ?? 0;
    mem.mappedFile = kv.get(`${p}mapped_file`) ?? 0;
    const inactive = kv.get('total_inactive_file');
    if (inactive !== undefined) mem.workingSet = Math.max(0, usage - inactive);
  }
  const oom = a.counter(dir, 'memory.oom_control');
  if (oom !== undefined) {
    const kills = parseFlatKeyed(oom, OOM_KEYS).get('oom_kill');
    if (kills !== undefined) mem.oomEvents = kills;
  }
  return mem;
}

function readIo(root: CgroupRoot, a: CgroupAccess): IoDeviceStats[] | undefined {
  if (root.v1.blkio === undefined) return undefined;
  const dir = cgroupDir(root.v1.blkio, a.path);
  let anyFile = false;
  for (const [probe, servicedFile, bytesFile] of BLKIO_GROUPS) {
    const probeText = a.counter(dir, probe);
    if (probeText === undefined) continue;
    anyFile = true;
    const probeRows = parseBlkio(probeText);
    if (probeRows.length === 0) continue;
    const serviced = probe === servicedFile ? probeRows : parseBlkio(a.counter(dir, servicedFile) ?? '');
    const bytes = parseBlkio(a.counter(dir, bytesFile) ?? '');
    return mergeBlkio(bytes, serviced);
  }
  // the cgroup is in the blkio hierarchy but has done no I/O: no per-device series
  return anyFile ? [] : undefined;
}

function mergeBlkio(bytes: readonly BlkioRow[], ops: readonly BlkioRow[]): IoDeviceStats[] {
  const out = new Map<string, IoDeviceStats>();
  const get = (device: string): IoDeviceStats => {
    let e = out.get(device);
    if (!e) {
      e = { device, readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
      out.set(device, e);
    }
    return e;
  };
  for (const r of bytes) {
    const e = get(r.device);
    e.readBytes = r.read;
    e.writeBytes = r.write;
  }
  for (const r of ops) {
    const e = get(r.device);
    e.reads = r.read;
    e.writes = r.write;
  }
  return [...out.values()];
}

export function readV1(root: CgroupRoot, a: CgroupAccess, timestampMs: number): CgroupStats {
  let cached = a.cachedSpec();
  if (!cached) {
    cached = readSpec(root, a);
    a.storeSpec(cached);
  }
  const stats: CgroupStats = { path: a.path, timestampMs, spec: cached.spec };
  const cpu = readCpu(root, a, cached.spec);
  if (cpu) stats.cpu = cpu;
  const memory = readMemory(root, a, cached.hierarchical);
  if (memory) stats.memory = memory;
  const io = readIo(root, a);
  if (io) stats.io = io;
  const procsMount = root.v1.cpu ?? root.v1.cpuacct ?? root.v1.memory ?? root.v1.pids;
  if (procsMount !== undefined) {
    const pids = readPids(a, cgroupDir(procsMount, a.path));
    if (pids !== undefined) stats.pids = pids;
  }
  if (cached.startTimeSeconds !== undefined) stats.startTimeSeconds = cached.startTimeSeconds;
  return stats;
}
