import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { R } from './resources.ts';
import type { ResourceName } from './resources.ts';
import { cpuMilli, bytes } from './quantity.ts';
import { list, smallCluster } from './testdata/cluster.ts';
import type { Json } from './testdata/cluster.ts';

const CATALOG = '/work/shared/conformance/ksm/catalog.json';

test('every resource kube-state-metrics covers by default has objects', () => {
  const catalog = JSON.parse(readFileSync(CATALOG, 'utf8')) as {
    resources: Record<string, { enabledByDefault: boolean }>;
  };
  const wanted = Object.entries(catalog.resources)
    .filter(([, r]) => r.enabledByDefault)
    .map(([name]) => name);
  assert.ok(wanted.length >= 30, 'catalog lists the default resources');
  const { store } = smallCluster();
  const missing: string[] = [];
  for (const name of wanted) {
    const type = R[name as ResourceName];
    if (!type) {
      missing.push(`${name} (no resource type)`);
      continue;
    }
    if (store.list(type.key).length === 0) missing.push(name);
  }
  assert.deepEqual(missing, []);
});

test('nodes look like kubelet registered them', () => {
  const { store } = smallCluster();
  const nodes: Json[] = list(store, 'nodes');
  assert.equal(nodes.length, 6);
  const cp = nodes.filter((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels);
  assert.equal(cp.length, 1);
  assert.deepEqual(cp[0].spec.taints, [
    { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
  ]);
  for (const n of nodes) {
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], n.metadata.name);
    assert.match(n.status.nodeInfo.kubeletVersion, /^v1\.32\.\d+$/);
    assert.match(n.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/1\.7\.\d+$/);
    assert.equal(n.status.daemonEndpoints.kubeletEndpoint.Port, 10250);
    assert.deepEqual(
      n.status.conditions.map((c: Json) => c.type),
      ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'],
    );
    assert.deepEqual(n.status.addresses.map((a: Json) => a.type).sort(), [
      'Hostname',
      'InternalDNS',
      'InternalIP',
    ]);
    for (const k of ['cpu', 'memory', 'pods', 'ephemeral-storage']) {
      assert.ok(n.status.capacity[k] && n.status.allocatable[k], `${k} capacity/allocatable`);
    }
    assert.match(n.spec.podCIDR, /^10\.\d+\.\d+\.0\/24$/);
    assert.match(n.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  const leases: Json[] = list(store, 'leases', 'kube-node-lease');
  assert.equal(leases.length, 6);
});

test('ownerReferences resolve deployment → replicaset → pod', () => {
  const { store } = smallCluster();
  const byUid = new Map<string, Json>();
  for (const r of [
    'deployments',
    'replicasets',
    'statefulsets',
    'daemonsets',
    'jobs',
    'cronjobs',
    'nodes',
    'replicationcontrollers',
  ] as const) {
    for (const o of list(store, r)) byUid.set(o.metadata.uid as string, o);
  }
  let chains = 0;
  for (const pod of list(store, 'pods') as Json[]) {
    const refs = pod.metadata.ownerReferences;
    assert.equal(refs?.length, 1, `${pod.metadata.name} has one owner`);
    const owner = byUid.get(refs[0].uid);
    assert.ok(owner, `${pod.metadata.name}: owner ${refs[0].kind}/${refs[0].name} exists`);
    assert.equal(owner.kind, refs[0].kind);
    assert.equal(owner.metadata.name, refs[0].name);
    assert.equal(refs[0].controller, true);
    if (owner.kind === 'ReplicaSet') {
      assert.equal(pod.metadata.labels['pod-template-hash'], owner.metadata.labels['pod-template-hash']);
      assert.ok(owner.metadata.name.endsWith(`-${owner.metadata.labels['pod-template-hash']}`));
      const dref = owner.metadata.ownerReferences?.[0];
      const dep = dref && byUid.get(dref.uid);
      assert.equal(dep?.kind, 'Deployment', `${owner.metadata.name} is owned by a Deployment`);
      assert.equal(dep.metadata.namespace, pod.metadata.namespace);
      chains++;
    }
    if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') {
      assert.ok(pod.metadata.labels['controller-revision-hash'], 'controller-revision-hash label');
    }
  }
  assert.ok(chains > 50, `many deployment pods (${chains})`);
});

test('pods land on nodes within capacity, with IPs from the node podCIDR', () => {
  const { store } = smallCluster({ pods: 400 });
  const nodes = new Map<string, Json>(list(store, 'nodes').map((n) => [n.metadata.name, n]));
  const used = new Map<string, { cpu: number; mem: number; pods: number }>();
  for (const pod of list(store, 'pods') as Json[]) {
    const st = pod.status;
    if (st.phase !== 'Running' && st.phase !== 'Pending') continue;
    const nodeName = pod.spec.nodeName;
    assert.ok(nodeName, `${pod.metadata.name} is scheduled`);
    const node = nodes.get(nodeName);
    assert.ok(node);
    const u = used.get(nodeName) ?? { cpu: 0, mem: 0, pods: 0 };
    for (const c of pod.spec.containers) {
      const req = c.resources.requests ?? {};
      const lim = c.resources.limits ?? {};
      if (req.cpu ?? lim.cpu) u.cpu += cpuMilli(req.cpu ?? lim.cpu);
      if (req.memory ?? lim.memory) u.mem += bytes(req.memory ?? lim.memory);
    }
    u.pods++;
    used.set(nodeName, u);
    assert.equal(st.hostIP, node.status.addresses.find((a: Json) => a.type === 'InternalIP').address);
    if (!pod.spec.hostNetwork)
      assert.ok(
        st.podIP.startsWith(node.spec.podCIDR.replace('0/24', '')),
        `${st.podIP} in ${node.spec.podCIDR}`,
      );
    assert.match(
      st.containerStatuses[0].containerID ?? 'containerd://' + '0'.repeat(64),
      /^containerd:\/\/[0-9a-f]{64}$/,
    );
    assert.ok(['Guaranteed', 'Burstable', 'BestEffort'].includes(st.qosClass));
  }
  for (const [name, u] of used) {
    const a = nodes.get(name).status.allocatable;
    assert.ok(u.cpu <= cpuMilli(a.cpu), `${name} cpu ${u.cpu} <= ${a.cpu}`);
    assert.ok(u.mem <= bytes(a.memory), `${name} memory`);
    assert.ok(u.pods <= Number(a.pods), `${name} pods`);
  }
  // Control-plane taint keeps app pods away.
  const cp = [...nodes.values()].find((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels);
  for (const pod of list(store, 'pods') as Json[]) {
    if (pod.spec.nodeName === cp.metadata.name)
      assert.ok(
        pod.metadata.namespace === 'kube-system' || pod.metadata.namespace === 'watchingcat',
        pod.metadata.name,
      );
  }
  // QoS classes are all represented.
  const qos = new Set((list(store, 'pods') as Json[]).map((p) => p.status.qosClass));
  assert.deepEqual([...qos].sort(), ['BestEffort', 'Burstable', 'Guaranteed']);
});

test('pods that fit nowhere stay Pending with a FailedScheduling event', () => {
  const { store, engine } = smallCluster();
  const d = engine.deployments[0];
  assert.ok(d);
  d.scale(d.replicas + 2000);
  engine.step(5_000);
  const pending = (list(store, 'pods', d.namespace) as Json[]).filter(
    (p) => p.status.phase === 'Pending' && !p.spec.nodeName,
  );
  assert.ok(pending.length > 0, 'some pods are unschedulable');
  const cond = pending[0].status.conditions.find((c: Json) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'Unschedulable');
  assert.match(cond.message, /^0\/6 nodes are available: .*(Too many pods|Insufficient)/);
  const ev = (list(store, 'events', d.namespace) as Json[]).find(
    (e) => e.reason === 'FailedScheduling' && e.involvedObject.name === pending[0].metadata.name,
  );
  assert.ok(ev);
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.source.component, 'default-scheduler');
  assert.ok(engine.stats().unschedulable > 0);
});
