// Everything on one simulated node's disk: the cgroup tree, /proc entries and pod log files.
// The node is driven by syncPod() (the latest Pod object, or undefined once deleted) and tick().
// Callers serialize calls (nodes.ts runs one operation per node at a time).
//
// Cost control: a pod's loads, network and log lines advance lazily, up to the current simulated time,
// when the pod is refreshed (or stopped); a pod is refreshed when it is due (refreshIntervalMs) and
// within the tick's file-write budget, round-robin, so a large node spreads its work over several
// ticks and a tick costs in proportion to the writes it makes, not to the number of pods. Parents (QoS slices, kubepods.slice, root) are refreshed at
// the end of every tick from their children's published values, so the tree on disk is consistent.

import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupNode } from './cgroup-state.ts';
import {
  cgroupDirs,
  containerScopeName,
  cpuShares,
  parseContainerId,
  podCgroupPath,
  procCgroupFile,
  qosCgroupPath,
  renderCgroup,
  V1_LINKS,
  type CgroupVersion,
  type FileGroup,
  type QosClass,
} from './cgroup-tree.ts';
import { LogGenerator } from './log-content.ts';
import {
  ContainerLoad,
  PodNetwork,
  zeroNet,
  type ContainerResources,
  type NetCounters,
} from './load-model.ts';
import { ensureDir, removeTree, rewriteFile, yieldToLoop } from './fast-fs.ts';
import { ContainerLogWriter, podLogDir, type LogPolicy } from './pod-logs.ts';
import type { NodeCapacity, PodView } from './pod-view.ts';
import { renderNetDev } from './proc-files.ts';
import { hashSeed, Rng } from './rng.ts';

export interface SimNodeOptions {
  name: string;
  /** the node's root filesystem: DIR/nodes/<name> */
  root: string;
  cgroup: CgroupVersion;
  seed: number;
  logPolicy: LogPolicy;
  logLinesPerSecond: number;
  /** a pod's cgroup and /proc files are rewritten at most this often */
  refreshIntervalMs: number;
  /** a pod's log lines are written at most this often (and with each refresh) */
  logFlushIntervalMs: number;
  /** delay between a pod's deletion and the removal of its log directory */
  podCleanupDelayMs: number;
  capacity: NodeCapacity;
}

export interface ContainerRec {
  name: string;
  id: string;
  restartCount: number;
  init: boolean;
  startedAt: string;
  pid: number;
  cgroup: CgroupNode;
  log: ContainerLogWriter;
  resources: ContainerResources;
}

export interface PodRec {
  view: PodView;
  slice: CgroupNode;
  pause: CgroupNode;
  pausePid: number;
  net: PodNetwork;
  /** network counters as last written to /proc/<pause>/net/dev */
  netPublished: { eth0: NetCounters; lo: NetCounters; at: number };
  /** simulated time the pod network has been advanced to */
  netAdvancedTo: number;
  containers: Map<string, ContainerRec>;
  /** log bytes of the last stopped instance per container (the kubelet keeps one dead container) */
  deadLogBytes: Map<string, number>;
  logDir: string;
  lastRefresh: number;
  refreshes: number;
  lastLogFlush: number;
  startedAt: string;
}

export interface TickStats {
  fileWrites: number;
  podsRefreshed: number;
  logBytes: number;
}

/** ~20-40 ms of synchronous file writes between event-loop turns */
const YIELD_EVERY_WRITES = 500;
const PAUSE_EVERY = 4;
const PRESSURE_EVERY = 3;

export class SimNode {
  readonly name: string;
  readonly opts: SimNodeOptions;
  readonly rootCg: CgroupNode;
  readonly kubepods: CgroupNode;
  readonly burstable: CgroupNode;
  readonly besteffort: CgroupNode;
  readonly hostNet: PodNetwork;
  hostNetPublished: NetCounters | undefined;
  private readonly pods = new Map<string, PodRec>();
  /** round-robin refresh order */
  private order: PodRec[] = [];
  private cursor = 0;
  /** pods that finished (Succeeded/Failed) but still exist: their logs stay */
  private readonly finishedLogDirs = new Map<string, string>();
  private readonly cleanups: { at: number; path: string }[] = [];
  private nextPid = 1000;
  /** the eth0 counters of removed pods, so node network counters never go backwards */
  private readonly removedNet: NetCounters = zeroNet();
  startedAt = '';
  nowMs = 0;

