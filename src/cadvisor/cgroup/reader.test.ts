import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cpuShares, CFS_PERIOD_USEC, sharesToWeight } from '../../sim/node/cgroup-tree.ts';
import { memoryCurrent } from '../../sim/node/load-model.ts';
import { buildFixtureTree, type FixtureCgroup } from '../testing/fixture-tree.ts';
import type { CgroupRoot, CgroupStats } from '../types.ts';
import { diskFiles, type FileSource } from './files.ts';
import { detectCgroupRoot } from './mounts.ts';
import {
  CgroupReadCache,
  cgroupReadCache,
  closeCgroupReader,
  configureCgroupReader,
  normalizeCgroupPath,
  readCgroup,
} from './reader.ts';
import { readV2, weightToShares } from './v2.ts';

const TESTDATA = join(import.meta.dirname, '..', 'testdata');
const tmp = mkdtempSync(join(tmpdir(), 'wc-cgroup-reader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const NOW = 1_750_000_000_000;
const KiB = 1024;

const V1_POD =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_4def_8abc_0123456789ab.slice';
const V1_CTR = `${V1_POD}/cri-containerd-${'a1'.repeat(32)}.scope`;
const V1_SANDBOX = `${V1_POD}/cri-containerd-${'b2'.repeat(32)}.scope`;
const V2_POD = '/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8a9b_acbdcedfe0f1.slice';
const V2_CTR = `${V2_POD}/crio-${'c3'.repeat(32)}.scope`;
const DOCKER_CTR = `/kubepods/burstable/pod5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9/${'e5'.repeat(32)}`;

/** Drops startTimeSeconds (checkout-dependent) for exact comparisons. */
function withoutStart(s: CgroupStats): Omit<CgroupStats, 'startTimeSeconds'> {
  const { startTimeSeconds: _ignored, ...rest } = s;
  return rest;
}

async function rootOf(name: string): Promise<CgroupRoot> {
  return detectCgroupRoot(join(TESTDATA, name, 'sys/fs/cgroup'));
}

function copyTree(name: string): string {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  cpSync(join(TESTDATA, name), dir, { recursive: true });
  return dir;
}

describe('readCgroup, cgroup v1 (testdata/v1-systemd-containerd)', async () => {
  const root = await rootOf('v1-systemd-containerd');

  it('reads a containerd container as cAdvisor does', async () => {
    const s = await readCgroup(root, V1_CTR, NOW);
    assert.deepEqual(withoutStart(s), {
      path: V1_CTR,
      timestampMs: NOW,
      spec: {
        cpuShares: 512,
        cpuPeriodMicros: 100000,
        cpuQuotaMicros: 50000,
        memoryLimit: 536870912,
        memorySwapLimit: undefined,
        memoryReservation: 134217728,
      },
      cpu: {
        usageSeconds: 123.456789012,
        userSeconds: 100,
        systemSeconds: 23.45,
        periods: 5000,
        throttledPeriods: 120,
        throttledSeconds: 3.456789012,
      },
      memory: {
        usage: 268435456,
        workingSet: 268435456 - 33554432,
        maxUsage: 300000000,
        failcnt: 7,
        rss: 150994944,
        cache: 67108864,
        swap: 4096,
        mappedFile: 8388608,
        oomEvents: 3,
      },
      // bfq files hold no entry, cfq's are absent: runc falls through to throttle *_recursive
      io: [
        { device: '253:0', readBytes: 409600, writeBytes: 819200, reads: 100, writes: 200 },
        { device: '8:0', readBytes: 40960, writeBytes: 81920, reads: 10, writes: 20 },
      ],
      pids: [4242, 4243],
    });
    assert.equal(typeof s.startTimeSeconds, 'number');
  });

  it('reads the root with the machine memory as its limits and bfq stats first', async () => {
    const s = await readCgroup(root, '/', NOW);
    assert.deepEqual(s.spec, {
      cpuShares: 1024,
      cpuPeriodMicros: 100000,
      memoryLimit: 16318412 * KiB,
      memorySwapLimit: 2097148 * KiB,
      memoryReservation: undefined,
    });
    assert.deepEqual(s.cpu, { usageSeconds: 987654.321, userSeconds: 80000, systemSeconds: 15000 });
    assert.equal(s.memory?.usage, 8589934592);
    assert.equal(s.memory?.workingSet, 8589934592 - 2147483648);
    assert.equal(s.memory?.rss, 3221225472);
    assert.deepEqual(s.io, [{ device: '8:0', readBytes: 4096, writeBytes: 8192, reads: 11, writes: 22 }]);
    assert.equal(s.pids, undefined);
  });

  it('publishes CFS counters only with a quota, and no I/O rows for a cgroup that did none', async () => {
    const pod = await readCgroup(root, V1_POD, NOW);
    assert.equal(pod.spec.cpuQuotaMicros, 60000);
    assert.equal(pod.spec.memorySwapLimit, 629145600);
    assert.deepEqual(pod.cpu, {
      usageSeconds: 130,
      userSeconds: 110,
      systemSeconds: 25,
      periods: 6000,
      throttledPeriods: 130,
      throttledSeconds: 4,
    });
    assert.equal(pod.pids, undefined, 'systemd slices hold no processes');
    const sandbox = await readCgroup(root, V1_SANDBOX, NOW);
    assert.equal(sandbox.spec.cpuQuotaMicros, undefined);
    assert.equal(sandbox.cpu?.periods, undefined);
    assert.deepEqual(sandbox.io, []);
    assert.equal(sandbox.memory?.oomEvents, undefined, 'no oom_kill line (kernel < 4.13)');
    assert.deepEqual(sandbox.pids, [4100]);
  });

  it('returns only the path, time and an empty spec for a cgroup that does not exist', async () => {
    assert.deepEqual(await readCgroup(root, '/kubepods.slice/nope.slice', NOW), {
      path: '/kubepods.slice/nope.slice',
      timestampMs: NOW,
      spec: {},
    });
  });

  it('refuses paths that would leave the hierarchy', async () => {
    assert.deepEqual(await readCgroup(root, '/../../../proc', NOW), {
      path: '/../../../proc',
      timestampMs: NOW,
      spec: {},
    });
    assert.equal(normalizeCgroupPath('/a/./b'), undefined);
    assert.equal(normalizeCgroupPath('a//b/'), '/a/b');
    assert.equal(normalizeCgroupPath('/kubepods.slice'), '/kubepods.slice');
    assert.equal(normalizeCgroupPath(''), '/');
  });
});

describe('readCgroup, cgroup v1 cgroupfs driver (testdata/v1-cgroupfs-docker)', () => {
  it('uses the non-total memory.stat keys when use_hierarchy is 0, total_inactive_file for the working set', async () => {
    const root = await rootOf('v1-cgroupfs-docker');
    assert.equal(root.v1.cpu, root.v1.cpuacct, 'combined cpu,cpuacct mount');
    const s = await readCgroup(root, DOCKER_CTR, NOW);
    assert.deepEqual(withoutStart(s), {
      path: DOCKER_CTR,
      timestampMs: NOW,
      spec: {
        cpuShares: 256,
        cpuPeriodMicros: 100000,
        memoryLimit: undefined,
        memorySwapLimit: 0,
        memoryReservation: undefined,
      },
      cpu: { usageSeconds: 1, userSeconds: 0.6, systemSeconds: 0.4 },
      memory: {
        usage: 104857600,
        workingSet: 104857600 - 5000,
        maxUsage: 115343360,
        failcnt: 0,
        rss: 2000,
        cache: 1000,
        swap: 40,
        mappedFile: 300,
      },
      io: [{ device: '8:0', readBytes: 12288, writeBytes: 16384, reads: 3, writes: 4 }],
      pids: [900],
    });
  });
});

describe('readCgroup, cgroup v2 (testdata/v2-systemd-crio)', async () => {
  const root = await rootOf('v2-systemd-crio');

  it('reads a CRI-O container as cAdvisor does', async () => {
    const s = await readCgroup(root, V2_CTR, NOW);
    assert.deepEqual(withoutStart(s), {
      path: V2_CTR,
      timestampMs: NOW,
      spec: {
        cpuShares: 2 + Math.floor((78 * 262142) / 9999),
        cpuPeriodMicros: 100000,
        cpuQuotaMicros: 100000,
        memoryLimit: 536870912,
        memorySwapLimit: 0,
        memoryReservation: 268435456,
      },
      cpu: {
        usageSeconds: 1750,
        userSeconds: 1460,
        systemSeconds: 290,
        periods: 8800,
        throttledPeriods: 290,
        throttledSeconds: 44,
      },
      memory: {
        usage: 420000000,
        workingSet: 420000000 - 65000000,
        failcnt: 0,
        maxUsage: 500000000,
        rss: 260000000,
        cache: 130000000,
        mappedFile: 16000000,
        swap: 8192,
        oomEvents: 2,
      },
      io: [
        { device: '253:0', readBytes: 52428800, writeBytes: 104857600, reads: 500, writes: 1000 },
        { device: '8:16', readBytes: 4096, writeBytes: 0, reads: 1, writes: 0 },
      ],
      pids: [7001, 7002, 7003],
    });
  });

  it('emulates the root memory from memory.stat and /proc/meminfo (runc rootStatsFromMeminfo)', async () => {
    const s = await readCgroup(root, '/', NOW);
    assert.deepEqual(s.spec, {
      cpuShares: 0,
      cpuPeriodMicros: 0,
      memoryLimit: 8039820 * KiB,
      memorySwapLimit: 2097148 * KiB,
      memoryReservation: 0,
    });
    assert.deepEqual(s.cpu, { usageSeconds: 7200, userSeconds: 5000, systemSeconds: 2200 });
    assert.deepEqual(s.memory, {
      usage: 2147483648 + 3221225472,
      workingSet: 2147483648 + 3221225472 - 1610612736,
      failcnt: 0,
      rss: 2147483648,
      cache: 3221225472,
      mappedFile: 402653184,
      swap: (2097148 - 2096124) * KiB,
    });
  });

  it('leaves max usage out without memory.peak, and "max" limits undefined', async () => {
    const s = await readCgroup(root, V2_POD, NOW);
    assert.equal(s.memory?.maxUsage, undefined);
    assert.equal(s.memory?.usage, 450000000);
    assert.equal(s.spec.memoryLimit, 1073741824);
    assert.equal(s.spec.memorySwapLimit, undefined);
    assert.equal(s.spec.cpuQuotaMicros, 200000);
    const kp = await readCgroup(root, '/kubepods.slice', NOW);
    assert.equal(kp.spec.memoryLimit, undefined);
    assert.equal(kp.spec.cpuQuotaMicros, undefined);
    assert.equal(kp.cpu?.periods, undefined);
  });

  it('converts cpu.weight back to shares like cAdvisor', () => {
    assert.equal(weightToShares(1), 2);
    assert.equal(weightToShares(10000), 262144);
    assert.equal(weightToShares(100), 2 + Math.floor((99 * 262142) / 9999));
    assert.equal(weightToShares(0), undefined);
    assert.equal(weightToShares(10001), undefined);
  });
});

describe('start time (container_start_time_seconds)', () => {
  it('v2: the lower of the dir and cgroup.events mtimes, in whole seconds', async () => {
    const dir = copyTree('v2-systemd-crio');
    writeFileSync(join(dir, 'proc/uptime'), `${NOW / 1000 - 1_600_000_000}.00 1.00\n`); // booted long before
    const cg = join(dir, 'sys/fs/cgroup', V2_CTR);
    utimesSync(cg, 1_700_000_500, 1_700_000_500.9);
    utimesSync(join(cg, 'cgroup.events'), 1_700_000_100, 1_700_000_100.7);
    const root = await detectCgroupRoot(join(dir, 'sys/fs/cgroup'));
    const s = await readCgroup(root, V2_CTR, NOW);
    assert.equal(s.startTimeSeconds, 1_700_000_100);
  });

  it('v1: the lowest over every hierarchy, never before boot (truncated to the minute)', async () => {
    const dir = copyTree('v1-systemd-containerd');
    const cg = join(dir, 'sys/fs/cgroup');
    for (const ctl of ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'])
      utimesSync(join(cg, ctl, V1_CTR), 1_700_000_900, 1_700_000_900);
    utimesSync(join(cg, 'memory', V1_CTR, 'cgroup.clone_children'), 1_700_000_300, 1_700_000_300);
    // booted 1 699 999 000 s: the 300 s mtime stays
    writeFileSync(join(dir, 'proc/uptime'), `${NOW / 1000 - 1_699_999_000}.25 1.00\n`);
    let root = await detectCgroupRoot(cg);
    assert.equal((await readCgroup(root, V1_CTR, NOW)).startTimeSeconds, 1_700_000_300);
    // booted 1 700 000 450 s (floored to the minute: 1 700 000 400): earlier mtimes are clamped
    writeFileSync(join(dir, 'proc/uptime'), `${NOW / 1000 - 1_700_000_450}.00 1.00\n`);
    root = await detectCgroupRoot(cg);
    assert.equal((await readCgroup(root, V1_CTR, NOW)).startTimeSeconds, 1_700_000_400);
  });
});

/** A FileSource that counts what it is asked, over the real disk. */
function countingFiles(): FileSource & {
  reads: Map<string, number>;
  opened: Set<number>;
  failNextPread: boolean;
} {
  const reads = new Map<string, number>();
  const opened = new Set<number>();
  const fs = {
    reads,
    opened,
    failNextPread: false,
    read(path: string, maxBytes?: number) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return diskFiles.read(path, maxBytes);
    },
    mtimeMs: diskFiles.mtimeMs,
    open(path: string) {
      const fd = diskFiles.open?.(path);
      if (fd !== undefined) opened.add(fd);
      return fd;
    },
    pread(fd: number, maxBytes?: number) {
      if (fs.failNextPread) {
        fs.failNextPread = false;
        return undefined;
      }
      return diskFiles.pread?.(fd, maxBytes);
    },
    close(fd: number) {
      assert.ok(opened.delete(fd), `closing fd ${fd} that is not open`);
      diskFiles.close?.(fd);
    },
  };
  return fs;
}

describe('reader state', () => {
  it('keeps the spec for specMaxAgeMs while counters stay live', async () => {
    const dir = copyTree('v2-systemd-crio');
    const cg = join(dir, 'sys/fs/cgroup');
    const root = await detectCgroupRoot(cg);
    configureCgroupReader(root, { specMaxAgeMs: 10_000 });
    const first = await readCgroup(root, V2_CTR, NOW);
    assert.equal(first.spec.memoryLimit, 536870912);
    writeFileSync(join(cg, V2_CTR, 'memory.max'), '1073741824\n');
    writeFileSync(join(cg, V2_CTR, 'cpu.stat'), 'usage_usec 1800000000\nuser_usec 1\nsystem_usec 2\n');
    const second = await readCgroup(root, V2_CTR, NOW + 5_000);
    assert.equal(second.spec.memoryLimit, 536870912, 'spec reused within its max age');
    assert.equal(second.cpu?.usageSeconds, 1800, 'counter re-read through the kept descriptor');
    const third = await readCgroup(root, V2_CTR, NOW + 10_000);
    assert.equal(third.spec.memoryLimit, 1073741824, 'spec re-read once stale');
    assert.ok(cgroupReadCache(root).keptFiles > 0);
    closeCgroupReader(root);
  });

  it('remembers a missing file until the next spec refresh', async () => {
    const root = await rootOf('v2-systemd-crio');
    const files = countingFiles();
    configureCgroupReader(root, { files, specMaxAgeMs: 60_000, keepOpenFiles: false });
    for (let i = 0; i < 3; i++) await readCgroup(root, V2_POD, NOW + i * 15_000);
    assert.equal(files.reads.get('memory.peak'), 1, 'memory.peak is absent in the pod');
    assert.equal(files.reads.get('cpu.stat'), 3);
    assert.equal(files.reads.get('cpu.weight'), 1, 'spec read once');
    await readCgroup(root, V2_POD, NOW + 60_000);
    assert.equal(files.reads.get('memory.peak'), 2);
    assert.equal(files.reads.get('cpu.weight'), 2);
    closeCgroupReader(root);
  });

  it('sees a file replaced by rename when descriptors are not kept', async () => {
    const dir = copyTree('v2-systemd-crio');
    const cg = join(dir, 'sys/fs/cgroup');
    const root = await detectCgroupRoot(cg);
    configureCgroupReader(root, { keepOpenFiles: false });
    assert.equal((await readCgroup(root, V2_CTR, NOW)).memory?.usage, 420000000);
    writeFileSync(join(cg, 'next'), '123\n');
    renameSync(join(cg, 'next'), join(cg, V2_CTR, 'memory.current'));
    assert.equal((await readCgroup(root, V2_CTR, NOW + 1000)).memory?.usage, 123);
    closeCgroupReader(root);
  });

  it('drops a descriptor whose read fails and reads the plain way instead', async () => {
    const root = await rootOf('v2-systemd-crio');
    const files = countingFiles();
    const cache = new CgroupReadCache({ files });
    readV2(root, cache.access(root, V2_CTR, NOW), NOW);
    const kept = cache.keptFiles;
    assert.ok(kept >= 5, `kept ${kept}`);
    files.failNextPread = true;
    const s = readV2(root, cache.access(root, V2_CTR, NOW + 1000), NOW + 1000);
    assert.equal(s.cpu?.usageSeconds, 1750);
    assert.equal(cache.keptFiles, kept - 1);
    cache.close();
    assert.equal(files.opened.size, 0, 'every kept descriptor closed');
    assert.equal(cache.keptFiles, 0);
  });

  it('bounds the kept descriptors and closes those of cgroups no longer read', async () => {
    const root = await rootOf('v1-systemd-containerd');
    const files = countingFiles();
    const cache = new CgroupReadCache({ files, maxKeptFiles: 12, specMaxAgeMs: 1000 });
    const read = async (path: string, t: number): Promise<void> => {
      const { readV1 } = await import('./v1.ts');
      readV1(root, cache.access(root, path, t), t);
    };
    await read(V1_CTR, NOW);
    await read(V1_POD, NOW);
    assert.equal(cache.keptFiles, 12);
    assert.equal(files.opened.size, 12);
    // the pod is read again, the container is not: two sweeps later its descriptors are closed
    await read(V1_POD, NOW + 1000);
    await read(V1_POD, NOW + 2000);
    assert.equal(cache.size, 1);
    assert.ok(cache.keptFiles < 12);
    assert.equal(files.opened.size, cache.keptFiles);
    cache.close();
    assert.equal(files.opened.size, 0);
  });
});

describe('readCgroup over generated kubelet trees (simulator renderers)', () => {
  /** What each cgroup's files were rendered from, translated to cAdvisor's units. */
  function expectV2(c: FixtureCgroup, s: CgroupStats): void {
    const u = c.view.usage;
    const where = c.path;
    assert.equal(s.cpu?.usageSeconds, u.cpuUsageUsec / 1e6, where);
    assert.equal(s.cpu?.userSeconds, u.cpuUserUsec / 1e6, where);
    assert.equal(s.cpu?.systemSeconds, u.cpuSystemUsec / 1e6, where);
    const usage = c.kind === 'root' ? u.anon + u.file : memoryCurrent(u);
    assert.equal(s.memory?.usage, usage, where);
    assert.equal(s.memory?.workingSet, Math.max(0, usage - u.inactiveFile), where);
    assert.equal(s.memory?.rss, u.anon, where);
    assert.equal(s.memory?.cache, u.file, where);
    assert.equal(s.memory?.mappedFile, u.fileMapped, where);
    if (c.kind !== 'root') {
      assert.equal(s.memory?.oomEvents, u.eventsOomKill, where);
      const l = c.view.limits;
      assert.equal(s.spec.cpuShares, weightToShares(sharesToWeight(l.cpuShares)), where);
      const quota =
        l.cpuLimit === undefined ? undefined : Math.max(1000, Math.round(l.cpuLimit * CFS_PERIOD_USEC));
      assert.equal(s.spec.cpuQuotaMicros, quota, where);
      assert.equal(s.cpu?.periods, quota === undefined ? undefined : u.cpuNrPeriods, where);
      assert.equal(
        s.cpu?.throttledSeconds,
        quota === undefined ? undefined : u.cpuThrottledUsec / 1e6,
        where,
      );
      assert.equal(s.spec.memoryLimit, l.memoryLimit, where);
    }
    const hasIo = u.ioRbytes + u.ioWbytes + u.ioRios + u.ioWios > 0;
    assert.deepEqual(
      s.io,
      hasIo
        ? [
            {
              device: '253:0',
              readBytes: u.ioRbytes,
              writeBytes: u.ioWbytes,
              reads: u.ioRios,
              writes: u.ioWios,
            },
          ]
        : [],
      where,
    );
  }

  function expectV1(c: FixtureCgroup, s: CgroupStats): void {
    const u = c.view.usage;
    const where = c.path;
    assert.equal(s.cpu?.usageSeconds, (u.cpuUsageUsec * 1000) / 1e9, where);
    assert.equal(s.cpu?.userSeconds, Math.floor(u.cpuUserUsec / 10_000) / 100, where);
    assert.equal(s.cpu?.systemSeconds, Math.floor(u.cpuSystemUsec / 10_000) / 100, where);
    const usage = memoryCurrent(u);
    assert.equal(s.memory?.usage, usage, where);
    assert.equal(s.memory?.maxUsage, Math.max(c.view.maxUsage, usage), where);
    assert.equal(s.memory?.workingSet, Math.max(0, usage - u.inactiveFile), where);
    assert.equal(s.memory?.rss, u.anon, where);
    assert.equal(s.memory?.cache, u.file, where);
    assert.equal(s.memory?.failcnt, u.failcnt, where);
    assert.equal(s.memory?.oomEvents, u.eventsOomKill, where);
    const l = c.view.limits;
    assert.equal(s.spec.cpuShares, c.kind === 'root' ? 1024 : l.cpuShares, where);
    if (c.kind !== 'root') assert.equal(s.spec.memoryLimit, l.memoryLimit, where);
    const io = s.io ?? [];
    if (u.ioRbytes + u.ioWbytes > 0) {
      assert.deepEqual(
        io,
        [
          {
            device: '253:0',
            readBytes: u.ioRbytes,
            writeBytes: u.ioWbytes,
            reads: u.ioRios,
            writes: u.ioWios,
          },
        ],
        where,
      );
    } else assert.deepEqual(io, [], where);
  }

  for (const version of ['v1', 'v2'] as const) {
    it(`${version}: every cgroup of a 20-pod tree matches what was rendered`, async () => {
      const tree = buildFixtureTree(join(tmp, `gen-${version}`), {
        version,
        pods: 20,
        containersPerPod: 2,
        seed: 7,
      });
      const root = await detectCgroupRoot(tree.sysFsCgroup);
      assert.equal(root.version, version);
      let containers = 0;
      for (const c of tree.cgroups) {
        const s = await readCgroup(root, c.path, NOW);
        if (version === 'v2') expectV2(c, s);
        else expectV1(c, s);
        if (c.kind === 'container') {
          containers++;
          assert.deepEqual(s.pids, [...c.view.procs], c.path);
          for (const pid of c.view.procs) {
            assert.match(
              readFileSync(join(tree.rootPath, 'proc', String(pid), 'net/dev'), 'latin1'),
              /eth0: /,
            );
          }
        }
        if (c.kind === 'root') assert.equal(s.spec.memoryLimit, tree.memTotal, 'root limit = MemTotal');
        assert.equal(s.memory?.swap, 0, c.path);
      }
      assert.equal(containers, 60);
      closeCgroupReader(root);
    });
  }

  it('the generated shares match the kubelet conversion', () => {
    assert.equal(cpuShares(0.5), 512);
  });
});
