// Cgroup naming as the kubelet's systemd cgroup driver lays it out with containerd, and the rendering
// of cgroup v1 / v2 interface files from a Usage. Pure functions: no I/O here.
//
//   v2: kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
//       kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid_>.slice/...
//       kubepods.slice/kubepods-pod<uid_>.slice/...                     (Guaranteed)
//   v1: the same path below each controller hierarchy (cpu,cpuacct  memory  blkio  pids).

import { memoryCurrent, type Usage } from './load-model.ts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type CgroupVersion = 'v1' | 'v2';
export type CgroupKind = 'root' | 'slice' | 'scope';

/** The disk behind io.stat / blkio (virtio vda). */
export const IO_DEVICE = '253:0';
export const CFS_PERIOD_USEC = 100_000;
/** cgroup v1's "no limit" for memory.limit_in_bytes (PAGE_COUNTER_MAX * PAGE_SIZE on x86-64). */
export const V1_UNLIMITED = '9223372036854771712';
/** v1 hierarchies created under sys/fs/cgroup; `cpu` and `cpuacct` are symlinks to `cpu,cpuacct` as on real hosts. */
export const V1_CONTROLLERS = ['cpu,cpuacct', 'memory', 'blkio', 'pids'] as const;
export const V1_LINKS: Record<string, string> = { cpu: 'cpu,cpuacct', cpuacct: 'cpu,cpuacct' };

/** systemd escapes '-' in unit names, so the kubelet writes the pod uid with '_' instead. */
export function escapeUid(uid: string): string {
  return uid.replaceAll('-', '_');
}

export function normalizeQos(qos: unknown): QosClass {
  return qos === 'Guaranteed' || qos === 'BestEffort' ? qos : 'Burstable';
}

/** Path of the QoS-level parent, relative to the hierarchy root. */
export function qosCgroupPath(qos: QosClass): string {
  if (qos === 'Guaranteed') return 'kubepods.slice';
  return `kubepods.slice/kubepods-${qos.toLowerCase()}.slice`;
}

export function podSliceName(qos: QosClass, uid: string): string {
  if (qos === 'Guaranteed') return `kubepods-pod${escapeUid(uid)}.slice`;
  return `kubepods-${qos.toLowerCase()}-pod${escapeUid(uid)}.slice`;
}

export function podCgroupPath(qos: QosClass, uid: string): string {
  return `${qosCgroupPath(qos)}/${podSliceName(qos, uid)}`;
}

export function containerScopeName(containerId: string): string {
  return `cri-containerd-${containerId}.scope`;
}

/** "containerd://<64 hex>" → "<64 hex>"; throws for other runtimes or malformed ids. */
export function parseContainerId(statusId: string): string {
  const m = /^containerd:\/\/([0-9a-f]{64})$/.exec(statusId);
  if (!m?.[1])
    throw new Error(`unsupported container id ${JSON.stringify(statusId)} (want containerd://<64 hex>)`);
  return m[1];
}

/** cpu request (cores) → cpu.shares, the kubelet's MilliCPUToShares. */
export function cpuShares(cores: number): number {
  if (cores <= 0) return 2;
  return Math.max(2, Math.floor((Math.round(cores * 1000) * 1024) / 1000));
}

