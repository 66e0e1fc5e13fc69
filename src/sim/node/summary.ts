// The kubelet Summary API (/stats/summary, stats/v1alpha1) built from what the node last published
// to its cgroup and /proc files, so the numbers agree with the files an agent reads.

import type { CgroupNode } from './cgroup-state.ts';
import { memoryCurrent, workingSet, type NetCounters } from './load-model.ts';
import { iso, type PodRec, type SimNode } from './sim-node.ts';

const GiB = 2 ** 30;
const NODE_FS_CAPACITY = 100 * GiB;
const NODE_FS_BASE_USED = 18 * GiB;
const NODE_INODES = 6_553_600;

function cpuStats(cg: CgroupNode): Record<string, unknown> {
  return {
    time: iso(cg.publishedAt),
    usageNanoCores: Math.round(cg.cpuRate() * 1e9),
    usageCoreNanoSeconds: cg.published.cpuUsageUsec * 1000,
  };
}

function memoryStats(cg: CgroupNode, limit: number | undefined): Record<string, unknown> {
  const u = cg.published;
  const ws = workingSet(u);
  const m: Record<string, unknown> = {
    time: iso(cg.publishedAt),
    usageBytes: memoryCurrent(u),
    workingSetBytes: ws,
    rssBytes: u.anon,
    pageFaults: u.pgfault,
    majorPageFaults: u.pgmajfault,
  };
  if (limit !== undefined) m.availableBytes = Math.max(0, limit - ws);
  return m;
}

function swapStats(cg: CgroupNode): Record<string, unknown> {
  return { time: iso(cg.publishedAt), swapUsageBytes: 0, swapAvailableBytes: 0 };
}

function fsStats(time: number, capacity: number, used: number, inodesUsed: number): Record<string, unknown> {
  return {
    time: iso(time),
    availableBytes: Math.max(0, capacity - used),
    capacityBytes: capacity,
    usedBytes: used,
    inodesFree: NODE_INODES - inodesUsed,
    inodes: NODE_INODES,
    inodesUsed,
  };
}

function netStats(time: number, eth0: NetCounters): Record<string, unknown> {
  const iface = {
    name: 'eth0',
    rxBytes: eth0.rxBytes,
    rxErrors: eth0.rxErrors,
    txBytes: eth0.txBytes,
    txErrors: eth0.txErrors,
  };
  return { time: iso(time), ...iface, interfaces: [iface] };
}

/** Writable-layer usage of a container: grows slowly with its io writes, a stand-in for rootfs diffs. */
function rootfsBytes(cg: CgroupNode): number {
  return 8192 + Math.round(cg.published.ioWbytes * 0.01);
}

function podSummary(node: SimNode, pod: PodRec): Record<string, unknown> {
  const fsUsedNode = NODE_FS_BASE_USED;
  const containers: Record<string, unknown>[] = [];
  let ephemeral = 0;
  let logsInodes = 0;
  for (const c of pod.containers.values()) {
    const cg = c.cgroup;
    const logBytes = c.log.diskBytes() + (pod.deadLogBytes.get(c.name) ?? 0);
    const rootfs = rootfsBytes(cg);
    ephemeral += logBytes + rootfs;
    logsInodes += c.log.fileCount();
    containers.push({
      name: c.name,
      startTime: c.startedAt,
      cpu: cpuStats(cg),
      memory: memoryStats(cg, c.resources.memoryLimit ?? node.opts.capacity.memory),
      rootfs: fsStats(cg.publishedAt, NODE_FS_CAPACITY, rootfs, 12),
      logs: fsStats(cg.publishedAt, NODE_FS_CAPACITY, logBytes, c.log.fileCount()),
      swap: swapStats(cg),
    });
  }
  const slice = pod.slice;
  const volumes = pod.view.volumes.map((name) => {
    const claim = pod.view.claims.get(name);
    return {
      ...fsStats(slice.publishedAt, NODE_FS_CAPACITY - fsUsedNode, 4096, 3),
      name,
      // the kubelet names the claim of a PVC-backed volume (kubelet_volume_stats_* are keyed on it)
      ...(claim !== undefined && { pvcRef: { name: claim, namespace: pod.view.namespace } }),
    };
  });
  ephemeral += volumes.length * 4096;
  return {
    podRef: { name: pod.view.name, namespace: pod.view.namespace, uid: pod.view.uid },
    startTime: pod.startedAt,
    containers,
    cpu: cpuStats(slice),
    memory: memoryStats(slice, slice.limits.memoryLimit ?? node.opts.capacity.memory),
    swap: swapStats(slice),
    network: netStats(pod.netPublished.at, pod.netPublished.eth0),
    volume: volumes,
    'ephemeral-storage': fsStats(
      slice.publishedAt,
      NODE_FS_CAPACITY,
      ephemeral,
      logsInodes + 12 * containers.length,
    ),
    process_stats: { process_count: slice.published.pids },
  };
}

/** The Summary for a node. */
export function nodeSummary(node: SimNode): Record<string, unknown> {
  const root = node.rootCg;
  const kube = node.kubepods;
  const capacity = node.opts.capacity;
  const pods = [...node.podRecords()].map((p) => podSummary(node, p));
  let logBytes = 0;
  for (const p of node.podRecords()) for (const c of p.containers.values()) logBytes += c.log.diskBytes();
  const fsUsed = NODE_FS_BASE_USED + logBytes;
  const sys = (name: string, cg: CgroupNode): Record<string, unknown> => ({
    name,
    startTime: node.startedAt,
    cpu: cpuStats(cg),
    memory: memoryStats(cg, undefined),
  });
  return {
    node: {
      nodeName: node.name,
      systemContainers: [sys('pods', kube)],
      startTime: node.startedAt,
      cpu: cpuStats(root),
      memory: memoryStats(root, capacity.memory),
      network: netStats(root.publishedAt, node.hostNetPublished ?? node.nodeNet()),
      fs: fsStats(root.publishedAt, NODE_FS_CAPACITY, fsUsed, 250_000),
      runtime: {
        imageFs: fsStats(root.publishedAt, NODE_FS_CAPACITY, 6 * GiB, 60_000),
        containerFs: fsStats(root.publishedAt, NODE_FS_CAPACITY, 6 * GiB, 60_000),
      },
      rlimit: { time: iso(root.publishedAt), maxpid: 4_194_304, curproc: root.published.pids },
      swap: swapStats(root),
    },
    pods,
  };
}
