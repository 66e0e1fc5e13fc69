// Container → pod mapping from a kubelet PodList and the six kubelet labels, per runtime.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { indexPods, labelCgroups, splitContainerId, type LabelInput } from './pods.ts';
import type { CgroupIdentity } from './types.ts';

const podList = JSON.parse(
  readFileSync(new URL('./testdata/podlist.json', import.meta.url), 'utf8'),
) as unknown;
const WEB_UID = '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const APP = '1'.repeat(64);
const SIDECAR = '2'.repeat(64);
const APP_PREV = '3'.repeat(64);
const INIT = '4'.repeat(64);
const SANDBOX = 'f'.repeat(64);
const POD_PATH =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6f8a2c1e_3b4d_4e5f_8a9b_0c1d2e3f4a5b.slice';

function container(id: string, runtime: CgroupIdentity['runtime'] = 'containerd'): CgroupIdentity {
  const scope =
    runtime === 'cri-o'
      ? `crio-${id}.scope`
      : runtime === 'docker'
        ? `docker-${id}.scope`
        : `cri-containerd-${id}.scope`;
  return { path: `${POD_PATH}/${scope}`, kind: 'container', podUid: WEB_UID, containerId: id, runtime };
}

const opts = { sandboxImage: 'registry.k8s.io/pause:3.10' };

test('splitContainerId strips the runtime prefix', () => {
  assert.deepEqual(splitContainerId(`containerd://${APP}`), ['containerd', APP]);
  assert.deepEqual(splitContainerId('cri-o://ABC'), ['cri-o', 'abc']);
  assert.deepEqual(splitContainerId('docker://x'), ['docker', 'x']);
  assert.deepEqual(splitContainerId('other://x'), ['unknown', 'x']);
  assert.equal(splitContainerId(''), undefined);
  assert.equal(splitContainerId('containerd://'), undefined);
  assert.equal(splitContainerId(APP), undefined);
});

test('indexPods: pods by uid, containers by id with status image, init and previous instances', () => {
  const idx = indexPods(podList);
  assert.equal(idx.pods.size, 2);
  assert.deepEqual(idx.pods.get(WEB_UID), { uid: WEB_UID, name: 'web-0', namespace: 'shop' });
  const app = idx.containers.get(APP)!;
  assert.equal(app.name, 'app');
  assert.equal(
    app.image,
    'docker.io/library/nginx:1.27',
    "the status image (the runtime's), not the spec's short name",
  );
  assert.equal(app.attempt, 2);
  assert.equal(idx.containers.get(APP_PREV)?.attempt, 1, 'lastState.terminated is the previous attempt');
  assert.equal(idx.containers.get(INIT)?.name, 'init-db');
  // a status without image falls back to the spec image
  assert.equal(idx.containers.get(SIDECAR)?.image, 'busybox:1.36');
  // a waiting container (no containerID) is not indexed
  assert.equal([...idx.containers.values()].filter((c) => c.name === 'waiting').length, 0);
});

test('indexPods tolerates anything that is not a PodList', () => {
  for (const v of [
    null,
    1,
    'x',
    [],
    {},
    { items: 5 },
    { items: [null, 1, { metadata: {} }, { metadata: { uid: 'u' } }] },
  ]) {
    const idx = indexPods(v);
    assert.equal(idx.containers.size, 0);
  }
});

test('containerd: container rows by status, the unmatched earliest scope is the sandbox', () => {
  const idx = indexPods(podList);
  const inputs: LabelInput[] = [
    { identity: { path: '/', kind: 'root' } },
    { identity: { path: '/kubepods.slice', kind: 'kubepods' } },
    { identity: { path: POD_PATH, kind: 'pod', podUid: WEB_UID } },
    { identity: container(APP), startTimeSeconds: 200 },
    { identity: container(SANDBOX), startTimeSeconds: 100 },
  ];
  const out = labelCgroups(inputs, idx, opts);
  assert.deepEqual(out[0], {
    labels: { container: '', id: '/', image: '', name: '', namespace: '', pod: '' },
    role: 'machine',
  });
  assert.equal(out[1]!.role, 'machine');
  assert.deepEqual(out[2]!.labels, {
    container: '',
    id: POD_PATH,
    image: '',
    name: '',
    namespace: 'shop',
    pod: 'web-0',
  });
  assert.equal(out[2]!.role, 'pod');
  assert.deepEqual(out[3]!.labels, {
    container: 'app',
    id: `${POD_PATH}/cri-containerd-${APP}.scope`,
    image: 'docker.io/library/nginx:1.27',
    name: APP,
    namespace: 'shop',
    pod: 'web-0',
  });
  assert.equal(out[4]!.role, 'sandbox');
  assert.deepEqual(out[4]!.labels, {
    container: '',
    id: `${POD_PATH}/cri-containerd-${SANDBOX}.scope`,
    image: 'registry.k8s.io/pause:3.10',
    name: SANDBOX,
    namespace: 'shop',
    pod: 'web-0',
  });
});

