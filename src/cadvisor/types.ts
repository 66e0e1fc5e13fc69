// The contract between the cgroup reader (cgroup/), the container discovery and the families
// (families.ts) of the `cadvisor` receiver. Values are in the units the families publish
// (seconds, bytes, counts) so the families only pick and label them. A field the cgroup version
// or the kernel does not provide is undefined, and its series is left out (as cAdvisor does).

export type CgroupVersion = 'v1' | 'v2';

export interface CpuStats {
  /** cpuacct.usage / cpu.stat usage_usec, in seconds */
  usageSeconds: number;
  userSeconds?: number;
  systemSeconds?: number;
  /** CFS: only when a quota is set (cAdvisor publishes them only then) */
  periods?: number;
  throttledPeriods?: number;
  throttledSeconds?: number;
}

export interface MemoryStats {
  /** memory.usage_in_bytes / memory.current */
  usage: number;
  /** memory.max_usage_in_bytes / memory.peak (v2, when present) */
  maxUsage?: number;
  /** usage minus inactive file (cAdvisor's rule), never below 0 */
  workingSet: number;
  rss?: number;
  cache?: number;
  swap?: number;
  mappedFile?: number;
  failcnt?: number;
  /** OOM kills from memory.oom_control (v1) / memory.events oom_kill (v2) */
  oomEvents?: number;
}

export interface IoDeviceStats {
  /** "major:minor" */
  device: string;
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

export interface NetInterfaceStats {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface SpecStats {
  /** cpu.shares (v1) or the shares equivalent of cpu.weight (v2) */
  cpuShares?: number;
  cpuQuotaMicros?: number;
  cpuPeriodMicros?: number;
  /** bytes; undefined when unlimited */
  memoryLimit?: number;
  memorySwapLimit?: number;
  memoryReservation?: number;
}

/** One cgroup's readings at one moment. */
export interface CgroupStats {
  /** cgroup path relative to the hierarchy root, starting with "/" ("/" is the root) */
  path: string;
  /** collection time, ms since the epoch (cAdvisor's sample timestamp) */
  timestampMs: number;
  cpu?: CpuStats;
  memory?: MemoryStats;
  io?: IoDeviceStats[];
  /** from /proc/<pid>/net/dev of a process in the cgroup's network namespace */
  network?: NetInterfaceStats[];
  spec: SpecStats;
  /** processes in the cgroup (cgroup.procs), first few */
  pids?: number[];
  /** creation time of the cgroup directory, seconds since the epoch (container_start_time_seconds) */
  startTimeSeconds?: number;
}

export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker' | 'unknown';

/** What a cgroup path says about the container in it (kubelet naming, systemd or cgroupfs driver). */
export interface CgroupIdentity {
  path: string;
  kind: 'root' | 'kubepods' | 'qos' | 'pod' | 'container' | 'other';
  podUid?: string;
  containerId?: string;
  runtime?: ContainerRuntime;
}

export type V1Controller = 'cpu' | 'cpuacct' | 'memory' | 'blkio' | 'pids' | 'cpuset';

/**
 * Where the host's cgroup hierarchies are, as seen through root_path (see cgroup/mounts.ts).
 * version 'v2' only on a pure unified host; a hybrid host (v1 controllers plus a unified mount
 * at sys/fs/cgroup/unified) is 'v1', its unified dir kept in v2 for reference.
 */
export interface CgroupRoot {
  version: CgroupVersion;
  /** the unified (cgroup2) mount dir */
  v2?: string;
  /** v1 controller → the dir its hierarchy is mounted at (cpu and cpuacct may share one) */
  v1: Partial<Record<V1Controller, string>>;
  /**
   * The host's procfs (<root_path>/proc), for what cAdvisor reads outside cgroupfs: the root
   * container's memory/swap capacity (/proc/meminfo) and the boot time (/proc/uptime).
   */
  proc?: string;
}
