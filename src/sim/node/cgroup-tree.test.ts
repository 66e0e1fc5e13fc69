import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  containerScopeName,
  cpuShares,
  parseContainerId,
  podCgroupPath,
  procCgroupFile,
  qosCgroupPath,
  renderV1,
  renderV2,
  sharesToWeight,
  type CgroupView,
} from './cgroup-tree.ts';
import { ContainerLoad, memoryCurrent } from './load-model.ts';
import {
  parseBlkio,
  parseFlatKeyed,
  parseIoStat,
  parsePressure,
  parseSingle,
} from './testdata/cgroup-parse.ts';

const UID = '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const ID = 'a'.repeat(64);

function view(kind: CgroupView['kind'], path: string): CgroupView {
  const load = new ContainerLoad(7, {
    cpuRequest: 0.5,
    cpuLimit: 1,
    memoryRequest: 128 * 2 ** 20,
    memoryLimit: 256 * 2 ** 20,
  });
  load.advance(5000);
  return {
    kind,
    path,
    usage: load.snapshot(),
    limits: { cpuLimit: 1, cpuShares: cpuShares(0.5), memoryLimit: 256 * 2 ** 20 },
    procs: kind === 'scope' ? [4242] : [],
    maxUsage: load.maxUsage(),
    hierarchicalMemoryLimit: 256 * 2 ** 20,
    pressure: {
      cpuSome: [1.5, 1, 0.5],
      cpuFull: [0, 0, 0],
      memSome: [0, 0, 0],
      memFull: [0, 0, 0],
      ioSome: [0, 0, 0],
      ioFull: [0, 0, 0],
    },
  };
}

function files(list: { path: string; content: string }[]): Map<string, string> {
  return new Map(list.map((f) => [f.path, f.content]));
}

describe('cgroup naming (systemd driver, containerd)', () => {
  it('puts Burstable and BestEffort pods under their QoS slice, Guaranteed under kubepods.slice', () => {
    assert.equal(
      podCgroupPath('Burstable', UID),
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6f8a2c1e_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice',
    );
    assert.equal(
      podCgroupPath('BestEffort', UID),
      'kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6f8a2c1e_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice',
    );
    assert.equal(
      podCgroupPath('Guaranteed', UID),
      'kubepods.slice/kubepods-pod6f8a2c1e_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice',
    );
    assert.equal(qosCgroupPath('Guaranteed'), 'kubepods.slice');
    assert.equal(containerScopeName(ID), `cri-containerd-${ID}.scope`);
  });

  it('accepts only containerd://<64 hex> ids', () => {
    assert.equal(parseContainerId(`containerd://${ID}`), ID);
    assert.throws(() => parseContainerId(`docker://${ID}`), /unsupported container id/);
    assert.throws(() => parseContainerId('containerd://abc'), /unsupported container id/);
  });

  it('converts cpu requests to shares and weights like the kubelet and runc', () => {
    assert.equal(cpuShares(0), 2);
    assert.equal(cpuShares(0.1), 102);
    assert.equal(cpuShares(1), 1024);
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(sharesToWeight(262144), 10000);
  });

  it('writes /proc/<pid>/cgroup for both versions', () => {
    assert.equal(procCgroupFile('v2', 'kubepods.slice/x.scope'), '0::/kubepods.slice/x.scope\n');
    assert.match(procCgroupFile('v1', 'kubepods.slice/x.scope'), /^6:memory:\/kubepods\.slice\/x\.scope$/m);
  });
});