  constructor(opts: SimNodeOptions) {
    this.opts = opts;
    this.name = opts.name;
    const cap = opts.capacity;
    this.rootCg = new CgroupNode('root', '', undefined, { cpuShares: 1024 });
    this.rootCg.own = new ContainerLoad(
      hashSeed(opts.seed, opts.name, 'system'),
      { cpuRequest: 0.1 * cap.cpu, memoryRequest: 0.05 * cap.memory },
      'system',
    );
    this.rootCg.procs = [1];
    this.kubepods = new CgroupNode('slice', 'kubepods.slice', this.rootCg, {
      cpuShares: cpuShares(cap.cpu),
      memoryLimit: Math.round(cap.memory * 0.9),
    });
    this.burstable = new CgroupNode('slice', qosCgroupPath('Burstable'), this.kubepods, { cpuShares: 2 });
    this.besteffort = new CgroupNode('slice', qosCgroupPath('BestEffort'), this.kubepods, { cpuShares: 2 });
    this.hostNet = new PodNetwork(hashSeed(opts.seed, opts.name, 'host-net'));
  }

  get cgroupRoot(): string {
    return join(this.opts.root, 'sys/fs/cgroup');
  }

  /** Creates the node's directories and the kubelet's top-level cgroups. */
  init(nowMs: number): void {
    this.nowMs = nowMs;
    this.startedAt = iso(nowMs);
    ensureDir(this.cgroupRoot);
    ensureDir(join(this.opts.root, 'var/log/pods'));
    ensureDir(join(this.opts.root, 'proc/net'));
    if (this.opts.cgroup === 'v1') {
      for (const [link, target] of Object.entries(V1_LINKS)) {
        removeTree(join(this.cgroupRoot, link));
        ensureDir(join(this.cgroupRoot, target));
        symlinkSync(target, join(this.cgroupRoot, link));
      }
    }
    for (const cg of [this.rootCg, this.kubepods, this.burstable, this.besteffort]) {
      cg.publish(nowMs);
      this.createCgroupDirs(cg);
    }
    this.writeHostNet();
  }

  podCount(): number {
    return this.pods.size;
  }

  podRecords(): Iterable<PodRec> {
    return this.pods.values();
  }

  /** Brings the disk in line with the pod's latest state; undefined = the pod was deleted. */
  syncPod(uid: string, view: PodView | undefined): void {
    const now = this.nowMs;
    const rec = this.pods.get(uid);
    if (!view || view.phase === 'Succeeded' || view.phase === 'Failed') {
      if (rec) this.teardownPod(rec);
      const logDir = rec?.logDir ?? this.finishedLogDirs.get(uid);
      if (!view) {
        this.finishedLogDirs.delete(uid);
        if (logDir) this.cleanups.push({ at: now + this.opts.podCleanupDelayMs, path: logDir });
      } else if (logDir) {
        this.finishedLogDirs.set(uid, logDir);
      }
      return;
    }
    const sandboxUp = view.phase === 'Running' || view.statuses.some((s) => s.running && s.containerID);
    if (!sandboxUp && !rec) return;
    const pod = rec ?? this.createPod(view);
    pod.view = view;
    for (const s of view.statuses) {
      const cur = pod.containers.get(s.name);
      const runningId = s.running && s.containerID ? parseContainerId(s.containerID) : undefined;
      const same = cur && cur.id === runningId && cur.restartCount === s.restartCount;
      if (cur && !same) {
        const oom =
          s.oomKilledId === true || (typeof s.oomKilledId === 'string' && s.oomKilledId.endsWith(cur.id));
        if (oom) {
          cur.cgroup.catchUp(now);
          cur.cgroup.load?.oomKill();
        }
        this.stopContainer(pod, cur);
      }
      if (runningId && !same)
        this.startContainer(pod, s.name, runningId, s.restartCount, s.init, s.startedAt);
    }
    // containers that vanished from the status (should not happen, but never leak a scope)
    const named = new Set(view.statuses.map((s) => s.name));
    for (const c of [...pod.containers.values()]) if (!named.has(c.name)) this.stopContainer(pod, c);
  }

