// Scale measurement: `node src/sim/node/scale-bench.ts [nodes] [podsPerNode] [ticks] [v1|v2]`.
// Creates the nodes and pods in an ObjectStore, lets the simulator build the trees in a temp dir,
// then times tick(1000) and reports file writes, log bytes and disk use. The temp dir is removed.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../apiserver/store.ts';
import { startSimNodes } from './nodes.ts';
import { NODES, nodeObject, PODS, podObject, type ContainerSpec } from './testdata/objects.ts';

const [nodes = 100, perNode = 100, ticks = 10] = process.argv.slice(2, 5).map(Number);
const version = process.argv[5] === 'v1' ? 'v1' : 'v2';

const SHAPES: { qos: 'Guaranteed' | 'Burstable' | 'BestEffort'; containers: ContainerSpec[] }[] = [
  {
    qos: 'Burstable',
    containers: [{ name: 'app', requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }],
  },
  {
    qos: 'Burstable',
    containers: [
      { name: 'app', requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      { name: 'proxy', requests: { cpu: '50m', memory: '64Mi' } },
    ],
  },
  {
    qos: 'Guaranteed',
    containers: [
      { name: 'db', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
    ],
  },
  { qos: 'BestEffort', containers: [{ name: 'worker' }] },
];

function uid(i: number): string {
  const h = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${h}`;
}

// WC_BENCH_DIR picks the filesystem (e.g. /dev/shm to separate simulator cost from disk cost)
const dir = await mkdtemp(join(process.env.WC_BENCH_DIR ?? tmpdir(), 'wc-scale-'));
try {
  const store = new ObjectStore();
  for (let n = 0; n < nodes; n++) store.create(NODES, nodeObject(`node-${n}`, '8', '32Gi'));
  let containers = 0;
  for (let i = 0; i < nodes * perNode; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    containers += shape.containers.length;
    store.create(
      PODS,
      podObject({
        name: `pod-${i}`,
        uid: uid(i),
        nodeName: `node-${i % nodes}`,
        qos: shape.qos,
        containers: shape.containers,
      }),
    );
  }
  const t0 = performance.now();
  // WC_BENCH_BUDGET: maxFileWritesPerTick; WC_BENCH_TICK: simulated ms per tick (default 1000)
  const budget = process.env.WC_BENCH_BUDGET ? Number(process.env.WC_BENCH_BUDGET) : undefined;
  const tickMs = Number(process.env.WC_BENCH_TICK ?? 1000);
  const sim = await startSimNodes({
    store,
    dir,
    cgroup: version,
    seed: 1,
    startTimeMs: Date.UTC(2026, 0, 1),
    maxFileWritesPerTick: budget,
  });
  await sim.tick(0);
  const setupMs = performance.now() - t0;
  const times: number[] = [];
  // WC_BENCH_PROFILE=<file>: a CPU profile of the ticks only
  const profile = process.env.WC_BENCH_PROFILE;
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ticks; i++) {
    const t = performance.now();
    await sim.tick(tickMs);
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  if (session && profile) {
    const { profile: prof } = await session.post('Profiler.stop');
    await writeFile(profile, JSON.stringify(prof));
    session.disconnect();
  }
  await sim.stop();
  const du = execFileSync('du', ['-sk', '--apparent-size', dir]).toString().split('\t')[0];
  const duAlloc = execFileSync('du', ['-sk', dir]).toString().split('\t')[0];
  const files = execFileSync('sh', ['-c', `find ${JSON.stringify(dir)} -type f | wc -l`])
    .toString()
    .trim();
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    JSON.stringify(
      {
        version,
        fs: process.env.WC_BENCH_DIR ?? tmpdir(),
        budget: budget ?? 'default',
        simulatedMsPerTick: tickMs,
        nodes,
        pods: nodes * perNode,
        containers,
        setupMs: Math.round(setupMs),
        tickMs: {
          mean: Math.round(mean),
          p50: Math.round(times[Math.floor(times.length / 2)]!),
          max: Math.round(times.at(-1)!),
        },
        tickCpuMsPerTick: Math.round((cpu.user + cpu.system) / 1000 / ticks),
        files: Number(files),
        diskApparentMiB: Math.round(Number(du) / 1024),
        diskAllocatedMiB: Math.round(Number(duAlloc) / 1024),
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      },
      null,
      1,
    ),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