/** cpu.shares → cpu.weight, the conversion runc/systemd use for cgroup v2. */
export function sharesToWeight(shares: number): number {
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

export interface CgroupLimits {
  /** cores; undefined = unlimited */
  cpuLimit?: number;
  cpuShares: number;
  memoryLimit?: number;
  pidsMax?: number;
}

export type Pressure = Record<'cpuSome' | 'cpuFull' | 'memSome' | 'memFull' | 'ioSome' | 'ioFull', number[]>;

/** Everything needed to render one cgroup directory. */
export interface CgroupView {
  kind: CgroupKind;
  /** relative to the hierarchy root, '' for the root */
  path: string;
  usage: Usage;
  limits: CgroupLimits;
  /** pids directly in this cgroup (only scopes and the root have any) */
  procs: readonly number[];
  /** largest memory.current seen (v1 memory.max_usage_in_bytes) */
  maxUsage: number;
  /** avg10/avg60/avg300 percentages per pressure line */
  pressure: Pressure;
  /** smallest memory limit on the path to the root (v1 hierarchical_memory_limit) */
  hierarchicalMemoryLimit?: number;
}

/**
 * static: written when the cgroup is created; counters: refreshed periodically; pressure: PSI files,
 * refreshed less often; events: rewritten only when OOM/limit events change.
 */
export type FileGroup = 'static' | 'counters' | 'pressure' | 'events';

export interface CgroupFile {
  /** relative to sys/fs/cgroup */
  path: string;
  content: string;
  group: FileGroup;
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function lines(pairs: [string, number | string][]): string {
  let s = '';
  for (const [k, v] of pairs) s += `${k} ${v}\n`;
  return s;
}

function fmt2(n: number): string {
  return (Math.round(n * 100) / 100).toFixed(2);
}

function pressureFile(
  v: CgroupView,
  some: 'cpuSome' | 'memSome' | 'ioSome',
  full: 'cpuFull' | 'memFull' | 'ioFull',
): string {
  const line = (label: string, avgs: number[], total: number): string =>
    `${label} avg10=${fmt2(avgs[0] ?? 0)} avg60=${fmt2(avgs[1] ?? 0)} avg300=${fmt2(avgs[2] ?? 0)} total=${total}\n`;
  return (
    line('some', v.pressure[some], v.usage[`${some}Usec`]) +
    line('full', v.pressure[full], v.usage[`${full}Usec`])
  );
}

function procsFile(v: CgroupView): string {
  return v.procs.map((p) => `${p}\n`).join('');
}

/** The cgroup v2 files of one directory, as the kernel provides them for its kind. */
export function renderV2(v: CgroupView): CgroupFile[] {
  const u = v.usage;
  const out: CgroupFile[] = [];
  const add = (name: string, content: string, group: FileGroup): void => {
    out.push({ path: join(v.path, name), content, group });
  };
  const root = v.kind === 'root';
  const cpuStat: [string, number][] = [
    ['usage_usec', u.cpuUsageUsec],
    ['user_usec', u.cpuUserUsec],
    ['system_usec', u.cpuSystemUsec],
  ];
  if (!root) {
    cpuStat.push(
      ['nr_periods', u.cpuNrPeriods],
      ['nr_throttled', u.cpuNrThrottled],
      ['throttled_usec', u.cpuThrottledUsec],
      ['nr_bursts', 0],
      ['burst_usec', 0],
    );
  }
  add('cpu.stat', lines(cpuStat), 'counters');
  const slab = u.slabReclaimable + u.slabUnreclaimable;
  add(
    'memory.stat',
    lines([
      ['anon', u.anon],
      ['file', u.file],
      ['kernel', u.kernelStack + u.pagetables + slab],
      ['kernel_stack', u.kernelStack],
      ['pagetables', u.pagetables],
      ['sec_pagetables', 0],
      ['percpu', 0],
      ['sock', u.sock],
      ['vmalloc', 0],
      ['shmem', u.shmem],
      ['zswap', 0],
      ['zswapped', 0],
      ['file_mapped', u.fileMapped],
      ['file_dirty', u.fileDirty],
      ['file_writeback', u.fileWriteback],
      ['swapcached', 0],
      ['anon_thp', 0],
      ['file_thp', 0],
      ['shmem_thp', 0],
      ['inactive_anon', u.inactiveAnon],
      ['active_anon', u.activeAnon],
      ['inactive_file', u.inactiveFile],
      ['active_file', u.activeFile],
      ['unevictable', u.unevictable],
      ['slab_reclaimable', u.slabReclaimable],
      ['slab_unreclaimable', u.slabUnreclaimable],
      ['slab', slab],
      ['workingset_refault_anon', u.workingsetRefaultAnon],
      ['workingset_refault_file', u.workingsetRefaultFile],
      ['workingset_activate_anon', u.workingsetActivateAnon],
      ['workingset_activate_file', u.workingsetActivateFile],
      ['workingset_restore_anon', u.workingsetRestoreAnon],
      ['workingset_restore_file', u.workingsetRestoreFile],
      ['workingset_nodereclaim', u.workingsetNodereclaim],
      ['pgscan', 0],
      ['pgsteal', 0],
      ['pgfault', u.pgfault],
      ['pgmajfault', u.pgmajfault],
      ['pgrefill', 0],
      ['pgactivate', u.workingsetActivateFile],
      ['pgdeactivate', 0],
      ['pglazyfree', 0],
      ['pglazyfreed', 0],
      ['thp_fault_alloc', 0],
      ['thp_collapse_alloc', 0],
    ]),
    'counters',
  );
  const hasIo = u.ioRbytes + u.ioWbytes + u.ioRios + u.ioWios > 0;
  add(
    'io.stat',
    hasIo
      ? `${IO_DEVICE} rbytes=${u.ioRbytes} wbytes=${u.ioWbytes} rios=${u.ioRios} wios=${u.ioWios} dbytes=${u.ioDbytes} dios=${u.ioDios}\n`
      : '',
    'counters',
  );
  add('cpu.pressure', pressureFile(v, 'cpuSome', 'cpuFull'), 'pressure');
  add('memory.pressure', pressureFile(v, 'memSome', 'memFull'), 'pressure');
  add('io.pressure', pressureFile(v, 'ioSome', 'ioFull'), 'pressure');
  add('cgroup.procs', procsFile(v), 'static');
  if (root) {
    add('cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n', 'static');
    add('cgroup.subtree_control', 'cpuset cpu io memory hugetlb pids\n', 'static');
    return out;
  }
  if (v.kind === 'slice') add('cgroup.subtree_control', 'cpuset cpu io memory hugetlb pids\n', 'static');
  add('memory.current', `${memoryCurrent(u)}\n`, 'counters');
  // the load model keeps a container's task count constant, so pids.current is written once
  add('pids.current', `${u.pids}\n`, 'static');
  const l = v.limits;
  const quota =
    l.cpuLimit === undefined ? 'max' : String(Math.max(1000, Math.round(l.cpuLimit * CFS_PERIOD_USEC)));
  add('cpu.max', `${quota} ${CFS_PERIOD_USEC}\n`, 'static');
  add('cpu.weight', `${sharesToWeight(l.cpuShares)}\n`, 'static');
  add('memory.max', `${l.memoryLimit === undefined ? 'max' : l.memoryLimit}\n`, 'static');
  add('memory.swap.current', '0\n', 'static');
  add('memory.swap.max', v.kind === 'scope' ? '0\n' : 'max\n', 'static');
  add('pids.max', `${l.pidsMax === undefined ? 'max' : l.pidsMax}\n`, 'static');
  add(
    'memory.events',
    lines([
      ['low', u.eventsLow],
      ['high', u.eventsHigh],
      ['max', u.eventsMax],
      ['oom', u.eventsOom],
      ['oom_kill', u.eventsOomKill],
      ['oom_group_kill', 0],
    ]),
    'events',
  );
  return out;
}

/** The cgroup v1 files of one cgroup, across the cpu,cpuacct / memory / blkio / pids hierarchies. */
export function renderV1(v: CgroupView): CgroupFile[] {
  const u = v.usage;
  const out: CgroupFile[] = [];
  const add = (controller: string, name: string, content: string, group: FileGroup): void => {
    out.push({ path: join(join(controller, v.path), name), content, group });
  };
  const root = v.kind === 'root';
  const l = v.limits;
  const cc = 'cpu,cpuacct';
  // USER_HZ is 100: cpuacct.stat counts 10 ms ticks
  add(cc, 'cpuacct.usage', `${u.cpuUsageUsec * 1000}\n`, 'counters');
  add(cc, 'cpuacct.usage_user', `${u.cpuUserUsec * 1000}\n`, 'counters');
  add(cc, 'cpuacct.usage_sys', `${u.cpuSystemUsec * 1000}\n`, 'counters');
  add(
    cc,
    'cpuacct.stat',
    lines([
      ['user', Math.floor(u.cpuUserUsec / 10_000)],
      ['system', Math.floor(u.cpuSystemUsec / 10_000)],
    ]),
    'counters',
  );
  add(
    cc,
    'cpu.stat',
    lines([
      ['nr_periods', u.cpuNrPeriods],
      ['nr_throttled', u.cpuNrThrottled],
      ['throttled_time', u.cpuThrottledUsec * 1000],
    ]),
    'counters',
  );
  add(cc, 'cpu.cfs_period_us', `${CFS_PERIOD_USEC}\n`, 'static');
  const quota = l.cpuLimit === undefined ? -1 : Math.max(1000, Math.round(l.cpuLimit * CFS_PERIOD_USEC));
  add(cc, 'cpu.cfs_quota_us', `${quota}\n`, 'static');
  add(cc, 'cpu.shares', `${root ? 1024 : l.cpuShares}\n`, 'static');
  const leaf = v.kind === 'scope';
  // Non-"total_" keys count only pages charged to this cgroup itself; slices have no processes of their own.
  const own = (n: number): number => (leaf ? n : 0);
  const hier = v.hierarchicalMemoryLimit === undefined ? V1_UNLIMITED : String(v.hierarchicalMemoryLimit);
  const statPairs: [string, number][] = [
    ['cache', u.file],
    ['rss', u.anon],
    ['rss_huge', 0],
    ['shmem', u.shmem],
    ['mapped_file', u.fileMapped],
    ['dirty', u.fileDirty],
    ['writeback', u.fileWriteback],
    ['swap', 0],
    ['pgpgin', u.pgpgin],
    ['pgpgout', u.pgpgout],
    ['pgfault', u.pgfault],
    ['pgmajfault', u.pgmajfault],
    ['inactive_anon', u.inactiveAnon],
    ['active_anon', u.activeAnon],
    ['inactive_file', u.inactiveFile],
    ['active_file', u.activeFile],
    ['unevictable', u.unevictable],
  ];
  let stat = '';
  for (const [k, n] of statPairs) stat += `${k} ${own(n)}\n`;
  stat += `hierarchical_memory_limit ${hier}\nhierarchical_memsw_limit ${V1_UNLIMITED}\n`;
  for (const [k, n] of statPairs) stat += `total_${k} ${n}\n`;
  add('memory', 'memory.stat', stat, 'counters');
  add('memory', 'memory.usage_in_bytes', `${memoryCurrent(u)}\n`, 'counters');
  add('memory', 'memory.max_usage_in_bytes', `${Math.max(v.maxUsage, memoryCurrent(u))}\n`, 'counters');
  add(
    'memory',
    'memory.limit_in_bytes',
    `${root || l.memoryLimit === undefined ? V1_UNLIMITED : l.memoryLimit}\n`,
    'static',
  );
  add('memory', 'memory.failcnt', `${u.failcnt}\n`, 'events');
  add(
    'memory',
    'memory.oom_control',
    `oom_kill_disable 0\nunder_oom 0\noom_kill ${u.eventsOomKill}\n`,
    'events',
  );
  const blk = (r: number, w: number): string =>
    `${IO_DEVICE} Read ${r}\n${IO_DEVICE} Write ${w}\n${IO_DEVICE} Sync ${w}\n${IO_DEVICE} Async ${r}\n` +
    `${IO_DEVICE} Discard 0\n${IO_DEVICE} Total ${r + w}\nTotal ${r + w}\n`;
  const hasIo = u.ioRbytes + u.ioWbytes > 0;
  add(
    'blkio',
    'blkio.throttle.io_service_bytes',
    hasIo ? blk(u.ioRbytes, u.ioWbytes) : 'Total 0\n',
    'counters',
  );
  add('blkio', 'blkio.throttle.io_serviced', hasIo ? blk(u.ioRios, u.ioWios) : 'Total 0\n', 'counters');
  if (!root) {
    add('pids', 'pids.current', `${u.pids}\n`, 'static');
    add('pids', 'pids.max', `${l.pidsMax === undefined ? 'max' : l.pidsMax}\n`, 'static');
  }
  const procs = procsFile(v);
  for (const c of V1_CONTROLLERS) add(c, 'cgroup.procs', procs, 'static');
  return out;
}

export function renderCgroup(version: CgroupVersion, v: CgroupView): CgroupFile[] {
  return version === 'v2' ? renderV2(v) : renderV1(v);
}

/** Directories (relative to sys/fs/cgroup) that hold a cgroup's files. */
export function cgroupDirs(version: CgroupVersion, path: string): string[] {
  if (version === 'v2') return [path];
  return V1_CONTROLLERS.map((c) => join(c, path));
}

/** /proc/<pid>/cgroup for a process in the cgroup at `path`. */
export function procCgroupFile(version: CgroupVersion, path: string): string {
  const p = `/${path}`;
  if (version === 'v2') return `0::${p}\n`;
  return `12:pids:${p}\n9:blkio:${p}\n6:memory:${p}\n4:cpu,cpuacct:${p}\n1:name=systemd:${p}\n0::/\n`;
}