test('two unmatched scopes: the earlier one is the sandbox, the other waits for the pod list', () => {
  const idx = indexPods(podList);
  const newer = 'e'.repeat(64);
  const out = labelCgroups(
    [
      { identity: container(newer), startTimeSeconds: 500 },
      { identity: container(SANDBOX), startTimeSeconds: 100 },
    ],
    idx,
    opts,
  );
  assert.equal(out[0]!.role, 'unmatched');
  assert.deepEqual(out[0]!.labels, {
    container: '',
    id: `${POD_PATH}/cri-containerd-${newer}.scope`,
    image: '',
    name: newer,
    namespace: 'shop',
    pod: 'web-0',
  });
  assert.equal(out[1]!.role, 'sandbox');
});

test('CRI-O and Docker: name is k8s_<container>_<pod>_<ns>_<uid>_<attempt>; the sandbox is "POD"', () => {
  const idx = indexPods(podList);
  for (const runtime of ['cri-o', 'docker'] as const) {
    const out = labelCgroups(
      [
        { identity: container(APP, runtime), startTimeSeconds: 200 },
        { identity: container(SANDBOX, runtime), startTimeSeconds: 100 },
      ],
      idx,
      opts,
    );
    // the status id's scheme is containerd:// in the fixture; the cgroup's runtime decides only
    // for containers the status does not name
    assert.equal(out[0]!.labels.name, APP);
    assert.equal(out[1]!.labels.container, 'POD');
    assert.equal(out[1]!.labels.name, `k8s_POD_web-0_shop_${WEB_UID}_0`);
  }
  const crioList = JSON.parse(JSON.stringify(podList).replaceAll('containerd://', 'cri-o://')) as unknown;
  const out = labelCgroups([{ identity: container(APP, 'cri-o') }], indexPods(crioList), opts);
  assert.equal(out[0]!.labels.name, `k8s_app_web-0_shop_${WEB_UID}_2`);
});

test("cgroupfs driver (bare ids): the sandbox takes the runtime of its pod's containers", () => {
  const dockerList = JSON.parse(JSON.stringify(podList).replaceAll('containerd://', 'docker://')) as unknown;
  const bare = (id: string): CgroupIdentity => ({
    path: `/kubepods/burstable/pod${WEB_UID}/${id}`,
    kind: 'container',
    podUid: WEB_UID,
    containerId: id,
  });
  const out = labelCgroups(
    [
      { identity: bare(APP), startTimeSeconds: 200 },
      { identity: bare(SANDBOX), startTimeSeconds: 100 },
    ],
    indexPods(dockerList),
    opts,
  );
  assert.equal(out[0]!.labels.name, `k8s_app_web-0_shop_${WEB_UID}_2`);
  assert.equal(out[1]!.role, 'sandbox');
  assert.equal(out[1]!.labels.container, 'POD');
  assert.equal(out[1]!.labels.name, `k8s_POD_web-0_shop_${WEB_UID}_0`);
});

test('without a pod list: ids only (containerd name is the id), no sandbox guess', () => {
  const out = labelCgroups(
    [
      { identity: { path: POD_PATH, kind: 'pod', podUid: WEB_UID } },
      { identity: container(APP), startTimeSeconds: 1 },
    ],
    indexPods(undefined),
    opts,
  );
  assert.deepEqual(out[0]!.labels, {
    container: '',
    id: POD_PATH,
    image: '',
    name: '',
    namespace: '',
    pod: '',
  });
  assert.equal(out[1]!.role, 'unmatched');
  assert.equal(out[1]!.labels.name, APP);
  assert.equal(out[1]!.labels.pod, '');
});

test('pod uids match whatever their case', () => {
  const out = labelCgroups(
    [{ identity: { path: POD_PATH, kind: 'pod', podUid: WEB_UID.toUpperCase() } }],
    indexPods(podList),
    opts,
  );
  assert.equal(out[0]!.labels.pod, 'web-0');
});
