import assert from 'node:assert/strict';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { createFilesystemCollector, filesystemCollector } from './filesystem.ts';
import { parseMountinfo, stripRootfsPrefix } from './filesystem-mountinfo.ts';
import { StatfsGuard, goErrorString } from './statfs-guard.ts';
import type { StatfsValues } from './statfs-guard.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');

/** A fake statfs serving a fixture's statfs.json; absent mount points fail with EACCES, `hang` ones never return. */
function fakeStatfs(name: string, rootfs: string, hang: string[] = []) {
  const table = (
    JSON.parse(readFileSync(join(TESTDATA, name, 'statfs.json'), 'utf8')) as {
      mounts: Record<string, StatfsValues>;
    }
  ).mounts;
  const calls: string[] = [];
  const release: (() => void)[] = [];
  const fn = (path: string): Promise<StatfsValues> => {
    calls.push(path);
    const mp = rootfs === '/' ? path : path.slice(rootfs.length) || '/';
    if (hang.includes(mp)) {
      return new Promise((resolve) => release.push(() => resolve(table['/']!)));
    }
    const v = table[mp];
    if (v === undefined)
      return Promise.reject(
        Object.assign(new Error(`EACCES: permission denied, statfs '${path}'`), { code: 'EACCES' }),
      );
    return Promise.resolve(v);
  };
  return { fn, calls, hang, release: () => release.splice(0).forEach((r) => r()) };
}

function hostFixture(): HostPaths {
  const d = join(TESTDATA, 'storage-net-host');
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}

function find(fams: Family[], name: string, mountpoint: string) {
  const s = fams
    .find((f) => f.name === name)
    ?.samples.find((x) => Object.fromEntries(x.labels).mountpoint === mountpoint);
  return s && { labels: Object.fromEntries(s.labels), value: s.value };
}
const mountpoints = (fams: Family[], name = 'node_filesystem_device_error') =>
  (fams.find((f) => f.name === name)?.samples ?? []).map(
    (s) => Object.fromEntries(s.labels).mountpoint ?? '',
  );

describe('filesystem on a Kubernetes worker mount table', () => {
  test('exposition equals the reviewed expected output; a hung mount answers "mountpoint timeout" within the timeout', async () => {
    const paths = hostFixture();
    const fake = fakeStatfs('storage-net-host', paths.rootfs, ['/mnt/remote']);
    const c = createFilesystemCollector({ statfs: fake.fn, mountTimeoutMs: 100 });
    const t0 = performance.now();
    const got = renderFamilies(await c.collect({ paths, nowMs: 0 }));
    const took = performance.now() - t0;
    fake.release();
    assert.equal(
      got,
      readFileSync(join(TESTDATA, 'storage-net-host', 'expected', 'filesystem.prom'), 'utf8'),
    );
    assert.ok(took >= 95 && took < 2000, `scrape took ${took} ms`);
  });

  test('default exclusions by mount point and fs type; \\040 decoded; optional fields skipped', async () => {
    const paths = hostFixture();
    const fake = fakeStatfs('storage-net-host', paths.rootfs);
    const f = await createFilesystemCollector({ statfs: fake.fn }).collect({ paths, nowMs: 0 });
    const mps = mountpoints(f);
    for (const gone of [
      '/sys',
      '/proc',
      '/dev',
      '/dev/pts',
      '/sys/fs/cgroup',
      '/run/credentials/systemd-sysusers.service',
      '/snap/core20/2318',
    ])
      assert.ok(!mps.includes(gone), gone);
    assert.ok(
      !mps.some((m) => m.startsWith('/var/lib/docker/') || m.includes('/rootfs')),
      'overlay and docker mounts',
    );
    assert.ok(mps.includes('/mnt/nfs share'));
    assert.ok(
      mps.includes('/var/lib/kubelet/pods/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d/volume-subpaths/config/app/0'),
    );
    assert.ok(mps.includes('/run') && mps.includes('/run/lock'), '/run itself is not excluded upstream');
    // statfs is called at root_path + mount point, once per mount point.
    assert.ok(fake.calls.includes(join(paths.rootfs, '/mnt/nfs share')));
  });

  test('values are blocks x f_bsize; files and files_free raw', async () => {
    const paths = hostFixture();
    const f = await createFilesystemCollector({
      statfs: fakeStatfs('storage-net-host', paths.rootfs).fn,
    }).collect({ paths, nowMs: 0 });
    assert.equal(find(f, 'node_filesystem_size_bytes', '/')!.value, 25656558 * 4096);
    assert.equal(find(f, 'node_filesystem_free_bytes', '/')!.value, 17015302 * 4096);
    assert.equal(find(f, 'node_filesystem_avail_bytes', '/')!.value, 15702538 * 4096);
    assert.equal(find(f, 'node_filesystem_size_bytes', '/boot/efi')!.value, 1098628 * 512);
    assert.equal(find(f, 'node_filesystem_files', '/var/lib/data')!.value, 32768000);
    assert.equal(find(f, 'node_filesystem_files_free', '/var/lib/data')!.value, 32601342);
    assert.equal(find(f, 'node_filesystem_purgeable_bytes', '/')!.value, 0);
    assert.deepEqual(find(f, 'node_filesystem_mount_info', '/boot/efi')!.labels, {
      device: '/dev/nvme0n1p1',
      major: '259',
      minor: '1',
      mountpoint: '/boot/efi',
    });
  });

  test('a failed statfs: device_error with the Go error text, readonly from the options, no size families', async () => {
    const paths = hostFixture();
    const f = await createFilesystemCollector({
      statfs: fakeStatfs('storage-net-host', paths.rootfs).fn,
    }).collect({ paths, nowMs: 0 });
    const err = find(f, 'node_filesystem_device_error', '/media/usb')!;
    assert.deepEqual(err, {
      labels: {
        device: '/dev/sdb1',
        device_error: 'permission denied',
        fstype: 'vfat',
        mountpoint: '/media/usb',
      },
      value: 1,
    });
    assert.equal(find(f, 'node_filesystem_readonly', '/media/usb')!.value, 1);
    assert.equal(find(f, 'node_filesystem_size_bytes', '/media/usb'), undefined);
    assert.equal(find(f, 'node_filesystem_mount_info', '/media/usb'), undefined);
  });

  test('stacked mounts with equal labels are exposed once, the first in mountinfo order', async () => {
    const paths = hostFixture();
    const f = await createFilesystemCollector({
      statfs: fakeStatfs('storage-net-host', paths.rootfs).fn,
    }).collect({ paths, nowMs: 0 });
    assert.equal(mountpoints(f, 'node_filesystem_readonly').filter((m) => m === '/srv/bind').length, 1);
    assert.equal(find(f, 'node_filesystem_readonly', '/srv/bind')!.value, 0);
  });
});

