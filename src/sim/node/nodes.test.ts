import assert from 'node:assert/strict';
import { access, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ObjectStore } from '../apiserver/store.ts';
import { containerScopeName, podCgroupPath, qosCgroupPath } from './cgroup-tree.ts';
import { startSimNodes, type SimNodes } from './nodes.ts';
import {
  parseCriLine,
  parseFlatKeyed,
  parseIoStat,
  parseNetDev,
  parsePressure,
  parseSingle,
} from './testdata/cgroup-parse.ts';
import { containerId, NODES, nodeObject, PODS, podObject, type ContainerSpec } from './testdata/objects.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const UID = {
  web: '11111111-2222-4333-8444-555555555555',
  batch: '22222222-3333-4444-8555-666666666666',
  db: '33333333-4444-4555-8666-777777777777',
};
const WEB: ContainerSpec[] = [
  { name: 'app', requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  { name: 'sidecar', requests: { cpu: '50m', memory: '32Mi' } },
];
const DB: ContainerSpec[] = [
  { name: 'db', requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
];
const BATCH: ContainerSpec[] = [{ name: 'job' }];

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function scopes(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('cri-containerd-') && n.endsWith('.scope')).sort();
}

async function cpuUsage(dir: string): Promise<number> {
  return parseFlatKeyed(await readFile(join(dir, 'cpu.stat'), 'utf8')).usage_usec ?? NaN;
}

async function memCurrent(dir: string): Promise<number> {
  return parseSingle(await readFile(join(dir, 'memory.current'), 'utf8'));
}

describe('simulated nodes, cgroup v2', () => {
  let dir = '';
  let store: ObjectStore;
  let sim: SimNodes;
  let nodeRoot = '';
  let cg = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wc-simnodes-'));
    store = new ObjectStore();
    store.create(NODES, nodeObject('node-a'));
    sim = await startSimNodes({
      store,
      dir,
      seed: 7,
      startTimeMs: T0,
      refreshIntervalMs: 1000,
      logLinesPerSecond: 20,
      podCleanupDelayMs: 3000,
      onError: (err) => {
        throw err;
      },
    });
    nodeRoot = join(dir, 'nodes', 'node-a');
    cg = join(nodeRoot, 'sys/fs/cgroup');
    store.create(
      PODS,
      podObject({ name: 'web', uid: UID.web, nodeName: 'node-a', qos: 'Burstable', containers: WEB }),
    );
    store.create(
      PODS,
      podObject({ name: 'db', uid: UID.db, nodeName: 'node-a', qos: 'Guaranteed', containers: DB }),
    );
    store.create(
      PODS,
      podObject({ name: 'batch', uid: UID.batch, nodeName: 'node-a', qos: 'BestEffort', containers: BATCH }),
    );
    // a pod for a node that does not exist: ignored
    store.create(
      PODS,
      podObject({
        name: 'lost',
        uid: '44444444-5555-4666-8777-888888888888',
        nodeName: 'node-x',
        qos: 'BestEffort',
        containers: BATCH,
      }),
    );
    await sim.tick(0);
  });

  after(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the node, its kubelet endpoint and kubelet.json', async () => {
    assert.deepEqual(sim.nodes(), ['node-a']);
    const { url } = JSON.parse(await readFile(join(nodeRoot, 'kubelet.json'), 'utf8')) as { url: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const node = store.get(NODES, undefined, 'node-a') as unknown as {
      status: {
        daemonEndpoints: { kubeletEndpoint: { Port: number } };
        addresses: { type: string; address: string }[];
      };
    };
    assert.equal(`http://127.0.0.1:${node.status.daemonEndpoints.kubeletEndpoint.Port}`, url);
    assert.ok(node.status.addresses.some((a) => a.type === 'InternalIP' && a.address === '127.0.0.1'));
    assert.equal(await (await fetch(`${url}/healthz`)).text(), 'ok');
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  });

  it('lays out slices and scopes for the three QoS classes', async () => {
    for (const [uid, qos, spec] of [
      [UID.web, 'Burstable', WEB],
      [UID.db, 'Guaranteed', DB],
      [UID.batch, 'BestEffort', BATCH],
    ] as const) {
      const slice = join(cg, podCgroupPath(qos, uid));
      const names = await scopes(slice);
      const expected = spec.map((c) => containerScopeName(containerId(uid, c.name, 0)));
      for (const e of expected) assert.ok(names.includes(e), `${qos}: missing ${e}`);
      assert.equal(names.length, spec.length + 1, 'containers plus the pause container');
      assert.ok(await exists(join(slice, 'memory.stat')));
    }
    assert.ok(
      await exists(join(cg, 'kubepods.slice/kubepods-pod33333333_4444_4555_8666_777777777777.slice')),
    );
    assert.equal(
      await readFile(join(cg, podCgroupPath('Guaranteed', UID.db), 'memory.max'), 'utf8'),
      `${2 ** 30}\n`,
    );
    assert.equal(
      await readFile(join(cg, podCgroupPath('Guaranteed', UID.db), 'cpu.max'), 'utf8'),
      '100000 100000\n',
    );
    assert.equal(
      await readFile(join(cg, podCgroupPath('Burstable', UID.web), 'memory.max'), 'utf8'),
      'max\n',
    );
    assert.ok(await exists(join(cg, 'cgroup.controllers')));
    assert.ok(!(await exists(join(cg, 'memory.current'))), 'the root has no memory.current');
  });

  it('advances counters monotonically and parents aggregate their children', async () => {
    const webSlice = join(cg, podCgroupPath('Burstable', UID.web));
    const appScope = join(webSlice, containerScopeName(containerId(UID.web, 'app', 0)));
    let prevScope = await cpuUsage(appScope);
    let prevRoot = await cpuUsage(cg);
    const counters = async (): Promise<number[]> => {
      const ms = parseFlatKeyed(await readFile(join(appScope, 'memory.stat'), 'utf8'));
      const io = parseIoStat(await readFile(join(appScope, 'io.stat'), 'utf8'))['253:0'] ?? {};
      const psi = parsePressure(await readFile(join(appScope, 'cpu.pressure'), 'utf8'));
      // io.stat lists a device only once it has seen io
      return [ms.pgfault ?? NaN, io.rbytes ?? 0, io.wbytes ?? 0, io.wios ?? 0, psi.some?.total ?? NaN];
    };
    let prevCounters = await counters();
    for (let i = 0; i < 5; i++) {
      await sim.tick(1000);
      const s = await cpuUsage(appScope);
      const r = await cpuUsage(cg);
      assert.ok(s > prevScope, `scope usage did not advance at tick ${i}`);
      assert.ok(r > prevRoot);
      const c = await counters();
      c.forEach((v, k) => assert.ok(v >= (prevCounters[k] ?? Infinity), `counter ${k} went backwards`));
      prevScope = s;
      prevRoot = r;
      prevCounters = c;
    }
    assert.ok((prevCounters[0] ?? 0) > 0 && (prevCounters[2] ?? 0) > 0);
    // pod slice = sum of its scopes (containers + pause)
    let sum = 0;
    let mem = 0;
    for (const s of await scopes(webSlice)) {
      sum += await cpuUsage(join(webSlice, s));
      mem += await memCurrent(join(webSlice, s));
    }
    assert.equal(await cpuUsage(webSlice), sum);
    assert.equal(await memCurrent(webSlice), mem);
    // QoS slices = sum of their pods; kubepods = QoS slices + Guaranteed pods
    const burst = join(cg, qosCgroupPath('Burstable'));
    const be = join(cg, qosCgroupPath('BestEffort'));
    assert.equal(await cpuUsage(burst), await cpuUsage(webSlice));
    assert.equal(await cpuUsage(be), await cpuUsage(join(cg, podCgroupPath('BestEffort', UID.batch))));
    const kube = join(cg, 'kubepods.slice');
    const guaranteed = join(cg, podCgroupPath('Guaranteed', UID.db));
    assert.equal(
      await cpuUsage(kube),
      (await cpuUsage(burst)) + (await cpuUsage(be)) + (await cpuUsage(guaranteed)),
    );
    assert.equal(
      await memCurrent(kube),
      (await memCurrent(burst)) + (await memCurrent(be)) + (await memCurrent(guaranteed)),
    );
    assert.ok((await cpuUsage(cg)) > (await cpuUsage(kube)), 'the root adds system services');
    // the Burstable slice's weight follows its pods' requests: web asks 300m → 307 shares → weight 12
    assert.equal(await readFile(join(burst, 'cpu.weight'), 'utf8'), '12\n');
    assert.equal(await readFile(join(be, 'cpu.weight'), 'utf8'), '1\n');
  });

  it('writes /proc: net/dev for the pause pid, cgroup for container pids', async () => {
    const webSlice = join(cg, podCgroupPath('Burstable', UID.web));
    const appScopeName = containerScopeName(containerId(UID.web, 'app', 0));
    const appPid = parseSingle(await readFile(join(webSlice, appScopeName, 'cgroup.procs'), 'utf8'));
    assert.equal(
      await readFile(join(nodeRoot, 'proc', String(appPid), 'cgroup'), 'utf8'),
      `0::/${podCgroupPath('Burstable', UID.web)}/${appScopeName}\n`,
    );
    const pauseScope = (await scopes(webSlice)).find(
      (s) => s !== appScopeName && !s.includes(containerId(UID.web, 'sidecar', 0)),
    );
    assert.ok(pauseScope);
    const pausePid = parseSingle(await readFile(join(webSlice, pauseScope, 'cgroup.procs'), 'utf8'));
    const before = parseNetDev(await readFile(join(nodeRoot, 'proc', String(pausePid), 'net/dev'), 'utf8'));
    await sim.tick(1000);
    const afterTick = parseNetDev(
      await readFile(join(nodeRoot, 'proc', String(pausePid), 'net/dev'), 'utf8'),
    );
    assert.ok(afterTick.eth0 && before.eth0 && afterTick.lo);
    assert.ok(afterTick.eth0.rxBytes > before.eth0.rxBytes);
    assert.ok(afterTick.eth0.txBytes >= before.eth0.txBytes);
  });

  it('serves /pods and /stats/summary with numbers matching the files', async () => {
    const { url } = JSON.parse(await readFile(join(nodeRoot, 'kubelet.json'), 'utf8')) as { url: string };
    const list = (await (await fetch(`${url}/pods`)).json()) as {
      kind: string;
      items: { metadata: { name: string } }[];
    };
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(list.items.map((p) => p.metadata.name).sort(), ['batch', 'db', 'web']);
    await sim.tick(0); // a flush without time passing must not zero the rates
    const summary = (await (await fetch(`${url}/stats/summary`)).json()) as Summary;
    assert.equal(summary.node.nodeName, 'node-a');
    assert.equal(summary.node.cpu.usageCoreNanoSeconds, (await cpuUsage(cg)) * 1000);
    assert.ok(summary.node.cpu.usageNanoCores > 0);
    const rootStat = parseFlatKeyed(await readFile(join(cg, 'memory.stat'), 'utf8'));
    assert.equal(summary.node.memory.rssBytes, rootStat.anon);
    assert.equal(summary.node.memory.pageFaults, rootStat.pgfault);
    assert.equal(summary.node.memory.availableBytes, 16 * 2 ** 30 - summary.node.memory.workingSetBytes);
    assert.ok(summary.node.rlimit.maxpid > 0 && summary.node.fs.capacityBytes > summary.node.fs.usedBytes);
    const web = summary.pods.find((p) => p.podRef.name === 'web');
    assert.ok(web);
    assert.equal(web.podRef.uid, UID.web);
    const webSlice = join(cg, podCgroupPath('Burstable', UID.web));
    assert.equal(web.cpu.usageCoreNanoSeconds, (await cpuUsage(webSlice)) * 1000);
    assert.equal(web.memory.usageBytes, await memCurrent(webSlice));
    const app = web.containers.find((c) => c.name === 'app');
    assert.ok(app);
    const appScope = join(webSlice, containerScopeName(containerId(UID.web, 'app', 0)));
    const st = parseFlatKeyed(await readFile(join(appScope, 'memory.stat'), 'utf8'));
    assert.equal(app.cpu.usageCoreNanoSeconds, (await cpuUsage(appScope)) * 1000);
    assert.ok(app.cpu.usageNanoCores > 0 && app.cpu.usageNanoCores <= 0.5e9, 'rate within the 500m limit');
    assert.equal(app.memory.workingSetBytes, (await memCurrent(appScope)) - (st.inactive_file ?? 0));
    assert.equal(app.memory.rssBytes, st.anon);
    assert.equal(app.memory.availableBytes, 256 * 2 ** 20 - app.memory.workingSetBytes);
    assert.ok(app.logs.usedBytes > 0 && app.rootfs.usedBytes > 0);
    const pausePid =
      web.network &&
      (await findPausePid(
        webSlice,
        ['app', 'sidecar'].map((n) => containerId(UID.web, n, 0)),
      ));
    const net = parseNetDev(await readFile(join(nodeRoot, 'proc', String(pausePid), 'net/dev'), 'utf8'));
    assert.equal(web.network.rxBytes, net.eth0?.rxBytes);
    assert.equal(web.network.interfaces[0]?.txBytes, net.eth0?.txBytes);
    assert.equal(web.volume[0]?.name, 'kube-api-access-x1y2z');
    assert.ok(web['ephemeral-storage'].usedBytes >= app.logs.usedBytes);
  });

  it('writes CRI log files under var/log/pods', async () => {
    const file = join(nodeRoot, 'var/log/pods', `default_web_${UID.web}`, 'app', '0.log');
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.ok(lines.length >= 50, `only ${lines.length} lines`);
    const parsed = lines.map(parseCriLine);
    const times = parsed.map((p) => Date.parse(p.time));
    assert.ok(
      times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0)),
      'timestamps are ordered',
    );
    assert.ok(times.every((t) => t >= T0 && t <= T0 + 60_000));
  });

  it('a restart starts a new scope and <n+1>.log; an OOM kill shows in memory.events', async () => {
    const webSlice = join(cg, podCgroupPath('Burstable', UID.web));
    const oldScope = containerScopeName(containerId(UID.web, 'app', 0));
    const newScope = containerScopeName(containerId(UID.web, 'app', 1));
    const sliceCpu = await cpuUsage(webSlice);
    store.update(
      PODS,
      podObject({
        name: 'web',
        uid: UID.web,
        nodeName: 'node-a',
        qos: 'Burstable',
        containers: WEB,
        restarts: { app: 1 },
        oomKilled: ['app'],
      }),
    );
    await sim.tick(1000);
    const names = await scopes(webSlice);
    assert.ok(!names.includes(oldScope), 'old scope removed');
    assert.ok(names.includes(newScope), 'new scope created');
    assert.ok((await cpuUsage(webSlice)) >= sliceCpu, 'the slice keeps the dead container’s cpu time');
    const ev = parseFlatKeyed(await readFile(join(webSlice, 'memory.events'), 'utf8'));
    assert.equal(ev.oom_kill, 1);
    await sim.tick(1000);
    const kubeEv = parseFlatKeyed(await readFile(join(cg, 'kubepods.slice/memory.events'), 'utf8'));
    assert.equal(kubeEv.oom_kill, 1, 'events are hierarchical');
    const logDir = join(nodeRoot, 'var/log/pods', `default_web_${UID.web}`, 'app');
    assert.deepEqual((await readdir(logDir)).sort(), ['0.log', '1.log']);
    // a second restart: the kubelet keeps the previous instance's log only
    store.update(
      PODS,
      podObject({
        name: 'web',
        uid: UID.web,
        nodeName: 'node-a',
        qos: 'Burstable',
        containers: WEB,
        restarts: { app: 2 },
      }),
    );
    await sim.tick(1000);
    assert.deepEqual((await readdir(logDir)).sort(), ['1.log', '2.log']);
  });

  it('removes cgroups when a pod finishes, and its logs after deletion plus a delay', async () => {
    const slice = join(cg, podCgroupPath('BestEffort', UID.batch));
    const pids = await Promise.all(
      (await scopes(slice)).map(async (s) =>
        parseSingle(await readFile(join(slice, s, 'cgroup.procs'), 'utf8')),
      ),
    );
    const beCpu = await cpuUsage(join(cg, qosCgroupPath('BestEffort')));
    store.update(
      PODS,
      podObject({
        name: 'batch',
        uid: UID.batch,
        nodeName: 'node-a',
        qos: 'BestEffort',
        containers: BATCH,
        phase: 'Succeeded',
      }),
    );
    await sim.tick(1000);
    assert.ok(!(await exists(slice)));
    for (const p of pids) assert.ok(!(await exists(join(nodeRoot, 'proc', String(p)))));
    assert.ok(
      (await cpuUsage(join(cg, qosCgroupPath('BestEffort')))) >= beCpu,
      'parent counters never go backwards',
    );
    const logDir = join(nodeRoot, 'var/log/pods', `default_batch_${UID.batch}`);
    assert.ok(await exists(join(logDir, 'job', '0.log')), 'a finished pod keeps its logs');
    store.delete(PODS, 'default', 'batch');
    await sim.tick(1000);
    assert.ok(await exists(logDir), 'removal waits for the cleanup delay');
    await sim.tick(3000);
    assert.ok(!(await exists(logDir)));
    // deleting a running pod removes everything too
    store.delete(PODS, 'default', 'db');
    await sim.tick(0);
    assert.ok(!(await exists(join(cg, podCgroupPath('Guaranteed', UID.db)))));
    await sim.tick(5000);
    assert.ok(!(await exists(join(nodeRoot, 'var/log/pods', `default_db_${UID.db}`))));
  });
});