  private allocPid(): number {
    return this.nextPid++;
  }

  private createPod(view: PodView): PodRec {
    const now = this.nowMs;
    const parent = this.qosParent(view.qos);
    // the pod's limits cover its app containers (init containers run before them, one at a time)
    const res = [...view.resources.entries()].filter(([n]) => !view.initNames.has(n)).map(([, r]) => r);
    const everyLimit = (k: 'cpuLimit' | 'memoryLimit'): boolean =>
      res.length > 0 && res.every((r) => r[k] !== undefined);
    const sum = (k: 'cpuLimit' | 'memoryLimit' | 'cpuRequest'): number =>
      res.reduce((a, r) => a + (r[k] ?? 0), 0);
    const slice = new CgroupNode('slice', podCgroupPath(view.qos, view.uid), parent, {
      cpuShares: cpuShares(sum('cpuRequest')),
      cpuLimit: everyLimit('cpuLimit') ? sum('cpuLimit') : undefined,
      memoryLimit: everyLimit('memoryLimit') ? sum('memoryLimit') : undefined,
    });
    const seed = hashSeed(this.opts.seed, view.uid);
    const pausePid = this.allocPid();
    // the sandbox (pause) container's id is not in the pod status; derive a stable one
    const pauseId = new Rng(hashSeed(seed, 'sandbox')).hex(64);
    const pause = new CgroupNode('scope', `${slice.path}/${containerScopeName(pauseId)}`, slice, {
      cpuShares: 2,
    });
    pause.load = new ContainerLoad(hashSeed(seed, 'pause'), { cpuRequest: 0, memoryRequest: 0 }, 'pause');
    pause.advancedTo = now;
    pause.procs = [pausePid];
    const logDir = join(this.opts.root, podLogDir(view.namespace, view.name, view.uid));
    const rec: PodRec = {
      view,
      slice,
      pause,
      pausePid,
      net: new PodNetwork(hashSeed(seed, 'net')),
      netPublished: { eth0: zeroNet(), lo: zeroNet(), at: now },
      netAdvancedTo: now,
      containers: new Map(),
      deadLogBytes: new Map(),
      logDir,
      lastRefresh: now,
      refreshes: 0,
      lastLogFlush: now,
      startedAt: view.startTime ?? iso(now),
    };
    this.pods.set(view.uid, rec);
    this.order.push(rec);
    this.finishedLogDirs.delete(view.uid);
    pause.publish(now);
    slice.publish(now);
    this.createCgroupDirs(slice);
    this.createCgroupDirs(pause);
    ensureDir(join(this.opts.root, 'proc', String(pausePid), 'net'));
    rewriteFile(
      join(this.opts.root, 'proc', String(pausePid), 'cgroup'),
      procCgroupFile(this.opts.cgroup, pause.path),
    );
    this.writeNetDev(rec);
    ensureDir(logDir);
    return rec;
  }

  private qosParent(qos: QosClass): CgroupNode {
    if (qos === 'Guaranteed') return this.kubepods;
    return qos === 'BestEffort' ? this.besteffort : this.burstable;
  }

