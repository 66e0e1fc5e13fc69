import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findContainer, parseImage, podInfo, stripRuntimePrefix } from './pod-info.ts';
import type { KubeObject } from './types.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f8-x2v9q',
    namespace: 'shop',
    uid: 'u1',
    labels: { 'pod-template-hash': '7d9f8', app: 'web' },
    annotations: { a: 'b' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8', uid: 'rs-uid', controller: true },
    ],
  },
  spec: {
    nodeName: 'node-1',
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [{ name: 'app', image: 'registry:5000/shop/web:1.2.3' }],
  },
  status: {
    phase: 'Running',
    podIP: '10.0.0.7',
    podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }],
    startTime: '2026-12-04T10:00:00Z',
    initContainerStatuses: [{ name: 'init', containerID: 'containerd://i1', restartCount: 0 }],
    containerStatuses: [
      {
        name: 'app',
        containerID: 'containerd://c2',
        imageID: 'registry:5000/shop/web@sha256:abc',
        restartCount: 1,
        lastState: { terminated: { containerID: 'containerd://c1' } },
      },
    ],
  },
};

test('podInfo keeps identity, owners, addresses and container instances', () => {
  const p = podInfo(pod);
  assert.equal(p.uid, 'u1');
  assert.equal(p.nodeName, 'node-1');
  assert.deepEqual(p.ips, ['10.0.0.7', 'fd00::7']);
  assert.deepEqual(p.controller, { kind: 'ReplicaSet', name: 'web-7d9f8', uid: 'rs-uid' });
  assert.deepEqual(
    p.workloads.map((w) => `${w.kind}/${w.name}`),
    ['ReplicaSet/web-7d9f8', 'Deployment/web'],
  );
  assert.equal(p.hostname, 'web-7d9f8-x2v9q');
  assert.equal(p.live, true);
  assert.deepEqual(
    p.containers.map((c) => [c.name, c.instances.map((i) => `${i.id}#${i.restartCount}`)]),
    [
      ['init', ['i1#0']],
      ['app', ['c2#1', 'c1#0']],
    ],
  );
  assert.equal(
    findContainer(p, { id: 'containerd://c1' })?.name,
    'app',
    'a previous instance still finds its container',
  );
  assert.equal(findContainer(p, { name: 'init' })?.name, 'init');
  assert.equal(findContainer(p, { id: 'nope' }), undefined);
});

test('host-network pods have no IP of their own; finished or deleting pods are not live', () => {
  const host = podInfo({ ...pod, spec: { ...(pod.spec as object), hostNetwork: true } });
  assert.deepEqual(host.ips, []);
  assert.equal(podInfo({ ...pod, status: { ...(pod.status as object), phase: 'Succeeded' } }).live, false);
  assert.equal(
    podInfo({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-12-04T10:01:00Z' } }).live,
    false,
  );
  const onlyPodIp = podInfo({ ...pod, status: { podIP: '10.0.0.9' } });
  assert.deepEqual(onlyPodIp.ips, ['10.0.0.9']);
  assert.deepEqual(podInfo({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' } }).containers, []);
});

test('image references split into name and tag', () => {
  assert.deepEqual(parseImage('nginx'), { name: 'nginx', tag: 'latest' });
  assert.deepEqual(parseImage('nginx:1.27'), { name: 'nginx', tag: '1.27' });
  assert.deepEqual(parseImage('registry:5000/shop/web'), { name: 'registry:5000/shop/web', tag: 'latest' });
  assert.deepEqual(parseImage('registry:5000/shop/web:1.2'), { name: 'registry:5000/shop/web', tag: '1.2' });
  assert.deepEqual(parseImage('web@sha256:abc'), { name: 'web', tag: undefined });
  assert.deepEqual(parseImage('web:2@sha256:abc'), { name: 'web', tag: '2' });
  assert.equal(stripRuntimePrefix('docker://x'), 'x');
  assert.equal(stripRuntimePrefix('x'), 'x');
});

test('fuzz: podInfo and findContainer take any object the API could send without throwing', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const values: unknown[] = [
    ...[undefined, null, '', 'x', 0, -1, 1.5, true, [], {}, [{}], ['a'], { ip: 3 }],
    [{ kind: 1, name: 2, controller: true }],
    [{ name: 3, containerID: 4, lastState: { terminated: 5 } }],
    { 'pod-template-hash': 7 },
  ];
  const pick = () => values[Math.floor(rnd() * values.length)];
  const paths: string[][] = [
    ['metadata', 'uid'],
    ['metadata', 'labels'],
    ['metadata', 'annotations'],
    ['metadata', 'ownerReferences'],
    ['metadata', 'deletionTimestamp'],
    ['spec'],
    ['spec', 'containers'],
    ['spec', 'initContainers'],
    ['spec', 'hostNetwork'],
    ['status'],
    ['status', 'podIPs'],
    ['status', 'podIP'],
    ['status', 'containerStatuses'],
    ['status', 'phase'],
  ];
  for (let i = 0; i < 20_000; i++) {
    const o = structuredClone(pod) as unknown as Record<string, Record<string, unknown>>;
    for (let j = 0; j < 1 + Math.floor(rnd() * 4); j++) {
      const path = paths[Math.floor(rnd() * paths.length)]!;
      let at: Record<string, unknown> = o;
      for (const k of path.slice(0, -1)) {
        if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
        at = at[k] as Record<string, unknown>;
      }
      at[path[path.length - 1]!] = pick();
    }
    const p = podInfo(o as unknown as KubeObject);
    findContainer(p, { id: 'containerd://c1', name: 'app' });
    assert.ok(Array.isArray(p.ips) && Array.isArray(p.containers));
  }
});
