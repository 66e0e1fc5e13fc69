// Seeded per-container resource usage that advances with simulated time.
// Contract: counters (cpu, io, page faults, pressure totals, events) never decrease; memory wanders
// inside [a floor derived from the request, the limit) and only reaches the limit on an OOM kill.
// A Usage is a flat record so parents can aggregate children by summing fields.

import { Rng } from './rng.ts';

export const USAGE_FIELDS = [
  // cpu (microseconds / counts)
  'cpuUsageUsec',
  'cpuUserUsec',
  'cpuSystemUsec',
  'cpuNrPeriods',
  'cpuNrThrottled',
  'cpuThrottledUsec',
  // memory (bytes) — memory.current = anon + file + kernelStack + pagetables + slab + sock
  'anon',
  'activeAnon',
  'inactiveAnon',
  'file',
  'activeFile',
  'inactiveFile',
  'kernelStack',
  'pagetables',
  'slabReclaimable',
  'slabUnreclaimable',
  'sock',
  'shmem',
  'fileMapped',
  'fileDirty',
  'fileWriteback',
  'unevictable',
  // memory counters
  'pgfault',
  'pgmajfault',
  'pgpgin',
  'pgpgout',
  'workingsetRefaultAnon',
  'workingsetRefaultFile',
  'workingsetActivateAnon',
  'workingsetActivateFile',
  'workingsetRestoreAnon',
  'workingsetRestoreFile',
  'workingsetNodereclaim',
  // memory.events
  'eventsLow',
  'eventsHigh',
  'eventsMax',
  'eventsOom',
  'eventsOomKill',
  'failcnt',
  // io (one device)
  'ioRbytes',
  'ioWbytes',
  'ioRios',
  'ioWios',
  'ioDbytes',
  'ioDios',
  // pressure stall totals (microseconds)
  'cpuSomeUsec',
  'cpuFullUsec',
  'memSomeUsec',
  'memFullUsec',
  'ioSomeUsec',
  'ioFullUsec',
  // tasks
  'pids',
] as const;

export type UsageField = (typeof USAGE_FIELDS)[number];
export type Usage = Record<UsageField, number>;

/** Fields that are cumulative: a parent keeps a removed child's share of them (the kernel does too). */
export const MONOTONIC_FIELDS: readonly UsageField[] = USAGE_FIELDS.filter(
  (f) =>
    f.startsWith('cpu') ||
    f.startsWith('io') ||
    f.startsWith('pg') ||
    f.startsWith('workingset') ||
    f.startsWith('events') ||
    f === 'failcnt' ||
    f.endsWith('SomeUsec') ||
    f.endsWith('FullUsec'),
);

export function zeroUsage(): Usage {
  const u = {} as Usage;
  for (const f of USAGE_FIELDS) u[f] = 0;
  return u;
}

/** target += source, field by field (optionally only the given fields). */
export function addUsage(target: Usage, source: Usage, fields: readonly UsageField[] = USAGE_FIELDS): void {
  for (const f of fields) target[f] += source[f];
}

export function memoryCurrent(u: Usage): number {
  return u.anon + u.file + u.kernelStack + u.pagetables + u.slabReclaimable + u.slabUnreclaimable + u.sock;
}

/** cAdvisor's working set: usage minus inactive file pages. */
export function workingSet(u: Usage): number {
  return Math.max(0, memoryCurrent(u) - u.inactiveFile);
}

export interface ContainerResources {
  /** cores */
  cpuRequest: number;
  cpuLimit?: number;
  memoryRequest: number;
  memoryLimit?: number;
}

export type LoadProfile = 'app' | 'pause' | 'system';

const MiB = 2 ** 20;
const PAGE = 4096;

/**
 * One container's usage. `advance(ms)` moves it forward; the walk depends only on the seed and the
 * sequence of advance() calls, so a run is reproducible.
 */
export class ContainerLoad {
  private readonly rng: Rng;
  private readonly res: ContainerResources;
  private readonly profile: LoadProfile;
  private readonly u: Usage = zeroUsage();
  /** cores the workload wants; usage is capped by the limit, the rest is throttling */
  private cpuDemand: number;
  private cpuTarget: number;
  private memLevel: number;
  private memTarget: number;
  private readonly memFloor: number;
  private readonly memCeil: number;
  private readonly ioRate: number;
  private maxUsageBytes = 0;