  private startContainer(
    pod: PodRec,
    name: string,
    id: string,
    restartCount: number,
    init: boolean,
    startedAt: string | undefined,
  ): void {
    const now = this.nowMs;
    const resources = pod.view.resources.get(name) ?? { cpuRequest: 0, memoryRequest: 0 };
    const seed = hashSeed(this.opts.seed, pod.view.uid, name, restartCount);
    const cg = new CgroupNode('scope', `${pod.slice.path}/${containerScopeName(id)}`, pod.slice, {
      cpuShares: cpuShares(resources.cpuRequest),
      cpuLimit: resources.cpuLimit,
      memoryLimit: resources.memoryLimit,
    });
    cg.load = new ContainerLoad(seed, resources, 'app');
    cg.advancedTo = now;
    const pid = this.allocPid();
    cg.procs = [pid];
    cg.publish(now);
    pod.slice.publish(now);
    this.createCgroupDirs(cg);
    ensureDir(join(this.opts.root, 'proc', String(pid)));
    rewriteFile(
      join(this.opts.root, 'proc', String(pid), 'cgroup'),
      procCgroupFile(this.opts.cgroup, cg.path),
    );
    const dir = join(pod.logDir, name);
    ensureDir(dir);
    removeOldInstanceLogs(dir, restartCount);
    const log = new ContainerLogWriter(
      dir,
      restartCount,
      this.opts.logPolicy,
      new LogGenerator(hashSeed(seed, 'logs'), name),
      now,
    );
    log.open();
    pod.containers.set(name, {
      name,
      id,
      restartCount,
      init,
      startedAt: startedAt ?? iso(now),
      pid,
      cgroup: cg,
      log,
      resources,
    });
  }

  private stopContainer(pod: PodRec, c: ContainerRec): void {
    pod.containers.delete(c.name);
    c.cgroup.catchUp(this.nowMs);
    c.log.produceUntil(this.nowMs, this.opts.logLinesPerSecond);
    c.log.close(this.nowMs);
    pod.deadLogBytes.set(c.name, c.log.diskBytes());
    c.cgroup.remove();
    pod.slice.publish(this.nowMs);
    this.removeCgroupDirs(c.cgroup);
    removeTree(join(this.opts.root, 'proc', String(c.pid)));
    this.writeCgroup(pod.slice, new Set(['counters', 'events']));
  }

  private teardownPod(pod: PodRec): void {
    const pids = [pod.pausePid];
    for (const c of [...pod.containers.values()]) {
      pod.containers.delete(c.name);
      pids.push(c.pid);
      c.cgroup.catchUp(this.nowMs);
      c.log.produceUntil(this.nowMs, this.opts.logLinesPerSecond);
      c.log.close(this.nowMs);
    }
    pod.pause.catchUp(this.nowMs);
    this.catchUpNet(pod);
    this.pods.delete(pod.view.uid);
    const i = this.order.indexOf(pod);
    if (i >= 0) {
      this.order.splice(i, 1);
      if (this.cursor > i) this.cursor--;
    }
    addNet(this.removedNet, pod.net.eth0);
    pod.slice.remove();
    this.removeCgroupDirs(pod.slice);
    for (const pid of pids) removeTree(join(this.opts.root, 'proc', String(pid)));
  }

  /** Advances simulated time by dtMs and writes what is due within `writeBudget` file writes. */
  async tick(dtMs: number, nowMs: number, writeBudget: number): Promise<TickStats> {
    this.nowMs = nowMs;
    const stats: TickStats = { fileWrites: 0, podsRefreshed: 0, logBytes: 0 };
    this.rootCg.own?.advance(dtMs);
    this.hostNet.advance(dtMs);
    // pick due pods round-robin until the budget is spent
    const due: PodRec[] = [];
    let budget = writeBudget;
    const n = this.order.length;
    const start = this.cursor;
    for (let k = 0; k < n && budget > 0; k++) {
      const pod = this.order[(start + k) % n] as PodRec;
      if (nowMs - pod.lastRefresh < this.opts.refreshIntervalMs) continue;
      due.push(pod);
      budget -= this.podFileCost(pod);
      this.cursor = (start + k + 1) % n;
    }
    // synchronous writes in batches, yielding in between so sockets and timers are served
    let sinceYield = 0;
    const spend = async (writes: number): Promise<void> => {
      stats.fileWrites += writes;
      budget -= writes;
      sinceYield += writes;
      if (sinceYield >= YIELD_EVERY_WRITES) {
        sinceYield = 0;
        await yieldToLoop();
      }
    };
    budget = writeBudget;
    for (const pod of due) {
      if (pod.slice.removed) continue;
      stats.podsRefreshed++;
      await spend(this.refreshPod(pod) + this.flushLogs(pod, stats));
    }
    // logs of the other pods, longest-waiting first, with what is left of the budget; lines are
    // generated up to now when they are written, so a pod that waits loses nothing
    const logDue = [...this.pods.values()]
      .filter((p) => nowMs - p.lastLogFlush >= this.opts.logFlushIntervalMs)
      .sort((a, b) => a.lastLogFlush - b.lastLogFlush);
    for (const pod of logDue) {
      if (budget <= 0) break;
      if (pod.slice.removed) continue;
      await spend(this.flushLogs(pod, stats));
    }
    stats.fileWrites += this.updateBurstableShares();
    for (const cg of [this.burstable, this.besteffort, this.kubepods, this.rootCg]) {
      cg.publish(nowMs);
      stats.fileWrites += this.writeCgroup(cg, new Set(['counters', 'pressure', 'events']));
    }
    stats.fileWrites += this.writeHostNet();
    this.runCleanups();
    return stats;
  }