describe('startSimNodes options', () => {
  it('rejects invalid settings with clear errors', async () => {
    const store = new ObjectStore();
    const dir = tmpdir();
    await assert.rejects(startSimNodes({ store, dir, maxLogFiles: 1 }), /invalid maxLogFiles 1, must be > 1/);
    await assert.rejects(
      startSimNodes({ store, dir, logLinesPerSecond: -1 }),
      /logLinesPerSecond must be >= 0/,
    );
    await assert.rejects(startSimNodes({ store, dir, cgroup: 'v3' as 'v2' }), /invalid cgroup version v3/);
    await assert.rejects(startSimNodes({ store, dir, maxFileWritesPerTick: 0 }), /maxFileWritesPerTick/);
  });
});

describe('simulated nodes, cgroup v1', () => {
  let dir = '';
  let sim: SimNodes;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wc-simnodes-v1-'));
  });
  after(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lays out the v1 hierarchies with monotonic counters and aggregation', async () => {
    const store = new ObjectStore();
    store.create(NODES, nodeObject('node-b'));
    store.create(
      PODS,
      podObject({ name: 'web', uid: UID.web, nodeName: 'node-b', qos: 'Burstable', containers: WEB }),
    );
    sim = await startSimNodes({
      store,
      dir,
      cgroup: 'v1',
      seed: 3,
      startTimeMs: T0,
      refreshIntervalMs: 1000,
    });
    await sim.tick(0);
    const cg = join(dir, 'nodes/node-b/sys/fs/cgroup');
    assert.ok((await lstat(join(cg, 'cpu'))).isSymbolicLink());
    const slicePath = podCgroupPath('Burstable', UID.web);
    const scope = `${slicePath}/${containerScopeName(containerId(UID.web, 'app', 0))}`;
    for (const c of ['cpu', 'cpuacct', 'cpu,cpuacct', 'memory', 'blkio', 'pids'])
      assert.ok(await exists(join(cg, c, scope)), `${c} hierarchy`);
    const usage = async (p: string): Promise<number> =>
      parseSingle(await readFile(join(cg, 'cpuacct', p, 'cpuacct.usage'), 'utf8'));
    let prev = await usage(scope);
    for (let i = 0; i < 3; i++) {
      await sim.tick(1000);
      const u = await usage(scope);
      assert.ok(u > prev);
      prev = u;
    }
    let sum = 0;
    for (const s of await scopes(join(cg, 'cpuacct', slicePath))) sum += await usage(`${slicePath}/${s}`);
    assert.equal(await usage(slicePath), sum);
    const ms = parseFlatKeyed(await readFile(join(cg, 'memory', slicePath, 'memory.stat'), 'utf8'));
    assert.equal(
      ms.total_rss! + ms.total_cache! <=
        parseSingle(await readFile(join(cg, 'memory', slicePath, 'memory.usage_in_bytes'), 'utf8')),
      true,
    );
    assert.equal(
      await readFile(join(cg, 'memory', scope, 'memory.limit_in_bytes'), 'utf8'),
      `${256 * 2 ** 20}\n`,
    );
    assert.equal(await readFile(join(cg, 'cpu', scope, 'cpu.cfs_quota_us'), 'utf8'), '50000\n');
    const procs = parseSingle(await readFile(join(cg, 'pids', scope, 'cgroup.procs'), 'utf8'));
    assert.match(
      await readFile(join(dir, 'nodes/node-b/proc', String(procs), 'cgroup'), 'utf8'),
      new RegExp(`^6:memory:/${scope.replaceAll('.', '\\.')}$`, 'm'),
    );
  });
});

