import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { podCgroupsReadable } from './cgroup-probe.ts';

test('finds the kubepods cgroup in v2 and v1 layouts, systemd and cgroupfs drivers', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'wc-cgprobe-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const layouts = ['kubepods.slice', 'kubepods', 'memory/kubepods.slice', 'cpu,cpuacct/kubepods'];
  for (const [i, l] of layouts.entries()) {
    const cg = join(root, String(i));
    await mkdir(join(cg, l), { recursive: true });
    assert.equal(await podCgroupsReadable(cg), true, l);
  }
  // a cgroup mount without the kubelet's hierarchy (private cgroup namespace), or nothing at all
  await mkdir(join(root, 'private', 'memory'), { recursive: true });
  assert.equal(await podCgroupsReadable(join(root, 'private')), false);
  assert.equal(await podCgroupsReadable(join(root, 'absent')), false);
});

test('an unreadable kubepods directory does not count', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('running as root: permissions do not stop root from listing the directory');
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'wc-cgprobe-'));
  t.after(async () => {
    await chmod(join(root, 'kubepods.slice'), 0o755);
    await rm(root, { recursive: true, force: true });
  });
  await mkdir(join(root, 'kubepods.slice'));
  await chmod(join(root, 'kubepods.slice'), 0o000);
  assert.equal(await podCgroupsReadable(root), false);
});
