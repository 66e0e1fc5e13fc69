// Builds a kubelet-shaped cgroup v1 or v2 tree on disk with known values, for the reader's tests
// and the cadvisor benchmark (bench/cadvisor.bench.ts): root, kubepods.slice, the Burstable and
// BestEffort slices, pods of all three QoS classes and their containerd scopes (systemd driver),
// plus the /proc files the receiver reads around them: meminfo (no swap, as on most Kubernetes
// nodes), uptime, <pid>/net/dev of every pod process (the pod's interfaces) and <pid>/cgroup.
// File contents come from the simulator's renderers (src/sim/node/cgroup-tree.ts) and its
// aggregation (cgroup-state.ts: a parent's counters are the sum of its children's), so the tree
// has the kernel's file formats and consistent parent/child values. Test-only code.

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  containerScopeName,
  cpuShares,
  podCgroupPath,
  procCgroupFile,
  qosCgroupPath,
  renderCgroup,
  V1_CONTROLLERS,
  V1_LINKS,
  type CgroupView,
  type QosClass,
} from '../../sim/node/cgroup-tree.ts';
import { CgroupNode } from '../../sim/node/cgroup-state.ts';
import { ContainerLoad, PodNetwork, type NetCounters } from '../../sim/node/load-model.ts';
import { renderNetDev } from '../../sim/node/proc-files.ts';
import { hashSeed } from '../../sim/node/rng.ts';
import type { CgroupIdentity, CgroupVersion } from '../types.ts';

export interface FixtureOptions {
  version: CgroupVersion;
  /** default 100 */
  pods?: number;
  /** application containers per pod (a pause/sandbox scope is added to each pod); default 2 */
  containersPerPod?: number;
  seed?: number;
  /** simulated run time before the snapshot, ms; default 10 minutes */
  runMs?: number;
}

export interface FixtureCgroup {
  /** "/kubepods.slice/…" ("/" for the root) */
  path: string;
  kind: CgroupIdentity['kind'];
  podUid?: string;
  containerId?: string;
  sandbox?: boolean;
  /** what was rendered into the cgroup's files */
  view: CgroupView;
  /** pods: the interfaces every process of the pod sees in /proc/<pid>/net/dev */
  network?: { eth0: NetCounters; lo: NetCounters };
}

export interface FixtureTree {
  /** the fake root_path: <dir> */
  rootPath: string;
  /** <dir>/sys/fs/cgroup */
  sysFsCgroup: string;
  cgroups: FixtureCgroup[];
  /** number of files written */
  files: number;
  /** /proc/meminfo MemTotal, bytes */
  memTotal: number;
}

const MiB = 2 ** 20;
const QOS_CYCLE: readonly QosClass[] = ['Burstable', 'BestEffort', 'Guaranteed', 'Burstable'];

function hex(seed: number, len: number): string {
  let s = '';
  let x = seed >>> 0 || 1;
  while (s.length < len) {
    // xorshift32: enough to make distinct, reproducible ids
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, len);
}