async function findPausePid(slice: string, containerIds: string[]): Promise<number> {
  for (const s of await scopes(slice)) {
    if (containerIds.some((id) => s.includes(id))) continue;
    return parseSingle(await readFile(join(slice, s, 'cgroup.procs'), 'utf8'));
  }
  throw new Error('no pause scope');
}

interface CpuS {
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}
interface MemS {
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  availableBytes: number;
  pageFaults: number;
}
interface FsS {
  usedBytes: number;
  capacityBytes: number;
}
interface Summary {
  node: { nodeName: string; cpu: CpuS; memory: MemS; fs: FsS; rlimit: { maxpid: number } };
  pods: {
    podRef: { name: string; uid: string };
    cpu: CpuS;
    memory: MemS;
    network: { rxBytes: number; interfaces: { txBytes: number }[] };
    volume: { name: string }[];
    'ephemeral-storage': FsS;
    containers: { name: string; cpu: CpuS; memory: MemS; logs: FsS; rootfs: FsS }[];
  }[];
}

describe('simulated nodes: log rotation, timer and node removal', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wc-simnodes-rot-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rotates container logs in var/log/pods the kubelet way', async () => {
    const store = new ObjectStore();
    store.create(NODES, nodeObject('node-c'));
    store.create(
      PODS,
      podObject({ name: 'chatty', uid: UID.web, nodeName: 'node-c', qos: 'BestEffort', containers: BATCH }),
    );
    const sim = await startSimNodes({
      store,
      dir,
      startTimeMs: T0,
      logLinesPerSecond: 200,
      maxLogFileBytes: 8192,
      maxLogFiles: 3,
      logMonitorIntervalMs: 1000,
    });
    try {
      for (let i = 0; i < 8; i++) await sim.tick(1000);
      const logDir = join(dir, 'nodes/node-c/var/log/pods', `default_chatty_${UID.web}`, 'job');
      const names = (await readdir(logDir)).sort();
      assert.equal(names.length, 3, names.join(' '));
      assert.equal(names[0], '0.log');
      assert.match(names[1] ?? '', /^0\.log\.20260101-1200\d\d\.gz$/);
      assert.match(names[2] ?? '', /^0\.log\.20260101-1200\d\d$/);
      const { gunzipSync } = await import('node:zlib');
      const text = gunzipSync(await readFile(join(logDir, names[1] ?? ''))).toString('utf8');
      const lines = text.split('\n').slice(0, -1);
      assert.ok(lines.length > 10);
      for (const l of lines) parseCriLine(l);
    } finally {
      await sim.stop();
    }
  });

  it('ticks on a timer, and removes a deleted node with its kubelet', async () => {
    const store = new ObjectStore();
    store.create(NODES, nodeObject('node-d'));
    store.create(
      PODS,
      podObject({ name: 'db', uid: UID.db, nodeName: 'node-d', qos: 'Guaranteed', containers: DB }),
    );
    const sim = await startSimNodes({ store, dir, tickMs: 20, refreshIntervalMs: 20 });
    try {
      const root = join(dir, 'nodes/node-d');
      const slice = join(root, 'sys/fs/cgroup', podCgroupPath('Guaranteed', UID.db));
      const deadline = Date.now() + 5000;
      while (!(await exists(slice)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const first = await cpuUsage(slice);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok((await cpuUsage(slice)) > first, 'the timer advanced the counters');
      const { url } = JSON.parse(await readFile(join(root, 'kubelet.json'), 'utf8')) as { url: string };
      store.delete(NODES, undefined, 'node-d');
      await sim.tick(0);
      assert.deepEqual(sim.nodes(), []);
      assert.ok(!(await exists(root)));
      await assert.rejects(fetch(`${url}/healthz`));
    } finally {
      await sim.stop();
    }
  });
});
