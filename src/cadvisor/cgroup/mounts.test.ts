import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildFixtureTree } from '../testing/fixture-tree.ts';
import { detectCgroupRoot } from './mounts.ts';
import { parseMountinfo } from './parse.ts';

const TESTDATA = join(import.meta.dirname, '..', 'testdata');
const tmp = mkdtempSync(join(tmpdir(), 'wc-cgroup-mounts-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function touch(path: string, content = ''): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

describe('detectCgroupRoot', () => {
  const v1 = join(TESTDATA, 'v1-systemd-containerd');
  const v1cg = join(v1, 'sys/fs/cgroup');

  it('finds separate cpu and cpuacct mounts and counts a hybrid host (unified dir) as v1', async () => {
    const root = await detectCgroupRoot(v1cg);
    assert.deepEqual(root, {
      version: 'v1',
      v2: join(v1cg, 'unified'),
      v1: {
        blkio: join(v1cg, 'blkio'),
        cpu: join(v1cg, 'cpu'),
        cpuacct: join(v1cg, 'cpuacct'),
        memory: join(v1cg, 'memory'),
        pids: join(v1cg, 'pids'),
      },
      proc: join(v1, 'proc'),
    });
  });

  it('gives the same answer from the host mountinfo (path or content)', async () => {
    const plain = await detectCgroupRoot(v1cg);
    const mountinfo = join(v1, 'proc/1/mountinfo');
    assert.deepEqual(await detectCgroupRoot(v1cg, mountinfo), plain);
    assert.deepEqual(await detectCgroupRoot(`${v1cg}/`, readFileSync(mountinfo, 'latin1')), plain);
  });

  it('maps the combined cpu,cpuacct mount, not its symlinks (systemd layout)', async () => {
    const tree = buildFixtureTree(join(tmp, 'combined'), { version: 'v1', pods: 1, containersPerPod: 1 });
    const root = await detectCgroupRoot(tree.sysFsCgroup);
    assert.equal(root.version, 'v1');
    assert.equal(root.v1.cpu, join(tree.sysFsCgroup, 'cpu,cpuacct'));
    assert.equal(root.v1.cpuacct, join(tree.sysFsCgroup, 'cpu,cpuacct'));
    assert.equal(root.v1.memory, join(tree.sysFsCgroup, 'memory'));
    assert.equal(root.v2, undefined);
  });

  it('detects a unified (v2) host by its cgroup.controllers', async () => {
    const dir = join(TESTDATA, 'v2-systemd-crio');
    assert.deepEqual(await detectCgroupRoot(join(dir, 'sys/fs/cgroup')), {
      version: 'v2',
      v2: join(dir, 'sys/fs/cgroup'),
      v1: {},
      proc: join(dir, 'proc'),
    });
  });

  it('uses the mountinfo for hierarchies whose directory names say nothing', async () => {
    const base = join(tmp, 'oddnames');
    const cg = join(base, 'sys/fs/cgroup');
    touch(join(cg, 'compute/cpu.shares'), '1024\n');
    touch(join(cg, 'compute/cpuacct.usage'), '1\n');
    touch(join(cg, 'mem/memory.usage_in_bytes'), '1\n');
    touch(join(cg, 'inner/cpuset.cpus'), '0-1\n'); // mounted with a non-root source: ignored
    const mountinfo =
      '31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n' +
      '32 31 0:29 / /sys/fs/cgroup/compute rw - cgroup cgroup rw,cpu,cpuacct\n' +
      '33 31 0:30 / /sys/fs/cgroup/mem rw - cgroup cgroup rw,memory\n' +
      '34 31 0:31 /kubepods /sys/fs/cgroup/inner rw - cgroup cgroup rw,cpuset\n' +
      '35 22 0:32 / /elsewhere/blkio rw - cgroup cgroup rw,blkio\n';
    assert.deepEqual(await detectCgroupRoot(cg), { version: 'v1', v1: {}, proc: join(base, 'proc') });
    assert.deepEqual(await detectCgroupRoot(cg, mountinfo), {
      version: 'v1',
      v1: { cpu: join(cg, 'compute'), cpuacct: join(cg, 'compute'), memory: join(cg, 'mem') },
      proc: join(base, 'proc'),
    });
  });

  it('takes a lone cgroup2 below sys/fs/cgroup as the v2 root when no v1 controller exists', async () => {
    const base = join(tmp, 'unified-only');
    touch(join(base, 'sys/fs/cgroup/unified/cgroup.controllers'), 'cpu io memory pids\n');
    assert.deepEqual(await detectCgroupRoot(join(base, 'sys/fs/cgroup')), {
      version: 'v2',
      v2: join(base, 'sys/fs/cgroup/unified'),
      v1: {},
      proc: join(base, 'proc'),
    });
  });

  it('returns an empty v1 root for a missing tree and never throws', async () => {
    const missing = join(tmp, 'nothing/sys/fs/cgroup');
    assert.deepEqual(await detectCgroupRoot(missing, join(tmp, 'no-mountinfo')), {
      version: 'v1',
      v1: {},
      proc: join(tmp, 'nothing/proc'),
    });
    assert.deepEqual(await detectCgroupRoot(join(tmp, 'x'), 'garbage - \n\n - -'), { version: 'v1', v1: {} });
  });

  it('agrees with this host’s own mountinfo', async (t) => {
    if (!existsSync('/sys/fs/cgroup') || !existsSync('/proc/self/mountinfo')) {
      t.skip('no /sys/fs/cgroup or /proc/self/mountinfo on this machine');
      return;
    }
    const root = await detectCgroupRoot('/sys/fs/cgroup', '/proc/self/mountinfo');
    assert.equal(root.proc, '/proc');
    const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'latin1'));
    const unified = mounts.find((m) => m.fsType === 'cgroup2' && m.mountPoint === '/sys/fs/cgroup');
    if (unified) {
      assert.equal(root.version, 'v2');
      assert.equal(root.v2, '/sys/fs/cgroup');
      return;
    }
    assert.equal(root.version, 'v1');
    let checked = 0;
    for (const m of mounts) {
      if (m.fsType !== 'cgroup' || m.root !== '/' || !m.mountPoint.startsWith('/sys/fs/cgroup/')) continue;
      for (const c of ['cpu', 'cpuacct', 'memory', 'blkio', 'pids', 'cpuset'] as const) {
        if (!m.superOptions.includes(c)) continue;
        assert.equal(root.v1[c], m.mountPoint, c);
        checked++;
      }
    }
    if (checked === 0) t.skip('this host mounts no v1 controller under /sys/fs/cgroup');
  });
});