  constructor(seed: number, res: ContainerResources, profile: LoadProfile = 'app') {
    this.rng = new Rng(seed);
    this.res = res;
    this.profile = profile;
    const r = this.rng;
    if (profile === 'pause') {
      this.cpuDemand = this.cpuTarget = 0.0002;
      this.memFloor = 0.2 * MiB;
      this.memCeil = 0.6 * MiB;
      this.ioRate = 0;
      this.u.pids = 1;
    } else {
      const base = res.cpuRequest > 0 ? res.cpuRequest : 0.05;
      this.cpuTarget = base * r.range(0.2, 0.9);
      this.cpuDemand = this.cpuTarget * r.range(0.5, 1);
      const memBase = res.memoryRequest > 0 ? res.memoryRequest : 64 * MiB;
      this.memFloor = memBase * 0.25;
      const ceil = res.memoryLimit ?? memBase * 1.5;
      this.memCeil = Math.max(this.memFloor * 1.2, ceil * 0.85);
      this.ioRate = r.range(2_000, 200_000) * (profile === 'system' ? 10 : 1); // bytes/s
      this.u.pids = profile === 'system' ? r.int(150, 400) : r.int(1, 40);
    }
    this.memLevel = this.memFloor * r.range(1, 1.3);
    this.memTarget = r.range(this.memFloor, this.memCeil);
    this.splitMemory();
  }

  /** Advances by dtMs of simulated time. */
  advance(dtMs: number): void {
    if (dtMs <= 0) return;
    const r = this.rng;
    const u = this.u;
    const dtSec = dtMs / 1000;
    const follow = Math.min(1, dtMs / 20_000);
    // cpu: demand drifts toward a target that is re-drawn now and then
    if (this.profile === 'app' && r.chance(Math.min(1, dtMs / 60_000))) {
      const base = this.res.cpuRequest > 0 ? this.res.cpuRequest : 0.05;
      this.cpuTarget = base * r.range(0.05, this.res.cpuLimit ? 1.6 : 1.2);
    }
    this.cpuDemand += (this.cpuTarget - this.cpuDemand) * follow;
    this.cpuDemand = Math.max(0.0001, this.cpuDemand * (1 + r.range(-0.1, 0.1) * Math.min(1, dtSec)));
    const limit = this.res.cpuLimit;
    const used = limit !== undefined ? Math.min(this.cpuDemand, limit) : this.cpuDemand;
    const usageUsec = Math.round(used * dtMs * 1000);
    const system = Math.round(usageUsec * (this.profile === 'system' ? 0.4 : 0.15));
    u.cpuUsageUsec += usageUsec;
    u.cpuSystemUsec += system;
    u.cpuUserUsec += usageUsec - system;
    if (limit !== undefined) {
      const periods = Math.floor((u.cpuNrPeriods * 100 + dtMs) / 100) - u.cpuNrPeriods;
      u.cpuNrPeriods += periods;
      if (this.cpuDemand > limit * 0.95) {
        const frac = Math.min(1, (this.cpuDemand - limit * 0.95) / Math.max(limit, 0.01));
        u.cpuNrThrottled += Math.round(periods * frac);
        const stalled = Math.round((this.cpuDemand - used + limit * 0.05) * dtMs * 1000 * frac);
        u.cpuThrottledUsec += stalled;
        u.cpuSomeUsec += Math.round(stalled * 0.8);
        u.cpuFullUsec += Math.round(stalled * 0.5);
      }
    }
    u.cpuSomeUsec += Math.round(usageUsec * 0.01);
    // memory: level drifts toward a target inside [floor, ceil)
    if (r.chance(Math.min(1, dtMs / 45_000))) this.memTarget = r.range(this.memFloor, this.memCeil);
    this.memLevel += (this.memTarget - this.memLevel) * follow;
    this.memLevel *= 1 + r.range(-0.01, 0.01) * Math.min(1, dtSec);
    this.memLevel = Math.min(this.memCeil, Math.max(this.memFloor, this.memLevel));
    this.splitMemory();
    const faults = Math.round((used * 2_000 + 1) * dtSec * r.range(0.5, 1.5));
    u.pgfault += faults;
    u.pgmajfault += r.chance(0.05 * Math.min(1, dtSec)) ? 1 : 0;
    u.pgpgin += faults;
    u.pgpgout += Math.round(faults * 0.95);
    u.workingsetRefaultFile += r.chance(0.1 * Math.min(1, dtSec)) ? r.int(1, 20) : 0;
    u.workingsetActivateFile += r.chance(0.05 * Math.min(1, dtSec)) ? r.int(1, 10) : 0;
    // io: reads early on (images, config), steady writes afterwards
    if (this.ioRate > 0) {
      const rb = Math.round(this.ioRate * 0.3 * dtSec * r.range(0, 2));
      const wb = Math.round(this.ioRate * dtSec * r.range(0, 2));
      u.ioRbytes += rb;
      u.ioWbytes += wb;
      u.ioRios += Math.ceil(rb / (16 * PAGE));
      u.ioWios += Math.ceil(wb / (8 * PAGE));
      const ioStall = Math.round((rb + wb) / 1e4);
      u.ioSomeUsec += ioStall;
      u.ioFullUsec += Math.round(ioStall * 0.6);
    }
  }

