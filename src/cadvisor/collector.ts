// One collection of the `cadvisor` receiver: the kubelet's /metrics/cadvisor families from the
// host's cgroups, labelled with the kubelet's pod list, plus the per-pod summary inputs.
//
//   list cgroups → keep what the kubelet's cAdvisor shows → read each → label (pods.ts) →
//   network of each pod's sandbox and of "/" (network.ts) → families (families.ts, machine.ts)
//
// Which cgroups: whatever the source lists — the host source (discovery.ts) lists what the
// kubelet's cAdvisor shows: "/", the kubepods hierarchy and the kubelet's own cgroup.
//
// Contracts:
// - collect() never rejects. A failed listing gives container_scrape_error 1 and no container
//   rows; a cgroup that vanishes between listing and reading is left out; errors go to onError.
// - Concurrent collect() calls share one in-flight collection (a scrape during a push, two scrapers).
// - A collection waits for the kubelet at most POD_WAIT_MS (pod-cache.ts): the first pod list, or
//   a re-read when it meets containers the list does not name yet.
import { join } from 'node:path';
import type { Family } from '../metricfamily/family.ts';
import { BlockDevices } from './devices.ts';
import { containerFamilies, sortFamiliesByName, type ContainerRow } from './families.ts';
import { machineFamilies, MachineInfoCache } from './machine.ts';
import { parseNetDev, readPodNetwork, readProcessNetwork } from './network.ts';
import type { PodCache } from './pod-cache.ts';
import { labelCgroups, type Labelled, type PodInfo } from './pods.ts';
import { readSmallFile } from './cgroup/files.ts';
import type { CgroupIdentity, CgroupStats, CgroupVersion } from './types.ts';

/** Where cgroups come from: the cgroup reader and discovery, or a fake in tests. */
export interface CgroupSource {
  readonly version: CgroupVersion;
  list(): Promise<CgroupIdentity[]>;
  read(path: string, nowMs: number): Promise<CgroupStats>;
}

export interface CollectorOptions {
  /** The host's / (root_path): /proc and /sys are read below it. */
  rootPath: string;
  source: CgroupSource;
  pods: PodCache;
  sandboxImage: string;
  onError: (where: string, err: unknown) => void;
  now?: () => number;
}

/** A labelled cgroup of one collection. */
export interface CollectedRow extends ContainerRow {
  role: Labelled['role'];
  pod?: PodInfo;
}

export interface Collection {
  nowMs: number;
  /** container_* and machine_* families, sorted as the kubelet serves them */
  families: Family[];
  rows: CollectedRow[];
  /** logical CPUs of the node (0 when unknown) */
  cpus: number;
  /** the cgroup listing failed */
  scrapeError: boolean;
}

/** How long a collection waits for the kubelet's pod list (the first one, or a re-read). */
const POD_WAIT_MS = 1000;

export class CadvisorCollector {
  private readonly o: CollectorOptions;
  private readonly procDir: string;
  private readonly devices: BlockDevices;
  private readonly machine: MachineInfoCache;
  private inflight: Promise<Collection> | undefined;

  constructor(o: CollectorOptions) {
    this.o = o;
    this.procDir = join(o.rootPath, 'proc');
    this.devices = new BlockDevices(join(o.rootPath, 'sys'));
    this.machine = new MachineInfoCache(o.rootPath);
  }

  /** One collection, shared with any other caller while it runs. */
  collect(): Promise<Collection> {
    this.inflight ??= this.run().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async run(): Promise<Collection> {
    const nowMs = (this.o.now ?? Date.now)();
    const podIndex = this.o.pods.get(POD_WAIT_MS);
    let ids: CgroupIdentity[] = [];
    let scrapeError = false;
    try {
      ids = await this.o.source.list();
    } catch (err) {
      scrapeError = true;
      this.o.onError('listing cgroups', err);
    }
    const read = await Promise.all(
      ids.map(async (identity) => {
        try {
          return { identity, stats: await this.o.source.read(identity.path, nowMs) };
        } catch (err) {
          // Gone between listing and reading (a container exited): not an error worth a log line.
          if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT')
            this.o.onError(`reading ${identity.path}`, err);
          return undefined;
        }
      }),
    );
    // A cgroup removed after the listing reads as neither cpu nor memory: gone, as in cAdvisor.
    const present = read.filter(
      (r): r is { identity: CgroupIdentity; stats: CgroupStats } =>
        r !== undefined &&
        (r.stats.cpu !== undefined || r.stats.memory !== undefined || r.identity.path === '/'),
    );
    const inputs = present.map((r) => ({
      identity: r.identity,
      ...(r.stats.startTimeSeconds !== undefined && { startTimeSeconds: r.stats.startTimeSeconds }),
    }));
    const opts = { sandboxImage: this.o.sandboxImage };
    let index = await podIndex;
    let labelled = labelCgroups(inputs, index, opts);
    if (labelled.some((l) => l.role === 'unmatched')) {
      // containers the pod list does not name yet (a pod just started): ask the kubelet again
      const fresh = await this.o.pods.fresh(POD_WAIT_MS);
      if (fresh !== index) {
        index = fresh;
        labelled = labelCgroups(inputs, index, opts);
      }
    }
    const rows: CollectedRow[] = present.map((r, i) => {
      const l = labelled[i]!;
      return { labels: l.labels, stats: r.stats, role: l.role, ...(l.pod && { pod: l.pod }) };
    });
    this.attachNetworks(rows);

    this.devices.refresh(nowMs);
    const machine = this.readMachine(nowMs);
    const families = containerFamilies(rows, {
      nowMs,
      deviceName: (d) => this.devices.name(d),
      scrapeError,
    });
    families.push(...machineFamilies(machine));
    return {
      nowMs,
      families: sortFamiliesByName(families),
      rows,
      cpus: machine?.cores ?? 0,
      scrapeError,
    };
  }

  private readMachine(nowMs: number) {
    try {
      return this.machine.get(nowMs);
    } catch (err) {
      this.o.onError('reading machine info', err);
      return undefined;
    }
  }

  /**
   * Network counters where cAdvisor has them: each pod's sandbox (its processes first, then its
   * containers' — one network namespace) and "/" (pid 1, the host's namespace).
   */
  private attachNetworks(rows: CollectedRow[]): void {
    const podPids = new Map<string, number[]>();
    for (const r of rows) {
      if (r.role !== 'container' || !r.pod || !r.stats.pids) continue;
      const list = podPids.get(r.pod.uid);
      if (list) list.push(...r.stats.pids);
      else podPids.set(r.pod.uid, [...r.stats.pids]);
    }
    for (const r of rows) {
      if (r.role === 'sandbox') {
        const pids = [...(r.stats.pids ?? []), ...(podPids.get(r.pod!.uid) ?? [])];
        const net = readPodNetwork(this.procDir, pids);
        if (net) r.stats = { ...r.stats, network: net };
      } else if (r.labels.id === '/') {
        // pid 1's view; without a pid-1 entry (a bare root_path tree), the tree's own /proc/net/dev
        const net =
          readProcessNetwork(this.procDir, 1) ??
          (() => {
            const text = readSmallFile(join(this.procDir, 'net', 'dev'));
            return text === undefined ? undefined : parseNetDev(text);
          })();
        if (net) r.stats = { ...r.stats, network: net };
      }
    }
  }
}
