// The cadvisor receiver's cost per collection on kubelet-shaped nodes: 100 and 67 pods × 2
// containers (+ a sandbox each: 300 / 201 container cgroups, the pod cgroups, QoS slices,
// kubepods, root) on
// cgroup v2 and v1 fixture trees (src/cadvisor/testing/fixture-tree.ts), with each sandbox's
// /proc/<pid>/net/dev and a PodList that names every pod and container.
//   collect      list + read every cgroup + label + network + families, in process:
//                CPU time per collection (process.cpuUsage over many collections, after warm-up),
//                and bytes allocated by one (heap growth across a collection with a young
//                generation large enough that no GC runs inside it; checked by a GC observer).
//                Target: ≤ 20 ms CPU per collection of 200 containers (the 201 shape).
//   render       the text exposition of those families, as the bytes the endpoint sends: CPU time
//                and size.
// Usage: npm run bench -- cadvisor   (WC_BENCH_ITER=N collections per figure, default 200)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { detectCgroupRoot } from '../src/cadvisor/cgroup/mounts.ts';
import { readCgroup } from '../src/cadvisor/cgroup/reader.ts';
import { CadvisorCollector } from '../src/cadvisor/collector.ts';
import { listCgroups } from '../src/cadvisor/discovery.ts';
import { PodCache } from '../src/cadvisor/pod-cache.ts';
import { buildFixtureTree, type FixtureTree } from '../src/cadvisor/testing/fixture-tree.ts';
import type { CgroupVersion } from '../src/cadvisor/types.ts';
import { renderFamiliesToBuffer } from '../src/metricfamily/render.ts';

const ITER = Number(process.env.WC_BENCH_ITER ?? 200);
// Two node shapes: 100 pods × 2 containers (300 container cgroups with the sandboxes), and 67
// pods × 2 (201: the "200 containers" when sandboxes count, as cAdvisor lists them).
const SHAPES = [100, 67];
const PER_POD = 2;

// A young generation big enough to hold one collection's garbage, so the allocation figure is
// heap growth without a scavenge in between (verified below).
v8.setFlagsFromString('--max-semi-space-size=64');
const gc = (globalThis as { gc?: () => void }).gc;

const NET_DEV =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
  '    lo:   12345     100    0    0    0     0          0         0    12345     100    0    0    0     0       0          0\n' +
  '  eth0: 987654321 654321    0    3    0     0          0         0 123456789  54321    0    0    0     0       0          0\n';

/** The sandboxes' net/dev files and the PodList the kubelet would serve for the tree. */
function decorate(tree: FixtureTree): unknown {
  const pods = new Map<string, { uid: string; containers: string[] }>();
  for (const c of tree.cgroups) {
    if (c.kind !== 'container' || !c.podUid || !c.containerId) continue;
    const pod = pods.get(c.podUid) ?? { uid: c.podUid, containers: [] };
    pods.set(c.podUid, pod);
    if (c.sandbox) {
      for (const pid of c.view.procs) {
        mkdirSync(join(tree.rootPath, 'proc', String(pid), 'net'), { recursive: true });
        writeFileSync(join(tree.rootPath, 'proc', String(pid), 'net', 'dev'), NET_DEV);
      }
    } else pod.containers.push(c.containerId);
  }
  writeFileSync(join(tree.rootPath, 'proc', 'cpuinfo'), 'processor : 0\n\nprocessor : 1\n');
  let n = 0;
  return {
    kind: 'PodList',
    items: [...pods.values()].map((p) => ({
      metadata: { name: `pod-${n}`, namespace: `ns-${n++ % 10}`, uid: p.uid },
      spec: {
        containers: p.containers.map((_, i) => ({ name: `c${i}`, image: `registry.example/c${i}:1.0` })),
      },
      status: {
        containerStatuses: p.containers.map((id, i) => ({
          name: `c${i}`,
          image: `registry.example/c${i}:1.0`,
          containerID: `containerd://${id}`,
          restartCount: 0,
          state: { running: {} },
        })),
      },
    })),
  };
}

interface Result {
  version: CgroupVersion;
  cgroups: number;
  containers: number;
  cpuMs: number;
  wallMs: number;
  allocBytes: number | undefined;
  renderMs: number;
  bytes: number;
  samples: number;
}

