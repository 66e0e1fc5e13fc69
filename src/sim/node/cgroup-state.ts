// The in-memory cgroup hierarchy of one node: what each directory last published to disk, and how
// parents aggregate children. A parent's counters are the sum of its children's published values plus
// what removed children had accumulated (the kernel keeps those in the parent too), so parent
// counters never go backwards when a pod goes away.

import type { CgroupKind, CgroupLimits, CgroupView, Pressure } from './cgroup-tree.ts';
import {
  addUsage,
  memoryCurrent,
  MONOTONIC_FIELDS,
  zeroUsage,
  type ContainerLoad,
  type Usage,
} from './load-model.ts';

const PRESSURE_KEYS = [
  ['cpuSome', 'cpuSomeUsec'],
  ['cpuFull', 'cpuFullUsec'],
  ['memSome', 'memSomeUsec'],
  ['memFull', 'memFullUsec'],
  ['ioSome', 'ioSomeUsec'],
  ['ioFull', 'ioFullUsec'],
] as const;
const PRESSURE_WINDOWS_MS = [10_000, 60_000, 300_000];

export class CgroupNode {
  readonly kind: CgroupKind;
  readonly path: string;
  readonly parent: CgroupNode | undefined;
  readonly children = new Set<CgroupNode>();
  limits: CgroupLimits;
  procs: number[] = [];
  /** leaves only: the workload whose usage this cgroup reports */
  load: ContainerLoad | undefined;
  /** simulated time the load has been advanced to (loads advance lazily, when published or removed) */
  advancedTo = 0;
  /** extra usage of the node itself (the root's system services) */
  own: ContainerLoad | undefined;
  /** monotonic counters of removed children */
  readonly retained: Usage = zeroUsage();
  published: Usage = zeroUsage();
  publishedAt = 0;
  prevPublished: Usage | undefined;
  prevPublishedAt = 0;
  maxUsage = 0;
  readonly pressure: Pressure = {
    cpuSome: [0, 0, 0],
    cpuFull: [0, 0, 0],
    memSome: [0, 0, 0],
    memFull: [0, 0, 0],
    ioSome: [0, 0, 0],
    ioFull: [0, 0, 0],
  };
  /** events counters as last written (to rewrite memory.events only when they change) */
  eventsWritten = -1;
  removed = false;

  constructor(kind: CgroupKind, path: string, parent: CgroupNode | undefined, limits: CgroupLimits) {
    this.kind = kind;
    this.path = path;
    this.parent = parent;
    this.limits = limits;
    parent?.children.add(this);
  }

  /** Advances the leaf's load to nowMs. */
  catchUp(nowMs: number): void {
    if (this.load && nowMs > this.advancedTo) this.load.advance(nowMs - this.advancedTo);
    this.advancedTo = Math.max(this.advancedTo, nowMs);
  }

  /** Usage now: the load's for a leaf; published children + retained (+ own) for a parent. */
  aggregate(live: boolean): Usage {
    if (this.load) return this.load.snapshot();
    const u = zeroUsage();
    for (const c of this.children) addUsage(u, live ? c.aggregate(true) : c.published);
    addUsage(u, this.retained, MONOTONIC_FIELDS);
    if (this.own) addUsage(u, this.own.snapshot());
    return u;
  }

  /** Takes a new published snapshot at simulated time `nowMs` (children must be published first). */
  publish(nowMs: number): void {
    const next = this.aggregate(false);
    const dt = nowMs - this.publishedAt;
    // rates (usageNanoCores, PSI averages) compare snapshots taken at different times; a second
    // publish at the same simulated time only replaces the latest snapshot
    if (this.publishedAt > 0 && dt > 0) {
      this.prevPublished = this.published;
      this.prevPublishedAt = this.publishedAt;
      for (const [key, field] of PRESSURE_KEYS) {
        const pct = Math.min(100, ((next[field] - this.published[field]) / (dt * 1000)) * 100);
        const avgs = this.pressure[key];
        PRESSURE_WINDOWS_MS.forEach((w, i) => {
          const a = Math.exp(-dt / w);
          avgs[i] = (avgs[i] ?? 0) * a + pct * (1 - a);
        });
      }
    }
    this.published = next;
    this.publishedAt = nowMs;
    const leafMax = this.load?.maxUsage() ?? 0;
    this.maxUsage = Math.max(this.maxUsage, leafMax, memoryCurrent(next));
  }

  /** Detaches from the parent, which keeps this cgroup's cumulative counters. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    for (const c of [...this.children]) c.remove();
    if (this.parent) {
      addUsage(this.parent.retained, this.aggregate(true), MONOTONIC_FIELDS);
      this.parent.children.delete(this);
    }
  }

  /** Smallest memory limit from here to the root. */
  hierarchicalMemoryLimit(): number | undefined {
    const own = this.limits.memoryLimit;
    const up = this.parent?.hierarchicalMemoryLimit();
    if (own === undefined) return up;
    return up === undefined ? own : Math.min(own, up);
  }

  view(): CgroupView {
    return {
      kind: this.kind,
      path: this.path,
      usage: this.published,
      limits: this.limits,
      procs: this.procs,
      maxUsage: this.maxUsage,
      pressure: this.pressure,
      hierarchicalMemoryLimit: this.hierarchicalMemoryLimit(),
    };
  }

  /** cores used between the last two published snapshots (usageNanoCores / 1e9) */
  cpuRate(): number {
    if (!this.prevPublished || this.publishedAt <= this.prevPublishedAt) return 0;
    const dUsec = this.published.cpuUsageUsec - this.prevPublished.cpuUsageUsec;
    return dUsec / ((this.publishedAt - this.prevPublishedAt) * 1000);
  }

  eventsKey(): number {
    const u = this.published;
    return u.eventsMax * 1e6 + u.eventsOomKill * 1e3 + u.failcnt;
  }
}
