import { test } from 'node:test';
import assert from 'node:assert/strict';
import { list, smallCluster } from './testdata/cluster.ts';
import type { Json } from './testdata/cluster.ts';
import { R } from './resources.ts';
import type { ObjectStore } from '../apiserver/store.ts';

function pod(store: ObjectStore, ns: string, name: string): Json {
  return store.get(R.pods.key, ns, name);
}

function events(store: ObjectStore, name: string): Json[] {
  return (list(store, 'events') as Json[]).filter((e) => e.involvedObject.name === name);
}

test('a new pod goes Pending → Scheduled → ContainerCreating → Running → Ready as time steps', () => {
  const { store, engine } = smallCluster();
  const d = engine.deployments.find((x) => !engine.hpaManaged.has(x));
  assert.ok(d);
  const before = new Set(d.current.pods);
  d.scale(d.replicas + 1);
  const p = [...d.current.pods].find((x) => !before.has(x));
  assert.ok(p, 'a pod was created');
  let o = pod(store, p.namespace, p.name);
  assert.equal(o.metadata.generateName, `${d.current.name}-`);

  // Observe the pod every 100 ms of simulated time and record each distinct stage.
  const stage = (x: Json): string => {
    if (!x.spec.nodeName) return 'unscheduled';
    const cs = x.status.containerStatuses?.[0];
    if (!cs) return 'scheduled';
    if (cs.state.waiting?.reason === 'ContainerCreating') return 'creating';
    const ready = x.status.conditions.find((c: Json) => c.type === 'Ready').status === 'True';
    return `${x.status.phase}${ready ? '+ready' : ''}`;
  };
  const seen: string[] = [stage(o)];
  for (let i = 0; i < 400 && seen[seen.length - 1] !== 'Running+ready'; i++) {
    engine.step(100);
    const s = stage(pod(store, p.namespace, p.name));
    if (s !== seen[seen.length - 1]) seen.push(s);
  }
  assert.deepEqual(
    seen.filter((s) => s !== 'scheduled'),
    ['unscheduled', 'creating', 'Running', 'Running+ready'],
  );

  o = pod(store, p.namespace, p.name);
  assert.equal(o.status.conditions.find((c: Json) => c.type === 'PodScheduled').status, 'True');
  assert.ok(o.status.podIP);
  const cs = o.status.containerStatuses[0];
  assert.ok(cs.state.running.startedAt);
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.match(cs.imageID, /@sha256:[0-9a-f]{64}$/);
  assert.deepEqual(
    o.status.conditions.map((c: Json) => c.type),
    ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'],
  );
  assert.ok(o.status.startTime);

  const reasons = events(store, p.name).map((e) => e.reason);
  for (const r of ['Scheduled', 'Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `${r} event`);
  const pulled = events(store, p.name).find((e) => e.reason === 'Pulled');
  if (pulled.message.startsWith('Successfully pulled')) assert.ok(reasons.includes('Pulling'));
  else assert.match(pulled.message, /^Container image ".+" already present on machine$/);
  const started = events(store, p.name).find((e) => e.reason === 'Started');
  assert.equal(started.source.component, 'kubelet');
  assert.equal(started.source.host, o.spec.nodeName);
  assert.equal(started.reportingComponent, 'kubelet');
  assert.equal(started.involvedObject.fieldPath, `spec.containers{${o.spec.containers[0].name}}`);
  assert.equal(started.involvedObject.uid, o.metadata.uid);
  assert.match(started.metadata.name, new RegExp(`^${p.name}\\.[0-9a-f]{16}$`));
  const scheduled = events(store, p.name).find((e) => e.reason === 'Scheduled');
  assert.equal(scheduled.source.component, 'default-scheduler');
  assert.equal(scheduled.message, `Successfully assigned ${p.namespace}/${p.name} to ${o.spec.nodeName}`);
  const rsEvent = events(store, d.current.name).find((e) => e.reason === 'SuccessfulCreate');
  assert.equal(rsEvent.source.component, 'replicaset-controller');

  // Workload status follows its pods (a crash-looping pod may be among them).
  const owned = (list(store, 'pods', d.namespace) as Json[]).filter(
    (x) => x.metadata.ownerReferences[0].uid === d.current.uid,
  );
  const readyPods = owned.filter(
    (x) => x.status.conditions.find((c: Json) => c.type === 'Ready').status === 'True',
  ).length;
  assert.equal(owned.length, d.replicas);
  assert.ok(readyPods >= d.replicas - 1);
  const dep: Json = store.get(R.deployments.key, d.namespace, d.name);
  assert.equal(dep.status.replicas, d.replicas);
  assert.equal(dep.status.readyReplicas ?? 0, readyPods);
  assert.equal(dep.status.availableReplicas ?? 0, readyPods);
  assert.equal(dep.status.updatedReplicas, d.replicas);
  assert.equal(dep.status.observedGeneration, dep.metadata.generation);
  assert.equal(dep.status.conditions.find((c: Json) => c.type === 'Available').status, 'True');
  const rs: Json = store.get(R.replicasets.key, d.namespace, d.current.name);
  assert.equal(rs.spec.replicas, d.replicas);
  assert.equal(rs.status.readyReplicas ?? 0, readyPods);
  assert.equal(rs.status.observedGeneration, rs.metadata.generation);
});

test('crash loops restart with growing back-off and CrashLoopBackOff; OOM kills are reported', () => {
  const { store, engine } = smallCluster({ crashLoopFraction: 0.3, oomFraction: 0 });
  // Record the back-off each crash-looping container reports, per pod.
  const backoffs = new Map<string, string[]>();
  store.subscribe((e) => {
    if (e.key.resource !== 'pods' || e.type !== 'MODIFIED') return;
    const msg: string | undefined = (e.object as Json).status.containerStatuses?.[0]?.state.waiting?.message;
    const m = msg && /^back-off (\S+) /.exec(msg);
    if (!m) return;
    const seq = backoffs.get(e.object.metadata.uid as string) ?? [];
    if (seq[seq.length - 1] !== m[1]) seq.push(m[1] as string);
    backoffs.set(e.object.metadata.uid as string, seq);
  });
  engine.step(20 * 60_000);
  const longest = [...backoffs.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  assert.deepEqual(longest.slice(0, 4), ['10s', '20s', '40s', '1m20s'], 'back-off doubles');
  assert.ok(
    longest.includes('5m0s') && !longest.slice(longest.indexOf('5m0s')).some((x) => x !== '5m0s'),
    `capped at 5m: ${longest.join(',')}`,
  );
  const pods = list(store, 'pods') as Json[];
  const looping = pods.filter((p) =>
    p.status.containerStatuses?.some((c: Json) => c.state.waiting?.reason === 'CrashLoopBackOff'),
  );
  assert.ok(looping.length > 0, 'some pods are in CrashLoopBackOff');
  for (const p of looping) {
    const c = p.status.containerStatuses.find((x: Json) => x.state.waiting?.reason === 'CrashLoopBackOff');
    assert.ok(c.restartCount >= 1);
    assert.equal(c.ready, false);
    assert.equal(c.started, false);
    assert.ok(c.lastState.terminated, 'lastState.terminated');
    assert.equal(typeof c.lastState.terminated.exitCode, 'number');
    assert.ok(c.lastState.terminated.exitCode !== 0);
    assert.match(c.state.waiting.message, /^back-off \d+(m\d+)?s restarting failed container=/);
    assert.equal(p.status.conditions.find((x: Json) => x.type === 'Ready').status, 'False');
  }
  const backoff = (list(store, 'events') as Json[]).filter((e) => e.reason === 'BackOff');
  assert.ok(backoff.length > 0);
  assert.equal(backoff[0].type, 'Warning');
  assert.ok(
    backoff.some((e) => e.count > 1),
    'repeated BackOff events increment count',
  );
  assert.ok(backoff.every((e) => e.lastTimestamp >= e.firstTimestamp));

  // OOM: kill a running container with 137.
  const victim = engine.pods.live.find(
    (p) => p.phase === 'Running' && p.containers[0]?.state === 'running' && p.owner.kind === 'ReplicaSet',
  );
  assert.ok(victim);
  const c0 = victim.containers[0];
  assert.ok(c0);
  const restarts = c0.restartCount;
  engine.pods.crash(victim, c0, 137);
  engine.step(0);
  const o = pod(store, victim.namespace, victim.name);
  const cs = o.status.containerStatuses[0];
  assert.equal(cs.lastState.terminated.reason, 'OOMKilled');
  assert.equal(cs.lastState.terminated.exitCode, 137);
  assert.equal(cs.restartCount, restarts + 1);
  engine.step(60_000);
  assert.equal(
    pod(store, victim.namespace, victim.name).status.containerStatuses[0].state.running !== undefined,
    true,
    'restarted',
  );
});

test('evicted pods are Failed/Evicted and get replaced', () => {
  const { store, engine } = smallCluster();
  const d = engine.deployments.find((x) => !engine.hpaManaged.has(x));
  assert.ok(d);
  engine.step(1_000);
  const victim = [...d.current.pods].find((p) => p.phase === 'Running');
  assert.ok(victim);
  engine.pods.evict(victim);
  engine.step(0);
  const o = pod(store, victim.namespace, victim.name);
  assert.equal(o.status.phase, 'Failed');
  assert.equal(o.status.reason, 'Evicted');
  assert.match(o.status.message, /^The node was low on resource: memory\./);
  assert.equal(
    o.status.conditions.find((c: Json) => c.type === 'DisruptionTarget').reason,
    'TerminationByKubelet',
  );
  const ev = events(store, victim.name).find((e) => e.reason === 'Evicted');
  assert.equal(ev.type, 'Warning');
  const active = (list(store, 'pods', d.namespace) as Json[]).filter(
    (p) =>
      p.metadata.labels['pod-template-hash'] === d.current.name.split('-').pop() &&
      p.status.phase !== 'Failed',
  );
  assert.equal(active.length, d.replicas, 'replacement created');
});

test('rollouts create a new ReplicaSet and converge with ScalingReplicaSet events', () => {
  const { store, engine } = smallCluster({ crashLoopFraction: 0, oomFraction: 0 });
  const d = engine.deployments.find((x) => x.replicas >= 4 && !engine.hpaManaged.has(x));
  assert.ok(d);
  const oldRs = d.current.name;
  d.rollout();
  assert.notEqual(d.current.name, oldRs);
  engine.step(5 * 60_000);
  const rss = (list(store, 'replicasets', d.namespace) as Json[]).filter(
    (r) => r.metadata.ownerReferences?.[0].uid === d.uid,
  );
  assert.equal(rss.length, 2);
  const cur = rss.find((r) => r.metadata.name === d.current.name);
  const old = rss.find((r) => r.metadata.name === oldRs);
  assert.equal(cur.spec.replicas, d.replicas);
  assert.equal(cur.status.readyReplicas, d.replicas);
  assert.equal(old.spec.replicas, 0);
  assert.equal(cur.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  const dep: Json = store.get(R.deployments.key, d.namespace, d.name);
  assert.equal(dep.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  assert.equal(dep.status.updatedReplicas, d.replicas);
  assert.equal(
    dep.status.conditions.find((c: Json) => c.type === 'Progressing').reason,
    'NewReplicaSetAvailable',
  );
  const msgs = events(store, d.name)
    .filter((e) => e.reason === 'ScalingReplicaSet')
    .map((e) => e.message);
  assert.ok(msgs.some((m) => m.startsWith(`Scaled up replica set ${d.current.name} from 0 to`)));
  assert.ok(msgs.some((m) => m.startsWith(`Scaled down replica set ${oldRs} from`) && m.endsWith('to 0')));
  const pods = (list(store, 'pods', d.namespace) as Json[]).filter(
    (p) => p.metadata.ownerReferences?.[0].name === oldRs,
  );
  assert.equal(pods.length, 0, 'old pods are gone');
});

test('endpoint slices list exactly the ready pods of each service', () => {
  const { store, engine } = smallCluster({ churn: 3 });
  engine.step(3 * 60_000);
  const pods = list(store, 'pods') as Json[];
  let checked = 0;
  for (const svc of list(store, 'services') as Json[]) {
    const sel = svc.spec.selector;
    if (!sel) continue;
    const want = pods
      .filter(
        (p) =>
          p.metadata.namespace === svc.metadata.namespace &&
          Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v),
      )
      .filter((p) => p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.status.podIP)
      .sort();
    const slices = (list(store, 'endpointslices', svc.metadata.namespace) as Json[]).filter(
      (s) => s.metadata.labels['kubernetes.io/service-name'] === svc.metadata.name,
    );
    assert.ok(slices.length >= 1, `${svc.metadata.name} has a slice`);
    for (const s of slices) {
      assert.equal(s.apiVersion, 'discovery.k8s.io/v1');
      assert.equal(s.addressType, 'IPv4');
      assert.equal(s.metadata.ownerReferences[0].uid, svc.metadata.uid);
    }
    const got = slices
      .flatMap((s) => s.endpoints)
      .filter((e: Json) => e.conditions.ready)
      .map((e: Json) => e.addresses[0])
      .sort();
    assert.deepEqual(got, want, `${svc.metadata.namespace}/${svc.metadata.name}`);
    checked++;
  }
  assert.ok(checked > 10);
});

test('cronjobs create jobs on schedule; jobs complete or fail with consistent status', () => {
  const { store, engine } = smallCluster();
  engine.step(12 * 60_000);
  const cj: Json = store.get(R.cronjobs.key, 'shop', 'cache-warmer');
  assert.ok(cj.status.lastScheduleTime);
  assert.ok(cj.status.lastSuccessfulTime);
  const jobs = (list(store, 'jobs', 'shop') as Json[]).filter(
    (j) => j.metadata.ownerReferences?.[0].name === 'cache-warmer',
  );
  assert.ok(jobs.length >= 1 && jobs.length <= 4, `history is trimmed (${jobs.length})`);
  for (const j of jobs) {
    assert.match(j.metadata.name, /^cache-warmer-\d+$/);
    const done = j.status.conditions?.find((c: Json) => c.type === 'Complete' || c.type === 'Failed');
    if (done?.type === 'Complete') {
      assert.equal(j.status.succeeded, 1);
      assert.ok(j.status.completionTime >= j.status.startTime);
    } else if (!done) {
      assert.equal(j.status.active, 1);
    }
  }
  const reasons = events(store, 'cache-warmer').map((e) => e.reason);
  assert.ok(reasons.includes('SuccessfulCreate'));
  assert.ok(reasons.includes('SawCompletedJob'));
  const failed: Json = store.get(R.jobs.key, 'payments', 'backfill-orders');
  assert.equal(failed.status.failed, 3);
  assert.equal(
    failed.status.conditions.find((c: Json) => c.type === 'Failed').reason,
    'BackoffLimitExceeded',
  );
});

test('deleting a pod through the API makes its controller replace it', () => {
  const { store, engine } = smallCluster();
  const d = engine.deployments.find((x) => !engine.hpaManaged.has(x));
  assert.ok(d);
  const victim = [...d.current.pods][0];
  assert.ok(victim);
  store.delete(R.pods.key, victim.namespace, victim.name);
  engine.step(30_000);
  const pods = (list(store, 'pods', d.namespace) as Json[]).filter(
    (p) => p.metadata.ownerReferences?.[0].uid === d.current.uid,
  );
  assert.equal(pods.length, d.replicas);
  assert.ok(!pods.some((p) => p.metadata.name === victim.name));
});

test('kubectl scale and rollout restart through the API are picked up by the controller', () => {
  const { store, engine } = smallCluster({ crashLoopFraction: 0, oomFraction: 0 });
  const d = engine.deployments.find((x) => !engine.hpaManaged.has(x) && x.replicas >= 2);
  assert.ok(d);
  const want = d.replicas + 2;
  store.mutate(R.deployments.key, d.namespace, d.name, (o) => {
    (o.spec as Json).replicas = want;
  });
  engine.step(60_000);
  let dep: Json = store.get(R.deployments.key, d.namespace, d.name);
  assert.equal(dep.status.readyReplicas, want);
  assert.equal(dep.status.observedGeneration, dep.metadata.generation);

  const oldRs = d.current.name;
  store.mutate(R.deployments.key, d.namespace, d.name, (o) => {
    const t = (o.spec as Json).template;
    t.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-03-01T12:01:00Z' };
  });
  engine.step(5 * 60_000);
  dep = store.get(R.deployments.key, d.namespace, d.name);
  assert.notEqual(d.current.name, oldRs);
  assert.equal(dep.status.updatedReplicas, want);
  assert.equal(dep.status.readyReplicas, want);
  assert.equal(dep.status.observedGeneration, dep.metadata.generation);
  const pods = (list(store, 'pods', d.namespace) as Json[]).filter(
    (p) => p.metadata.ownerReferences[0].uid === d.current.uid,
  );
  assert.equal(pods.length, want);
  assert.equal(pods[0].metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2026-03-01T12:01:00Z');
});