  /**
   * The kubelet sizes the Burstable slice's cpu share to the sum of its pods' requests (at least 2);
   * rewrites cpu.weight (v2) or cpu.shares (v1) when that changed. Returns the number of writes.
   */
  private updateBurstableShares(): number {
    let shares = 0;
    for (const pod of this.burstable.children) shares += pod.limits.cpuShares;
    shares = Math.max(2, shares);
    if (shares === this.burstable.limits.cpuShares) return 0;
    this.burstable.limits.cpuShares = shares;
    const name = this.opts.cgroup === 'v2' ? 'cpu.weight' : 'cpu.shares';
    for (const f of renderCgroup(this.opts.cgroup, this.burstable.view())) {
      if (f.path.endsWith(`/${name}`)) rewriteFile(join(this.cgroupRoot, f.path), f.content);
    }
    return 1;
  }

  /** Expected writes of the pod's next refresh (counter files, net/dev, one append per log). */
  private podFileCost(pod: PodRec): number {
    const perDir = this.opts.cgroup === 'v2' ? 4 + (pod.refreshes % PRESSURE_EVERY === 0 ? 3 : 0) : 10;
    const dirs = pod.containers.size + 1 + (pod.refreshes % PAUSE_EVERY === 0 ? 1 : 0);
    return dirs * perDir + 1 + pod.containers.size;
  }

  /** Publishes the pod's containers, pause and slice and rewrites their counter files and net/dev. */
  private refreshPod(pod: PodRec): number {
    const now = this.nowMs;
    pod.lastRefresh = now;
    let writes = 0;
    // the pause container barely moves: its files are refreshed every PAUSE_EVERY-th time; PSI
    // files every PRESSURE_EVERY-th time (the slice still sums what its children last published)
    const round = pod.refreshes++;
    const scopes = [...pod.containers.values()].map((c) => c.cgroup);
    if (round % PAUSE_EVERY === 0) scopes.push(pod.pause);
    for (const cg of scopes) {
      cg.catchUp(now);
      cg.publish(now);
    }
    pod.slice.publish(now);
    this.catchUpNet(pod);
    const groups = new Set<FileGroup>(
      round % PRESSURE_EVERY === 0 ? ['counters', 'pressure', 'events'] : ['counters', 'events'],
    );
    for (const cg of [...scopes, pod.slice]) writes += this.writeCgroup(cg, groups);
    writes += this.writeNetDev(pod);
    return writes;
  }

  /** Appends each container's buffered lines (one write per file). Returns the number of appends. */
  private flushLogs(pod: PodRec, stats: TickStats): number {
    pod.lastLogFlush = this.nowMs;
    let appends = 0;
    for (const c of pod.containers.values()) {
      c.log.produceUntil(this.nowMs, this.opts.logLinesPerSecond);
      const before = c.log.appends;
      const pending = c.log.pendingBytes;
      c.log.flush(this.nowMs);
      appends += c.log.appends - before;
      stats.logBytes += pending;
    }
    return appends;
  }