function uuid(seed: number): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Builds the tree under `dir` (which it creates; an existing tree there is replaced). */
export function buildFixtureTree(dir: string, opts: FixtureOptions): FixtureTree {
  const pods = opts.pods ?? 100;
  const perPod = opts.containersPerPod ?? 2;
  const seed = opts.seed ?? 1;
  const runMs = opts.runMs ?? 600_000;
  const cap = { cpu: 8, memory: 32 * 1024 * MiB };

  const root = new CgroupNode('root', '', undefined, { cpuShares: 1024 });
  root.own = new ContainerLoad(
    hashSeed(seed, 'system'),
    { cpuRequest: 0.8, memoryRequest: 1600 * MiB },
    'system',
  );
  root.procs = [1];
  const kubepods = new CgroupNode('slice', 'kubepods.slice', root, {
    cpuShares: cpuShares(cap.cpu),
    memoryLimit: Math.round(cap.memory * 0.9),
  });
  const qosNodes = new Map<QosClass, CgroupNode>([
    ['Guaranteed', kubepods],
    ['Burstable', new CgroupNode('slice', qosCgroupPath('Burstable'), kubepods, { cpuShares: 2 })],
    ['BestEffort', new CgroupNode('slice', qosCgroupPath('BestEffort'), kubepods, { cpuShares: 2 })],
  ]);

  const meta = new Map<CgroupNode, Omit<FixtureCgroup, 'view' | 'path'>>();
  meta.set(root, { kind: 'root' });
  meta.set(kubepods, { kind: 'kubepods' });
  for (const [q, n] of qosNodes) if (q !== 'Guaranteed') meta.set(n, { kind: 'qos' });

  let pid = 1000;
  for (let p = 0; p < pods; p++) {
    const qos = QOS_CYCLE[p % QOS_CYCLE.length] ?? 'Burstable';
    const uid = uuid(hashSeed(seed, 'pod', p));
    const cpuReq = qos === 'BestEffort' ? 0 : 0.1 + (p % 5) * 0.1;
    const memReq = qos === 'BestEffort' ? 0 : (64 + (p % 4) * 64) * MiB;
    const limits =
      qos === 'Guaranteed'
        ? { cpuLimit: cpuReq, memoryLimit: memReq }
        : qos === 'Burstable' && p % 2 === 0
          ? { cpuLimit: cpuReq * 2, memoryLimit: memReq * 2 }
          : {};
    const podNode = new CgroupNode('slice', podCgroupPath(qos, uid), qosNodes.get(qos) ?? kubepods, {
      cpuShares: cpuShares(cpuReq * perPod),
      ...(limits.cpuLimit === undefined ? {} : { cpuLimit: limits.cpuLimit * perPod }),
      ...(limits.memoryLimit === undefined ? {} : { memoryLimit: limits.memoryLimit * perPod }),
    });
    const net = new PodNetwork(hashSeed(seed, 'net', p));
    net.advance(runMs * 2);
    meta.set(podNode, { kind: 'pod', podUid: uid, network: { eth0: { ...net.eth0 }, lo: { ...net.lo } } });
    for (let c = 0; c <= perPod; c++) {
      const sandbox = c === 0;
      const id = hex(hashSeed(seed, 'ctr', p, c), 64);
      const node = new CgroupNode('scope', `${podNode.path}/${containerScopeName(id)}`, podNode, {
        cpuShares: sandbox ? 2 : cpuShares(cpuReq),
        ...(sandbox || limits.cpuLimit === undefined ? {} : { cpuLimit: limits.cpuLimit }),
        ...(sandbox || limits.memoryLimit === undefined ? {} : { memoryLimit: limits.memoryLimit }),
      });
      node.load = new ContainerLoad(
        hashSeed(seed, 'load', p, c),
        sandbox
          ? { cpuRequest: 0, memoryRequest: 0 }
          : {
              cpuRequest: cpuReq,
              memoryRequest: memReq,
              ...(limits.cpuLimit === undefined ? {} : { cpuLimit: limits.cpuLimit }),
              ...(limits.memoryLimit === undefined ? {} : { memoryLimit: limits.memoryLimit }),
            },
        sandbox ? 'pause' : 'app',
      );
      node.procs = sandbox ? [pid++] : [pid++, pid++];
      meta.set(node, { kind: 'container', podUid: uid, containerId: id, sandbox });
    }
  }

  // advance the loads, then publish bottom-up so parents sum their children
  const order: CgroupNode[] = [];
  const visit = (n: CgroupNode): void => {
    for (const c of n.children) visit(c);
    order.push(n);
  };
  visit(root);
  const t0 = 1_700_000_000_000;
  for (const n of order) {
    n.catchUp(runMs);
    n.own?.advance(runMs);
    n.publish(t0);
  }
  // a second snapshot so max usage and rates are meaningful
  for (const n of order) {
    n.catchUp(runMs * 2);
    n.own?.advance(runMs);
    n.publish(t0 + runMs);
  }

  rmSync(dir, { recursive: true, force: true });
  const sysFsCgroup = join(dir, 'sys/fs/cgroup');
  mkdirSync(sysFsCgroup, { recursive: true });
  if (opts.version === 'v1') {
    for (const c of V1_CONTROLLERS) mkdirSync(join(sysFsCgroup, c), { recursive: true });
    for (const [link, target] of Object.entries(V1_LINKS)) symlinkSync(target, join(sysFsCgroup, link));
  }
  let files = 0;
  const cgroups: FixtureCgroup[] = [];
  const created = new Set<string>();
  const proc = join(dir, 'proc');
  const write = (path: string, content: string): void => {
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (!created.has(parent)) {
      mkdirSync(parent, { recursive: true });
      created.add(parent);
    }
    writeFileSync(path, content);
    files++;
  };
  write(
    join(proc, 'meminfo'),
    `MemTotal:       ${cap.memory / 1024} kB\nMemFree:        ${cap.memory / 2048} kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n`,
  );
  write(join(proc, 'uptime'), `${(runMs * 2) / 1000 + 3600}.00 ${(runMs * 2) / 1000}.00\n`);
  for (const n of [...order].reverse()) {
    const view = n.view();
    for (const f of renderCgroup(opts.version, view)) write(join(sysFsCgroup, f.path), f.content);
    const m = meta.get(n) ?? { kind: 'other' as const };
    const podNet = n.load && n.parent ? meta.get(n.parent)?.network : undefined;
    for (const pid of podNet ? view.procs : []) {
      write(
        join(proc, String(pid), 'net/dev'),
        renderNetDev([
          ['lo', podNet?.lo ?? net0()],
          ['eth0', podNet?.eth0 ?? net0()],
        ]),
      );
      write(join(proc, String(pid), 'cgroup'), procCgroupFile(opts.version, n.path));
    }
    cgroups.push({ ...m, path: n.path === '' ? '/' : `/${n.path}`, view });
  }
  return { rootPath: dir, sysFsCgroup, cgroups, files, memTotal: cap.memory };
}

function net0(): NetCounters {
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