describe('cgroup v2 files', () => {
  it('renders a container scope that parses back consistently', () => {
    const v = view('scope', `${podCgroupPath('Burstable', UID)}/${containerScopeName(ID)}`);
    const f = files(renderV2(v));
    const at = (n: string): string => {
      const s = f.get(`${v.path}/${n}`);
      assert.ok(s !== undefined, `missing ${n}`);
      return s;
    };
    const cpu = parseFlatKeyed(at('cpu.stat'));
    assert.deepEqual(Object.keys(cpu).slice(0, 6), [
      'usage_usec',
      'user_usec',
      'system_usec',
      'nr_periods',
      'nr_throttled',
      'throttled_usec',
    ]);
    assert.equal(cpu.usage_usec, (cpu.user_usec ?? 0) + (cpu.system_usec ?? 0));
    assert.ok((cpu.nr_periods ?? 0) >= 49);
    const mem = parseFlatKeyed(at('memory.stat'));
    for (const k of [
      'anon',
      'file',
      'kernel_stack',
      'pagetables',
      'sock',
      'shmem',
      'file_mapped',
      'file_dirty',
      'file_writeback',
      'inactive_anon',
      'active_anon',
      'inactive_file',
      'active_file',
      'unevictable',
      'slab',
      'pgfault',
      'pgmajfault',
      'workingset_refault_file',
    ]) {
      assert.ok(k in mem, `memory.stat lacks ${k}`);
    }
    assert.equal(parseSingle(at('memory.current')), memoryCurrent(v.usage));
    assert.equal(
      (mem.anon ?? 0) + (mem.file ?? 0) + (mem.kernel ?? 0) + (mem.sock ?? 0),
      parseSingle(at('memory.current')),
    );
    assert.equal((mem.active_anon ?? 0) + (mem.inactive_anon ?? 0), mem.anon);
    assert.equal(at('cpu.max'), '100000 100000\n');
    assert.equal(parseSingle(at('cpu.weight')), 20);
    assert.equal(parseSingle(at('memory.max')), 256 * 2 ** 20);
    assert.equal(parseSingle(at('memory.swap.current')), 0);
    assert.equal(parseSingle(at('pids.max')), Infinity);
    assert.ok(parseSingle(at('pids.current')) >= 1);
    assert.deepEqual(Object.keys(parseFlatKeyed(at('memory.events'))), [
      'low',
      'high',
      'max',
      'oom',
      'oom_kill',
      'oom_group_kill',
    ]);
    const io = parseIoStat(at('io.stat'));
    assert.deepEqual(Object.keys(io['253:0'] ?? {}), ['rbytes', 'wbytes', 'rios', 'wios', 'dbytes', 'dios']);
    const psi = parsePressure(at('cpu.pressure'));
    assert.equal(psi.some?.avg10, 1.5);
    assert.ok(psi.full);
    parsePressure(at('memory.pressure'));
    parsePressure(at('io.pressure'));
    assert.equal(at('cgroup.procs'), '4242\n');
  });

  it('gives the root only the files the kernel has there', () => {
    const f = files(renderV2(view('root', '')));
    assert.ok(f.has('cpu.stat') && f.has('memory.stat') && f.has('io.stat') && f.has('cgroup.controllers'));
    for (const n of ['memory.current', 'memory.max', 'cpu.max', 'cpu.weight', 'pids.max', 'memory.events']) {
      assert.ok(!f.has(n), `root must not have ${n}`);
    }
    assert.deepEqual(Object.keys(parseFlatKeyed(f.get('cpu.stat') ?? '')), [
      'usage_usec',
      'user_usec',
      'system_usec',
    ]);
  });

  it('writes "max" for unlimited slices', () => {
    const v = view('slice', 'kubepods.slice/kubepods-besteffort.slice');
    v.limits = { cpuShares: 2 };
    const f = files(renderV2(v));
    assert.equal(f.get(`${v.path}/cpu.max`), 'max 100000\n');
    assert.equal(f.get(`${v.path}/memory.max`), 'max\n');
    assert.equal(f.get(`${v.path}/cpu.weight`), '1\n');
    assert.equal(f.get(`${v.path}/cgroup.procs`), '');
  });
});

describe('cgroup v1 files', () => {
  it('renders the cpu,cpuacct / memory / blkio / pids hierarchies', () => {
    const path = `${podCgroupPath('Guaranteed', UID)}/${containerScopeName(ID)}`;
    const v = view('scope', path);
    const f = files(renderV1(v));
    const at = (c: string, n: string): string => {
      const s = f.get(`${c}/${path}/${n}`);
      assert.ok(s !== undefined, `missing ${c}/${n}`);
      return s;
    };
    assert.equal(parseSingle(at('cpu,cpuacct', 'cpuacct.usage')), v.usage.cpuUsageUsec * 1000);
    const st = parseFlatKeyed(at('cpu,cpuacct', 'cpuacct.stat'));
    assert.equal(st.user, Math.floor(v.usage.cpuUserUsec / 10000));
    assert.equal(parseSingle(at('cpu,cpuacct', 'cpu.cfs_quota_us')), 100000);
    assert.equal(parseSingle(at('cpu,cpuacct', 'cpu.cfs_period_us')), 100000);
    assert.equal(parseSingle(at('cpu,cpuacct', 'cpu.shares')), 512);
    assert.deepEqual(Object.keys(parseFlatKeyed(at('cpu,cpuacct', 'cpu.stat'))), [
      'nr_periods',
      'nr_throttled',
      'throttled_time',
    ]);
    assert.equal(parseSingle(at('memory', 'memory.usage_in_bytes')), memoryCurrent(v.usage));
    assert.equal(parseSingle(at('memory', 'memory.limit_in_bytes')), 256 * 2 ** 20);
    assert.ok(parseSingle(at('memory', 'memory.max_usage_in_bytes')) >= memoryCurrent(v.usage));
    assert.equal(parseSingle(at('memory', 'memory.failcnt')), 0);
    const ms = parseFlatKeyed(at('memory', 'memory.stat'));
    assert.equal(ms.total_rss, v.usage.anon);
    assert.equal(ms.rss, v.usage.anon, 'a leaf charges its own pages');
    assert.equal(ms.total_cache, v.usage.file);
    assert.equal(ms.hierarchical_memory_limit, 256 * 2 ** 20);
    const blk = parseBlkio(at('blkio', 'blkio.throttle.io_service_bytes'));
    assert.equal(blk['253:0 Read'], v.usage.ioRbytes);
    assert.equal(blk.Total, v.usage.ioRbytes + v.usage.ioWbytes);
    parseBlkio(at('blkio', 'blkio.throttle.io_serviced'));
    assert.ok(parseSingle(at('pids', 'pids.current')) >= 1);
    for (const c of ['cpu,cpuacct', 'memory', 'blkio', 'pids']) assert.equal(at(c, 'cgroup.procs'), '4242\n');
  });

  it('reports only total_* usage for slices, which hold no processes', () => {
    const v = view('slice', podCgroupPath('Burstable', UID));
    const ms = parseFlatKeyed(files(renderV1(v)).get(`memory/${v.path}/memory.stat`) ?? '');
    assert.equal(ms.rss, 0);
    assert.equal(ms.total_rss, v.usage.anon);
  });
});