  private catchUpNet(pod: PodRec): void {
    if (this.nowMs > pod.netAdvancedTo) pod.net.advance(this.nowMs - pod.netAdvancedTo);
    pod.netAdvancedTo = Math.max(pod.netAdvancedTo, this.nowMs);
  }

  private writeNetDev(pod: PodRec): number {
    pod.netPublished = { eth0: { ...pod.net.eth0 }, lo: { ...pod.net.lo }, at: this.nowMs };
    const text = renderNetDev([
      ['lo', pod.netPublished.lo],
      ['eth0', pod.netPublished.eth0],
    ]);
    rewriteFile(join(this.opts.root, 'proc', String(pod.pausePid), 'net', 'dev'), text);
    return 1;
  }

  /** Node eth0 = host traffic + every pod's traffic (present and removed), as last published. */
  nodeNet(): NetCounters {
    const total = { ...this.hostNet.eth0 };
    addNet(total, this.removedNet);
    for (const p of this.pods.values()) addNet(total, p.netPublished.eth0);
    return total;
  }

  private writeHostNet(): number {
    this.hostNetPublished = this.nodeNet();
    rewriteFile(
      join(this.opts.root, 'proc/net/dev'),
      renderNetDev([
        ['lo', this.hostNet.lo],
        ['eth0', this.hostNetPublished],
      ]),
    );
    return 1;
  }

  private createCgroupDirs(cg: CgroupNode): void {
    for (const d of cgroupDirs(this.opts.cgroup, cg.path)) ensureDir(join(this.cgroupRoot, d));
    this.writeCgroup(cg, new Set(['static', 'counters', 'pressure', 'events']));
  }

  private removeCgroupDirs(cg: CgroupNode): void {
    for (const d of cgroupDirs(this.opts.cgroup, cg.path)) {
      removeTree(join(this.cgroupRoot, d));
    }
  }

  /** Writes the cgroup's files of the given groups; events only when they changed. Returns the count. */
  private writeCgroup(cg: CgroupNode, groups: Set<FileGroup>): number {
    if (cg.removed) return 0;
    const eventsKey = cg.eventsKey();
    const create = groups.has('static');
    const events = groups.has('events') && (create || eventsKey !== cg.eventsWritten);
    let n = 0;
    for (const f of renderCgroup(this.opts.cgroup, cg.view())) {
      if (f.group === 'events' ? !events : !groups.has(f.group)) continue;
      const path = join(this.cgroupRoot, f.path);
      if (create) writeFileSync(path, f.content);
      else rewriteFile(path, f.content);
      n++;
    }
    if (events) cg.eventsWritten = eventsKey;
    return n;
  }

  private runCleanups(): void {
    const due = this.cleanups.filter((c) => c.at <= this.nowMs);
    if (due.length === 0) return;
    for (const c of due) {
      this.cleanups.splice(this.cleanups.indexOf(c), 1);
      removeTree(c.path);
    }
  }

  /** Stops every container's log (flushing what is buffered). Files stay on disk. */
  shutdown(): void {
    for (const pod of this.pods.values()) {
      for (const c of pod.containers.values()) {
        c.log.produceUntil(this.nowMs, this.opts.logLinesPerSecond);
        c.log.close(this.nowMs);
      }
    }
  }
}

/** The kubelet keeps the logs of the previous container instance; older ones go with the dead containers. */
function removeOldInstanceLogs(dir: string, restartCount: number): void {
  for (const name of readdirSync(dir)) {
    const m = /^(\d+)\.log/.exec(name);
    if (m && Number(m[1]) < restartCount - 1) removeTree(join(dir, name));
  }
}

function addNet(t: NetCounters, s: NetCounters): void {
  t.rxBytes += s.rxBytes;
  t.rxPackets += s.rxPackets;
  t.rxErrors += s.rxErrors;
  t.rxDrop += s.rxDrop;
  t.txBytes += s.txBytes;
  t.txPackets += s.txPackets;
  t.txErrors += s.txErrors;
  t.txDrop += s.txDrop;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
