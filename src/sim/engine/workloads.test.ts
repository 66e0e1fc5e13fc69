import { test } from 'node:test';
import assert from 'node:assert/strict';
import { list, smallCluster } from './testdata/cluster.ts';
import type { Json } from './testdata/cluster.ts';
import { R } from './resources.ts';

test('daemonsets run one pod per node and report it', () => {
  const { store } = smallCluster();
  const nodes = list(store, 'nodes').length;
  for (const ds of list(store, 'daemonsets') as Json[]) {
    assert.equal(ds.status.desiredNumberScheduled, nodes);
    assert.equal(ds.status.currentNumberScheduled, nodes);
    const pods = (list(store, 'pods', ds.metadata.namespace) as Json[]).filter(
      (p) => p.metadata.ownerReferences[0].uid === ds.metadata.uid,
    );
    assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, nodes, `${ds.metadata.name}: one per node`);
    const ready = pods.filter(
      (p) => p.status.conditions.find((c: Json) => c.type === 'Ready').status === 'True',
    ).length;
    assert.equal(ds.status.numberReady, ready);
    for (const p of pods) {
      const term =
        p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0];
      assert.deepEqual(term.matchFields[0].values, [p.spec.nodeName]);
    }
  }
});

test('statefulsets have ordered pods with bound claims, volumes and attachments', () => {
  const { store } = smallCluster();
  const sts: Json = store.get(R.statefulsets.key, 'data', 'postgres');
  assert.equal(sts.status.replicas, 3);
  assert.equal(sts.status.currentRevision, sts.status.updateRevision);
  assert.match(sts.status.currentRevision, /^postgres-[a-z0-9]{10}$/);
  const pvs = new Map<string, Json>(list(store, 'persistentvolumes').map((p) => [p.metadata.name, p]));
  const vas = list(store, 'volumeattachments') as Json[];
  for (let i = 0; i < 3; i++) {
    const pod: Json = store.get(R.pods.key, 'data', `postgres-${i}`);
    assert.ok(pod, `postgres-${i}`);
    assert.equal(pod.metadata.labels['controller-revision-hash'], sts.status.currentRevision);
    assert.equal(pod.metadata.labels['statefulset.kubernetes.io/pod-name'], `postgres-${i}`);
    const claim = pod.spec.volumes.find((v: Json) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
    assert.equal(claim, `data-postgres-${i}`);
    const pvc: Json = store.get(R.persistentvolumeclaims.key, 'data', claim);
    assert.equal(pvc.status.phase, 'Bound');
    const pv = pvs.get(pvc.spec.volumeName);
    assert.equal(pv.status.phase, 'Bound');
    assert.equal(pv.spec.claimRef.uid, pvc.metadata.uid);
    assert.equal(pv.spec.storageClassName, 'gp3');
    const va = vas.find((v) => v.spec.source.persistentVolumeName === pv.metadata.name);
    assert.equal(va.spec.nodeName, pod.spec.nodeName);
    assert.equal(va.status.attached, true);
  }
  const sc: Json = store.get(R.storageclasses.key, undefined, 'gp3');
  assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
});

test('a deleted statefulset pod comes back under the same name', () => {
  const { store, engine } = smallCluster();
  const before: Json = store.get(R.pods.key, 'data', 'postgres-1');
  store.delete(R.pods.key, 'data', 'postgres-1');
  engine.step(60_000);
  const after: Json = store.get(R.pods.key, 'data', 'postgres-1');
  assert.ok(after);
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  assert.equal(after.status.phase, 'Running');
});

test('HPAs report moving metrics and scale their deployments', () => {
  const { store, engine } = smallCluster();
  const hpas = list(store, 'horizontalpodautoscalers') as Json[];
  assert.ok(hpas.length > 0);
  const utilisation = new Set<number>();
  for (let i = 0; i < 20; i++) {
    engine.step(60_000);
    for (const h of list(store, 'horizontalpodautoscalers') as Json[])
      utilisation.add(h.status.currentMetrics[0].resource.current.averageUtilization);
  }
  assert.ok(utilisation.size > 5, 'metrics move');
  for (const h of list(store, 'horizontalpodautoscalers') as Json[]) {
    assert.equal(h.apiVersion, 'autoscaling/v2');
    const dep: Json = store.get(R.deployments.key, h.metadata.namespace, h.spec.scaleTargetRef.name);
    assert.equal(h.status.currentReplicas, dep.spec.replicas);
    assert.ok(dep.spec.replicas >= h.spec.minReplicas && dep.spec.replicas <= h.spec.maxReplicas);
    assert.deepEqual(h.status.conditions.map((c: Json) => c.type).sort(), [
      'AbleToScale',
      'ScalingActive',
      'ScalingLimited',
    ]);
  }
});

test('PDB, quota and lease status follow the cluster', () => {
  const { store, engine } = smallCluster();
  engine.step(30_000);
  for (const pdb of list(store, 'poddisruptionbudgets') as Json[]) {
    const s = pdb.status;
    assert.equal(s.disruptionsAllowed, Math.max(0, s.currentHealthy - s.desiredHealthy));
    assert.equal(s.desiredHealthy, pdb.spec.minAvailable);
    assert.ok(s.expectedPods >= s.currentHealthy);
  }
  for (const q of list(store, 'resourcequotas') as Json[]) {
    const running = (list(store, 'pods', q.metadata.namespace) as Json[]).filter(
      (p) => p.status.phase === 'Running' || p.status.phase === 'Pending',
    );
    assert.equal(q.status.used.pods, String(running.length), q.metadata.namespace);
  }
  const lease: Json = list(store, 'leases', 'kube-node-lease')[0];
  assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(Date.parse(lease.spec.renewTime) > engine.now - 11_000, 'renewed within the last 10 s');
});

test('admission policies use the versions a 1.32 cluster serves', () => {
  const { store } = smallCluster();
  assert.equal(list(store, 'validatingadmissionpolicies')[0]?.apiVersion, 'admissionregistration.k8s.io/v1');
  assert.equal(
    list(store, 'validatingadmissionpolicybindings')[0]?.apiVersion,
    'admissionregistration.k8s.io/v1',
  );
  assert.equal(
    list(store, 'mutatingadmissionpolicies')[0]?.apiVersion,
    'admissionregistration.k8s.io/v1alpha1',
  );
  const secrets = new Set(list(store, 'secrets').map((s) => s.type));
  for (const t of ['Opaque', 'kubernetes.io/service-account-token', 'kubernetes.io/dockerconfigjson'])
    assert.ok(secrets.has(t), t);
  const csr: Json = list(store, 'certificatesigningrequests')[0];
  assert.equal(csr.status.conditions[0].type, 'Approved');
  assert.equal(csr.spec.signerName, 'kubernetes.io/kubelet-serving');
});

test('a node whose kubelet stops goes Unknown, gets tainted, and recovers with events', () => {
  const { store, engine } = smallCluster();
  const node = engine.nodes.find((n) => !n.rec.controlPlane);
  assert.ok(node);
  const name = node.rec.name;
  node.flap(90_000);
  engine.step(45_000);
  let o: Json = store.get(R.nodes.key, undefined, name);
  assert.equal(o.status.conditions.find((c: Json) => c.type === 'Ready').status, 'Unknown');
  assert.ok(
    o.spec.taints.some(
      (t: Json) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.timeAdded,
    ),
  );
  assert.equal(o.status.daemonEndpoints.kubeletEndpoint.Port, 10250, 'other status fields kept');
  const onNode = () =>
    (list(store, 'pods') as Json[]).filter((p) => p.spec.nodeName === name && p.status.phase === 'Running');
  const isReady = (p: Json) => p.status.conditions.find((c: Json) => c.type === 'Ready').status === 'True';
  assert.ok(onNode().length > 0);
  assert.deepEqual(onNode().filter(isReady), [], 'node controller marks its pods not ready');
  const notReady = (list(store, 'events', 'default') as Json[]).find(
    (e) => e.reason === 'NodeNotReady' && e.involvedObject.name === name,
  );
  assert.equal(notReady.source.component, 'node-controller');
  engine.step(60_000);
  o = store.get(R.nodes.key, undefined, name);
  assert.equal(o.status.conditions.find((c: Json) => c.type === 'Ready').status, 'True');
  assert.equal(o.spec.taints, undefined);
  assert.ok(
    onNode().filter(isReady).length >= onNode().length - 1,
    'pods are Ready again (one may crash-loop)',
  );
  assert.ok(o.status.images.length > 0, 'kubelet reports its images');
  const ready = (list(store, 'events', 'default') as Json[]).find(
    (e) => e.reason === 'NodeReady' && e.involvedObject.name === name,
  );
  assert.equal(ready.source.host, name);
});