describe('hung mounts', () => {
  test('one statfs in flight per mount point; stuck until the call returns, then healthy again', async () => {
    const paths = hostFixture();
    const fake = fakeStatfs('storage-net-host', paths.rootfs, ['/mnt/remote']);
    const c = createFilesystemCollector({ statfs: fake.fn, mountTimeoutMs: 50 });
    const remote = join(paths.rootfs, '/mnt/remote');
    const count = () => fake.calls.filter((p) => p === remote).length;

    const first = await c.collect({ paths, nowMs: 0 });
    assert.equal(
      find(first, 'node_filesystem_device_error', '/mnt/remote')!.labels.device_error,
      'mountpoint timeout',
    );
    assert.equal(find(first, 'node_filesystem_readonly', '/mnt/remote')!.value, 0);

    // Stuck: the next scrape answers at once and issues no second call.
    const t0 = performance.now();
    const second = await c.collect({ paths, nowMs: 0 });
    assert.ok(performance.now() - t0 < 45, 'a stuck mount does not wait again');
    assert.equal(
      find(second, 'node_filesystem_device_error', '/mnt/remote')!.labels.device_error,
      'mountpoint timeout',
    );
    assert.equal(count(), 1);

    // The hung call returns (and the mount answers from now on): statfs'd again, healthy.
    fake.hang.length = 0;
    fake.release();
    await new Promise((r) => setImmediate(r));
    const third = await c.collect({ paths, nowMs: 0 });
    assert.equal(count(), 2, 'a new call once the hung one returned');
    // The fixture has no statfs values for /mnt/remote: the fresh call's answer is EACCES.
    assert.equal(
      find(third, 'node_filesystem_device_error', '/mnt/remote')!.labels.device_error,
      'permission denied',
    );
  });

  test('StatfsGuard: concurrent scrapes join the call in flight', async () => {
    let calls = 0;
    let resolve!: (v: StatfsValues) => void;
    const guard = new StatfsGuard(() => {
      calls++;
      return new Promise((r) => (resolve = r));
    }, 1000);
    const a = guard.stat('/m', '/m');
    const b = guard.stat('/m', '/m');
    assert.equal(calls, 1);
    assert.equal(guard.inFlight, 1);
    const v = { bsize: 1, blocks: 2, bfree: 3, bavail: 4, files: 5, ffree: 6 };
    resolve(v);
    assert.deepEqual(await a, { kind: 'ok', stats: v });
    assert.deepEqual(await b, { kind: 'ok', stats: v });
    await new Promise((r) => setImmediate(r));
    assert.equal(guard.inFlight, 0);
  });

  test('StatfsGuard: a synchronous throw is an error outcome, not an exception', async () => {
    const guard = new StatfsGuard(() => {
      throw Object.assign(new Error('boom'), { code: 'EIO' });
    }, 1000);
    assert.deepEqual(await guard.stat('/m', '/m'), { kind: 'error', message: 'input/output error' });
  });
});