async function measure(version: CgroupVersion, pods: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), `wc-bench-cadvisor-${version}-`));
  try {
    const tree = buildFixtureTree(dir, { version, pods, containersPerPod: PER_POD });
    const podList = decorate(tree);
    const root = await detectCgroupRoot(tree.sysFsCgroup);
    const collector = new CadvisorCollector({
      rootPath: tree.rootPath,
      source: {
        version: root.version,
        list: () => listCgroups(root),
        read: (p, now) => readCgroup(root, p, now),
      },
      pods: new PodCache({
        fetch: async () => podList,
        refreshMs: 5000,
        minRefreshMs: 1000,
        onError: (e) => console.error(e),
      }),
      sandboxImage: 'registry.k8s.io/pause:3.10',
      onError: (where, err) => console.error(where, err),
    });
    const first = await collector.collect();
    if (first.rows.some((r) => r.role === 'unmatched'))
      throw new Error('the PodList does not cover the tree');
    for (let i = 0; i < 50; i++) await collector.collect(); // warm-up: JIT, spec cache, machine info

    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < ITER; i++) await collector.collect();
    const wallMs = (performance.now() - t0) / ITER;
    const cu = process.cpuUsage(c0);
    const cpuMs = (cu.user + cu.system) / 1000 / ITER;

    // bytes allocated by one collection: heap growth with no GC in between (v8's GC profiler
    // reports every GC that ran; a try with one is discarded)
    let allocBytes: number | undefined;
    const tries: number[] = [];
    for (let i = 0; i < 5 && gc; i++) {
      gc();
      const prof = new v8.GCProfiler();
      prof.start();
      const h0 = process.memoryUsage().heapUsed;
      await collector.collect();
      const h1 = process.memoryUsage().heapUsed;
      if (prof.stop().statistics.length === 0) tries.push(h1 - h0);
    }
    if (tries.length > 0) allocBytes = Math.min(...tries);

    const col = await collector.collect();
    let body: Buffer = Buffer.alloc(0);
    const hint = { bytes: 0 }; // the last body's size, as the endpoint keeps it
    for (let i = 0; i < 5; i++) renderFamiliesToBuffer(col.families, 'text', hint); // warm-up, as for collect
    const r0 = process.cpuUsage();
    for (let i = 0; i < 20; i++) body = renderFamiliesToBuffer(col.families, 'text', hint);
    const ru = process.cpuUsage(r0);
    const renderMs = (ru.user + ru.system) / 1000 / 20;
    return {
      version,
      cgroups: col.rows.length,
      containers: col.rows.filter((r) => r.role === 'container' || r.role === 'sandbox').length,
      cpuMs,
      wallMs,
      allocBytes,
      renderMs,
      bytes: body.length,
      samples: col.families.reduce((n, f) => n + f.samples.length, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const pods of SHAPES) for (const v of ['v2', 'v1'] as const) results.push(await measure(v, pods));

const f1 = (n: number): string => n.toFixed(1);
console.log(
  `cadvisor collection: ${SHAPES.join(' and ')} pods × ${PER_POD} containers + sandboxes, ${ITER} collections per figure`,
);
console.log('');
console.log(
  '| cgroup | cgroups read | of which containers | CPU per collection | wall per collection | allocated per collection | render (CPU) | exposition | samples |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const alloc =
    r.allocBytes === undefined ? 'n/a (run with --expose-gc)' : `${f1(r.allocBytes / 2 ** 20)} MiB`;
  console.log(
    `| ${r.version} | ${r.cgroups} | ${r.containers} | ${f1(r.cpuMs)} ms | ${f1(r.wallMs)} ms | ${alloc} | ${f1(r.renderMs)} ms | ${f1(r.bytes / 2 ** 20)} MiB | ${r.samples} |`,
  );
}
const worst = Math.max(...results.filter((r) => r.containers <= 201).map((r) => r.cpuMs));
console.log('');
console.log(
  `target ≤ 20 ms CPU per collection of 200 containers (sandboxes counted): ${worst <= 20 ? 'met' : 'NOT met'} (worst ${f1(worst)} ms)`,
);