  /** The kernel OOM-killed the container's process: usage hit the limit, events count it. */
  oomKill(): void {
    const u = this.u;
    if (this.res.memoryLimit !== undefined) {
      this.memLevel = this.res.memoryLimit;
      this.splitMemory();
      u.memSomeUsec += 250_000;
      u.memFullUsec += 120_000;
    }
    u.eventsMax += 1;
    u.eventsOom += 1;
    u.eventsOomKill += 1;
    u.failcnt += 1;
  }

  /** A copy of the current usage. */
  snapshot(): Usage {
    return { ...this.u };
  }

  /** The largest memory.current seen (cgroup v1 memory.max_usage_in_bytes). */
  maxUsage(): number {
    return this.maxUsageBytes;
  }

  private splitMemory(): void {
    const u = this.u;
    const level = Math.round(this.memLevel / PAGE) * PAGE;
    const pages = (x: number): number => Math.round(x / PAGE) * PAGE;
    const kernel = pages(level * 0.04);
    u.kernelStack = Math.max(16384, pages(u.pids * 16384));
    u.pagetables = pages(kernel * 0.3);
    u.slabReclaimable = pages(kernel * 0.3);
    u.slabUnreclaimable = pages(kernel * 0.25);
    u.sock = pages(kernel * 0.15);
    const rest = Math.max(
      0,
      level - u.kernelStack - u.pagetables - u.slabReclaimable - u.slabUnreclaimable - u.sock,
    );
    u.anon = pages(rest * 0.7);
    u.file = rest - u.anon;
    u.activeAnon = pages(u.anon * 0.9);
    u.inactiveAnon = u.anon - u.activeAnon;
    u.activeFile = pages(u.file * 0.4);
    u.inactiveFile = u.file - u.activeFile;
    u.shmem = pages(u.file * 0.02);
    u.fileMapped = pages(u.file * 0.3);
    u.fileDirty = pages(u.file * 0.01);
    u.fileWriteback = 0;
    u.unevictable = 0;
    this.maxUsageBytes = Math.max(this.maxUsageBytes, memoryCurrent(u));
  }
}

/** Per-pod network counters (the sandbox's network namespace): eth0 and lo, as in /proc/net/dev. */
export interface NetCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrop: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrop: number;
}

export function zeroNet(): NetCounters {
  return {
    rxBytes: 0,
    rxPackets: 0,
    rxErrors: 0,
    rxDrop: 0,
    txBytes: 0,
    txPackets: 0,
    txErrors: 0,
    txDrop: 0,
  };
}

export class PodNetwork {
  private readonly rng: Rng;
  private readonly rate: number;
  readonly eth0: NetCounters = zeroNet();
  readonly lo: NetCounters = zeroNet();

  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.rate = this.rng.range(1_000, 500_000); // bytes/s received; transmit is similar
  }

  advance(dtMs: number): void {
    if (dtMs <= 0) return;
    const r = this.rng;
    const dtSec = dtMs / 1000;
    const rx = Math.round(this.rate * dtSec * r.range(0.3, 1.7));
    const tx = Math.round(this.rate * dtSec * r.range(0.2, 1.5));
    bump(this.eth0, rx, tx, r);
    const lo = Math.round(this.rate * 0.05 * dtSec * r.range(0, 2));
    bump(this.lo, lo, lo, r);
    if (r.chance(0.002 * Math.min(1, dtSec))) this.eth0.rxDrop += 1;
    if (r.chance(0.0005 * Math.min(1, dtSec))) this.eth0.txErrors += 1;
  }
}

function bump(c: NetCounters, rx: number, tx: number, r: Rng): void {
  c.rxBytes += rx;
  c.txBytes += tx;
  c.rxPackets += Math.ceil(rx / r.range(400, 1400));
  c.txPackets += Math.ceil(tx / r.range(400, 1400));
}
