import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { detectCgroupRoot } from './cgroup/mounts.ts';
import { identifyCgroup, isIgnoredByCadvisor, listCgroups } from './discovery.ts';
import { buildFixtureTree } from './testing/fixture-tree.ts';
import type { CgroupIdentity } from './types.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const tmp = mkdtempSync(join(tmpdir(), 'wc-cgroup-discovery-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const UID = '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const UID_ = UID.replaceAll('-', '_');
const STATIC_UID = 'fa92a330f4b025479d8e2f1804482b69';
const ID = '0123456789abcdef'.repeat(4);
const BURST = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`;

describe('identifyCgroup', () => {
  const cases: [string, CgroupIdentity][] = [
    ['/', { path: '/', kind: 'root' }],
    ['', { path: '/', kind: 'root' }],
    ['/kubepods.slice', { path: '/kubepods.slice', kind: 'kubepods' }],
    [
      '/kubepods.slice/kubepods-burstable.slice',
      { path: '/kubepods.slice/kubepods-burstable.slice', kind: 'qos' },
    ],
    [
      '/kubepods.slice/kubepods-besteffort.slice/',
      { path: '/kubepods.slice/kubepods-besteffort.slice', kind: 'qos' },
    ],
    [BURST, { path: BURST, kind: 'pod', podUid: UID }],
    [
      `/kubepods.slice/kubepods-pod${UID_}.slice`,
      { path: `/kubepods.slice/kubepods-pod${UID_}.slice`, kind: 'pod', podUid: UID },
    ],
    [
      `${BURST}/cri-containerd-${ID}.scope`,
      {
        path: `${BURST}/cri-containerd-${ID}.scope`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'containerd',
      },
    ],
    [
      `${BURST}/crio-${ID}.scope`,
      {
        path: `${BURST}/crio-${ID}.scope`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'cri-o',
      },
    ],
    [
      `${BURST}/docker-${ID}.scope`,
      {
        path: `${BURST}/docker-${ID}.scope`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'docker',
      },
    ],
    [
      `${BURST}/crio-conmon-${ID}.scope`,
      {
        path: `${BURST}/crio-conmon-${ID}.scope`,
        kind: 'other',
        podUid: UID,
        containerId: ID,
        runtime: 'cri-o',
      },
    ],
    // CRI-O sandbox under the systemd driver: no .scope (cAdvisor ignores it)
    [
      `${BURST}/crio-${ID}`,
      { path: `${BURST}/crio-${ID}`, kind: 'other', podUid: UID, containerId: ID, runtime: 'cri-o' },
    ],
    // cgroupfs driver
    ['/kubepods', { path: '/kubepods', kind: 'kubepods' }],
    ['/kubepods/burstable', { path: '/kubepods/burstable', kind: 'qos' }],
    [`/kubepods/besteffort/pod${UID}`, { path: `/kubepods/besteffort/pod${UID}`, kind: 'pod', podUid: UID }],
    [`/kubepods/pod${STATIC_UID}`, { path: `/kubepods/pod${STATIC_UID}`, kind: 'pod', podUid: STATIC_UID }],
    [
      `/kubepods/burstable/pod${UID}/${ID}`,
      {
        path: `/kubepods/burstable/pod${UID}/${ID}`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'unknown',
      },
    ],
    [
      `/kubepods/burstable/pod${UID}/crio-${ID}`,
      {
        path: `/kubepods/burstable/pod${UID}/crio-${ID}`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'cri-o',
      },
    ],
    // a custom --cgroup-root (kind: /kubelet)
    [
      `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
      {
        path: `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
        kind: 'container',
        podUid: UID,
        containerId: ID,
        runtime: 'containerd',
      },
    ],
    [`/kubelet/kubepods/pod${UID}`, { path: `/kubelet/kubepods/pod${UID}`, kind: 'pod', podUid: UID }],
    // not the kubelet's
    ['/system.slice/kubelet.service', { path: '/system.slice/kubelet.service', kind: 'other' }],
    [`/docker/${ID}`, { path: `/docker/${ID}`, kind: 'other' }],
    ['/a/b/kubepods.slice', { path: '/a/b/kubepods.slice', kind: 'other' }],
    [
      `/kubepods.slice/kubepods-burstable.slice/notapod.slice`,
      { path: '/kubepods.slice/kubepods-burstable.slice/notapod.slice', kind: 'other' },
    ],
    [
      `${BURST}/cri-containerd-xyz.scope`,
      { path: `${BURST}/cri-containerd-xyz.scope`, kind: 'other', podUid: UID },
    ],
    [
      `${BURST}/cri-containerd-${ID.toUpperCase()}.scope`,
      { path: `${BURST}/cri-containerd-${ID.toUpperCase()}.scope`, kind: 'other', podUid: UID },
    ],
    [
      `${BURST}/cri-containerd-${ID}.scope/nested`,
      {
        path: `${BURST}/cri-containerd-${ID}.scope/nested`,
        kind: 'other',
        podUid: UID,
        containerId: ID,
        runtime: 'containerd',
      },
    ],
    [`${BURST}/var-lib-x.mount`, { path: `${BURST}/var-lib-x.mount`, kind: 'other', podUid: UID }],
  ];
  for (const [path, want] of cases) {
    it(`${path || '(empty)'} → ${want.kind}`, () => assert.deepEqual(identifyCgroup(path), want));
  }

  it('marks only the systemd CRI-O sandbox as ignored by cAdvisor', () => {
    assert.equal(isIgnoredByCadvisor(`${BURST}/crio-${ID}`), true);
    assert.equal(isIgnoredByCadvisor(`${BURST}/crio-${ID}.scope`), false);
    assert.equal(isIgnoredByCadvisor(`${BURST}/crio-conmon-${ID}.scope`), false);
    assert.equal(isIgnoredByCadvisor(`/kubepods/burstable/pod${UID}/crio-${ID}`), false);
    assert.equal(isIgnoredByCadvisor('/'), false);
  });

  it('never throws on odd input', () => {
    for (const p of [
      '//',
      '/kubepods.slice//x',
      '/kubepods/pod',
      '/kubepods/pod-',
      '\0',
      '/'.repeat(100),
      'kubepods/burstable/pod',
    ]) {
      assert.ok(identifyCgroup(p).kind);
    }
  });
});

function summary(ids: CgroupIdentity[]): string[] {
  return ids.map((i) => `${i.kind} ${i.path}`);
}

describe('listCgroups', () => {
  it('v1 systemd/containerd: root, kubepods subtree and the kubelet’s own cgroup', async () => {
    const root = await detectCgroupRoot(join(TESTDATA, 'v1-systemd-containerd/sys/fs/cgroup'));
    const pod =
      '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_4def_8abc_0123456789ab.slice';
    assert.deepEqual(summary(await listCgroups(root)), [
      'root /',
      'kubepods /kubepods.slice',
      'qos /kubepods.slice/kubepods-besteffort.slice',
      'qos /kubepods.slice/kubepods-burstable.slice',
      `pod ${pod}`,
      `container ${pod}/cri-containerd-${'a1'.repeat(32)}.scope`,
      `container ${pod}/cri-containerd-${'b2'.repeat(32)}.scope`,
      'other /system.slice/kubelet.service',
    ]);
  });

  it('v2 systemd/CRI-O: keeps conmon scopes, drops the sandbox cgroup, adds configured runtime cgroups', async () => {
    const root = await detectCgroupRoot(join(TESTDATA, 'v2-systemd-crio/sys/fs/cgroup'));
    const pod = '/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8a9b_acbdcedfe0f1.slice';
    const ids = await listCgroups(root, {
      extraPaths: ['/system.slice/crio.service', '/system.slice/absent.service'],
    });
    assert.deepEqual(summary(ids), [
      'root /',
      'kubepods /kubepods.slice',
      'qos /kubepods.slice/kubepods-burstable.slice',
      `pod ${pod}`,
      `container ${pod}/crio-${'c3'.repeat(32)}.scope`,
      `other ${pod}/crio-conmon-${'c3'.repeat(32)}.scope`,
      'other /system.slice/crio.service',
    ]);
    assert.equal(ids[4]?.runtime, 'cri-o');
    assert.equal(ids[4]?.podUid, '0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1');
  });

  it('v1 cgroupfs/Docker: kubepods only, not the runtime’s own containers', async () => {
    const root = await detectCgroupRoot(join(TESTDATA, 'v1-cgroupfs-docker/sys/fs/cgroup'));
    const b = '/kubepods/burstable/pod5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
    const g = '/kubepods/podfa92a330f4b025479d8e2f1804482b69';
    assert.deepEqual(summary(await listCgroups(root, { extraPaths: [] })), [
      'root /',
      'kubepods /kubepods',
      'qos /kubepods/besteffort',
      'qos /kubepods/burstable',
      `pod ${b}`,
      `container ${b}/${'e5'.repeat(32)}`,
      `pod ${g}`,
      `container ${g}/${'f6'.repeat(32)}`,
    ]);
  });

  it('finds kubepods under a custom --cgroup-root', async () => {
    const cg = join(tmp, 'kind/sys/fs/cgroup');
    const pod = `kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice`;
    for (const d of [`${pod}/cri-containerd-${ID}.scope`, 'system.slice/a.service', 'init.scope']) {
      mkdirSync(join(cg, d), { recursive: true });
    }
    writeFileSync(join(cg, 'cgroup.controllers'), 'cpu memory io\n');
    const root = await detectCgroupRoot(cg);
    assert.deepEqual(summary(await listCgroups(root)), [
      'root /',
      'kubepods /kubelet.slice/kubelet-kubepods.slice',
      'qos /kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice',
      `pod /${pod}`,
      `container /${pod}/cri-containerd-${ID}.scope`,
    ]);
  });

  it('lists every cgroup of a generated 40-pod tree, within bounds when asked', async () => {
    const tree = buildFixtureTree(join(tmp, 'gen'), { version: 'v2', pods: 40, containersPerPod: 1 });
    const root = await detectCgroupRoot(tree.sysFsCgroup);
    const ids = await listCgroups(root);
    assert.deepEqual(ids.map((i) => i.path).sort(), tree.cgroups.map((c) => c.path).sort());
    const byPath = new Map(tree.cgroups.map((c) => [c.path, c]));
    for (const id of ids) {
      const c = byPath.get(id.path);
      assert.equal(id.kind, c?.kind, id.path);
      assert.equal(id.podUid, c?.podUid, id.path);
      assert.equal(id.containerId, c?.containerId, id.path);
    }
    assert.equal((await listCgroups(root, { maxCgroups: 10 })).length, 10);
    assert.deepEqual(summary(await listCgroups(root, { maxDepth: 1 })).slice(0, 2), [
      'root /',
      'kubepods /kubepods.slice',
    ]);
    assert.equal((await listCgroups(root, { maxDepth: 1 })).length, 2);
  });

  it('returns just the root for an empty or missing tree', async () => {
    assert.deepEqual(await listCgroups({ version: 'v1', v1: {} }), [{ path: '/', kind: 'root' }]);
    assert.deepEqual(await listCgroups({ version: 'v2', v2: join(tmp, 'missing'), v1: {} }), [
      { path: '/', kind: 'root' },
    ]);
  });
});