describe('mountinfo and rootfs', () => {
  test('with root_path, mount points lose the prefix and statfs goes through it', async () => {
    const d = join(TESTDATA, 'storage-net-selfonly');
    const paths = { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: '/hostfs' };
    const fake = fakeStatfs('storage-net-selfonly', '/hostfs');
    const f = await createFilesystemCollector({ statfs: fake.fn }).collect({ paths, nowMs: 0 });
    // pid 1 is absent in this tree: self/mountinfo is read. /hostfs → "/", /hostfs/sys excluded as /sys.
    assert.deepEqual(mountpoints(f).sort(), ['/', '/boot/efi', '/etc/hostname', '/run']);
    assert.deepEqual(fake.calls.sort(), [
      '/hostfs',
      '/hostfs/boot/efi',
      '/hostfs/etc/hostname',
      '/hostfs/run',
    ]);
  });

  test('stripRootfsPrefix matches node_exporter, with a trailing slash on root_path tolerated', () => {
    assert.equal(stripRootfsPrefix('/hostfs/boot', '/hostfs'), '/boot');
    assert.equal(stripRootfsPrefix('/hostfs', '/hostfs'), '/');
    assert.equal(stripRootfsPrefix('/boot', '/hostfs'), '/boot');
    assert.equal(stripRootfsPrefix('/hostfs/boot', '/hostfs/'), '/boot');
    assert.equal(stripRootfsPrefix('/boot', '/'), '/boot');
    // Upstream's plain TrimPrefix: a sibling sharing the prefix is cut too.
    assert.equal(stripRootfsPrefix('/hostfsx/a', '/hostfs'), 'x/a');
  });

  test('malformed mountinfo lines are skipped; MAJOR:MINOR read as Sscanf("%d:%d") does', async () => {
    const text = readFileSync(join(TESTDATA, 'storage-net-malformed', 'proc', '1', 'mountinfo'), 'utf8');
    assert.deepEqual(parseMountinfo(text, '/'), [
      {
        device: '/dev/nvme0n1p2',
        mountPoint: '/',
        fsType: 'ext4',
        options: 'rw,relatime',
        major: '259',
        minor: '2',
      },
      {
        device: '/dev/sdb1',
        mountPoint: '/data',
        fsType: 'xfs',
        options: 'rw,relatime',
        major: '8',
        minor: '17',
      },
    ]);
  });

  test('no mountinfo at all: the collector fails', async () => {
    await assert.rejects(
      createFilesystemCollector().collect({
        paths: { proc: join(TESTDATA, 'nowhere'), sys: '/', rootfs: '/' },
        nowMs: 0,
      }),
      /cannot read mountinfo/,
    );
  });

  test('Go error texts for statfs failures', async () => {
    assert.equal(goErrorString(Object.assign(new Error('x'), { code: 'ESTALE' })), 'stale file handle');
    assert.equal(
      goErrorString(Object.assign(new Error('x'), { code: 'ENOTCONN' })),
      'transport endpoint is not connected',
    );
    const real = await import('node:fs/promises').then((m) =>
      m.statfs('/definitely/not/here').catch((e: unknown) => e),
    );
    assert.equal(goErrorString(real), 'no such file or directory');
  });
});

test('this machine: "/" is collected with the values statfs(2) gives', async (t) => {
  if (!existsSync('/proc/1/mountinfo') && !existsSync('/proc/self/mountinfo'))
    return t.skip('no procfs mountinfo here');
  const f = await filesystemCollector.collect({
    paths: { proc: '/proc', sys: '/sys', rootfs: '/' },
    nowMs: 0,
  });
  const root = find(f, 'node_filesystem_size_bytes', '/');
  if (root === undefined) return t.skip('"/" is excluded or not a mount point in this environment');
  const s = statfsSync('/');
  assert.equal(root.value, s.blocks * s.bsize);
  assert.equal(find(f, 'node_filesystem_files', '/')!.value, s.files);
});
