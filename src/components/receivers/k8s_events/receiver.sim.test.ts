// The k8s_events receiver against the simulator's API server: the record a real event becomes,
// filters, restarts without replay or loss, 410 on resume, a bounded queue under a slow
// pipeline, and exactly-once delivery across a graceful leader failover.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createKubeClient, KubeApiError } from '../../../k8s/client.ts';
import type { KubeClient } from '../../../k8s/client.ts';
import { LeaderElector } from '../../../k8s/leader-election.ts';
import {
  plainConnection,
  seedNamespaces,
  startSim,
  until,
  type SimEnv,
} from '../../../k8s/testdata/sim-env.ts';
import type { KubeObject } from '../../../k8s/types.ts';
import type { AnyValue } from '../../../model/common.ts';
import type { LogRecord, LogsData } from '../../../model/logs.ts';
import type { CreateSettings, Extension, Host, KubernetesAccess } from '../../../pipeline/component.ts';
import { RetryableError } from '../../../pipeline/errors.ts';
import { ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema } from './config.ts';
import { K8sEventsReceiver } from './receiver.ts';

const EVENTS = { group: '', resource: 'events' };
const root = mkdtempSync(join(tmpdir(), 'wc-k8s-events-'));
let dirs = 0;
const fast = { backoff: { initialMs: 20, maxMs: 200 }, watchTimeoutSeconds: 30 };

function settings(
  dataDir: string,
  key = 'k8s_events',
  metrics = new SelfMetrics({ processMetrics: false }),
): CreateSettings {
  const [type, name = ''] = key.split('/');
  return {
    id: { type: type!, name, key },
    kind: 'receiver',
    logger: silentLogger(),
    telemetry: metrics.forComponent('receiver', key),
    dataDir,
  };
}

function hostFor(kube: KubernetesAccess | undefined, extensions: Record<string, Extension> = {}): Host {
  return {
    getExtension: (id) => extensions[id],
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    kubernetes: async () => kube,
  };
}

/** A consumer that records every log record (optionally slow or refusing). */
class Sink {
  records: Array<{ resource: Record<string, unknown>; record: LogRecord }> = [];
  delayMs = 0;
  refuseNext = 0;
  inFlight = 0;
  maxInFlight = 0;
  consume = async (d: LogsData): Promise<void> => {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.refuseNext > 0) {
        this.refuseNext--;
        throw new RetryableError('full', 'queue_full', 10);
      }
      for (const rl of d.resourceLogs) {
        const resource = attrs(rl.resource.attributes);
        for (const sl of rl.scopeLogs)
          for (const record of sl.logRecords) this.records.push({ resource, record });
      }
    } finally {
      this.inFlight--;
    }
  };
  /** Times each event (by name) was seen. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of this.records) {
      const k = `${attrs(r.record.attributes)['k8s.event.name']}#${attrs(r.record.attributes)['k8s.event.count']}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  }
  names(): string[] {
    return this.records.map((r) => String(attrs(r.record.attributes)['k8s.event.name']));
  }
}

function value(v: AnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  return v;
}
function attrs(kvs: Array<{ key: string; value: AnyValue }>): Record<string, unknown> {
  return Object.fromEntries(kvs.map((a) => [a.key, value(a.value)]));
}

let sim: SimEnv;
let access: KubernetesAccess;
let seq = 0;

/** A core/v1 Event as the simulator's kubelet records it (src/sim/engine/events.ts). */
function event(
  ns: string,
  o: { reason?: string; type?: 'Normal' | 'Warning'; message?: string; host?: string; name?: string } = {},
): KubeObject {
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const name = o.name ?? `web-${seq}.${(0x17a0000000000000n + BigInt(seq++)).toString(16)}`;
  return sim.store.create(EVENTS, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: {
      kind: 'Pod',
      namespace: ns,
      name: 'web-7d9f8-x2v9q',
      uid: '0b7f1f2e-8f4c-4b8e-9d51-5f7d7e6f0a11',
      apiVersion: 'v1',
      resourceVersion: '4242',
      fieldPath: 'spec.containers{app}',
    },
    reason: o.reason ?? 'Pulled',
    message: o.message ?? 'Container image "shop:1" already present on machine',
    source: { component: 'kubelet', host: o.host ?? 'node-3' },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type: o.type ?? 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: o.host ?? 'node-3',
  });
}

before(async () => {
  sim = await startSim({ historyLimit: 200 });
  seedNamespaces(sim.store, 'shop', 'ops', 'kube-system');
  const connection = plainConnection(sim.proxy.url);
  access = { connection, client: createKubeClient(connection), clusterName: 'prod-eu', nodeName: undefined };
});
after(async () => {
  access.client.close();
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

function newDir(): string {
  return join(root, `d${dirs++}`);
}

async function started(dataDir: string, cfg: unknown = {}, sink = new Sink(), metrics?: SelfMetrics) {
  const r = new K8sEventsReceiver(
    settings(dataDir, 'k8s_events', metrics),
    configSchema.parse(cfg),
    sink,
    fast,
  );
  await r.start(hostFor(access));
  // Running once the first-start checkpoint (or the resume) is in place and the watch is open.
  await new Promise((res) => setTimeout(res, 150));
  return { r, sink };
}

test('a real event becomes a log record with every attribute of the mapping', async () => {
  event('shop', { name: 'before-start' }); // older than the first start: skipped
  const { r, sink } = await started(newDir());
  try {
    const ev = event('shop', {
      reason: 'BackOff',
      type: 'Warning',
      message: 'Back-off restarting failed container app',
    });
    await until(() => sink.records.length === 1, 'one record');
    const { resource, record } = sink.records[0]!;
    const md = ev.metadata;
    assert.deepEqual(resource, {
      'k8s.object.kind': 'Pod',
      'k8s.object.name': 'web-7d9f8-x2v9q',
      'k8s.object.uid': '0b7f1f2e-8f4c-4b8e-9d51-5f7d7e6f0a11',
      'k8s.object.fieldpath': 'spec.containers{app}',
      'k8s.object.api_version': 'v1',
      'k8s.object.resource_version': '4242',
      'k8s.node.name': 'node-3',
      'k8s.namespace.name': 'shop',
      'k8s.cluster.name': 'prod-eu',
    });
    assert.deepEqual(attrs(record.attributes), {
      'k8s.event.reason': 'BackOff',
      'k8s.event.start_time': md.creationTimestamp,
      'k8s.event.name': md.name,
      'k8s.event.uid': md.uid,
      'k8s.event.count': 1,
    });
    assert.deepEqual(record.body, { stringValue: 'Back-off restarting failed container app' });
    assert.equal(record.severityNumber, 13);
    assert.equal(record.severityText, 'Warning');
    assert.equal(record.timeUnixNano, BigInt(Date.parse(ev.lastTimestamp as string)) * 1_000_000n);
    const observedMs = Number(record.observedTimeUnixNano / 1_000_000n);
    assert.ok(Math.abs(observedMs - Date.now()) < 5000);
    // A repeat (count bump) is a new occurrence: emitted again, with the new count and time.
    sim.store.mutate(EVENTS, 'shop', md.name, (o) => {
      o.count = 2;
      o.lastTimestamp = '2030-01-01T00:00:00Z';
    });
    await until(() => sink.records.length === 2, 'the repeat');
    const again = sink.records[1]!.record;
    assert.equal(attrs(again.attributes)['k8s.event.count'], 2);
    assert.equal(again.timeUnixNano, BigInt(Date.parse('2030-01-01T00:00:00Z')) * 1_000_000n);
    assert.equal(again.severityNumber, 13);
    event('shop', { type: 'Normal' });
    await until(() => sink.records.length === 3, 'a normal one');
    assert.equal(sink.records[2]!.record.severityNumber, 9);
    assert.equal(sink.records[2]!.record.severityText, 'Normal');
    assert.ok(!sink.names().includes('before-start'));
    assert.equal(r.counts.emitted, 3);
  } finally {
    await r.shutdown();
  }
});

test('filters: namespaces, reasons and types, included and excluded', async () => {
  const { r, sink } = await started(newDir(), {
    namespaces: ['shop', 'ops'],
    namespaces_exclude: ['ops'],
    reasons_exclude: ['Pulled'],
    types: ['Warning'],
  });
  try {
    event('shop', { reason: 'BackOff', type: 'Warning', name: 'keep' });
    event('shop', { reason: 'Pulled', type: 'Warning', name: 'reason-out' });
    event('shop', { reason: 'BackOff', type: 'Normal', name: 'type-out' });
    event('ops', { reason: 'BackOff', type: 'Warning', name: 'ns-excluded' });
    event('kube-system', { reason: 'BackOff', type: 'Warning', name: 'ns-not-included' });
    event('shop', { reason: 'Failed', type: 'Warning', name: 'keep-too' });
    await until(() => r.counts.received === 6, 'all six read');
    await until(() => sink.records.length === 2, 'two kept');
    assert.deepEqual(sink.names(), ['keep', 'keep-too']);
    assert.equal(r.counts.filtered, 4);
  } finally {
    await r.shutdown();
  }
  // One namespace: only that namespace is watched.
  const only = await started(newDir(), { namespaces: ['ops'] });
  try {
    event('shop', { name: 'elsewhere' });
    event('ops', { name: 'here' });
    await until(() => only.sink.records.length === 1, 'one');
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(only.sink.names(), ['here']);
    assert.equal(only.r.counts.received, 1, 'the other namespace is not even read');
  } finally {
    await only.r.shutdown();
  }
});

test('start_at: beginning emits the events the server holds on a first start, once; a restart resumes', async () => {
  const before = [event('ops', { name: 'held-1' }), event('ops', { name: 'held-2' })].map(
    (e) => e.metadata.name,
  );
  const dir = newDir();
  const first = await started(dir, { start_at: 'beginning', namespaces: ['ops'] });
  try {
    await until(() => before.every((n) => first.sink.names().includes(n)), 'the held events');
    event('ops', { name: 'after-start' });
    await until(() => first.sink.names().includes('after-start'), 'a new event');
  } finally {
    await first.r.shutdown();
  }
  const counts = new Map<string, number>();
  for (const n of first.sink.names()) counts.set(n, (counts.get(n) ?? 0) + 1);
  assert.ok(
    [...counts.values()].every((c) => c === 1),
    'each once',
  );
  const second = await started(dir, { start_at: 'beginning', namespaces: ['ops'] });
  try {
    event('ops', { name: 'after-restart' });
    await until(() => second.sink.names().includes('after-restart'), 'the restart’s event');
    assert.deepEqual(second.sink.names(), ['after-restart'], 'the checkpoint wins over start_at');
  } finally {
    await second.r.shutdown();
  }
});

test('a restart resumes where it stopped: nothing replayed, nothing that happened meanwhile lost', async () => {
  const dir = newDir();
  const first = await started(dir);
  const e1 = event('shop', { name: 'one' });
  event('shop', { name: 'two' });
  await until(() => first.sink.records.length === 2, 'two records');
  await first.r.shutdown();
  // While stopped: new events and a repeat of an old one.
  event('shop', { name: 'three' });
  sim.store.mutate(EVENTS, 'shop', e1.metadata.name, (o) => void (o.count = 2));
  event('ops', { name: 'four' });
  const second = await started(dir);
  try {
    await until(() => second.sink.records.length === 3, 'three records');
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(second.sink.names().sort(), ['four', 'one', 'three']);
    assert.deepEqual([...second.sink.counts().entries()].sort(), [
      ['four#1', 1],
      ['one#2', 1],
      ['three#1', 1],
    ]);
  } finally {
    await second.r.shutdown();
  }
});

test('410 on resume: relists, emits once what is newer than the checkpoint, counts and warns', async () => {
  const dir = newDir();
  const metrics = new SelfMetrics({ processMetrics: false });
  const first = await started(dir);
  event('shop', { name: 'old' });
  await until(() => first.sink.records.length === 1, 'one');
  await first.r.shutdown();
  // More changes than the server keeps history for (historyLimit 200): the checkpoint expires.
  const meanwhile: string[] = [];
  for (let i = 0; i < 250; i++) {
    const e = event('ops', { name: `meanwhile-${i}` });
    if (i % 2 === 0)
      sim.store.delete(EVENTS, 'ops', e.metadata.name); // expired meanwhile: gone for good
    else meanwhile.push(e.metadata.name);
  }
  const second = await started(dir, {}, new Sink(), metrics);
  try {
    event('shop', { name: 'after' });
    await until(
      () => second.sink.records.length === meanwhile.length + 1,
      `${meanwhile.length + 1} records`,
      10_000,
    );
    await new Promise((res) => setTimeout(res, 200));
    const names = second.sink.names();
    assert.deepEqual([...names].sort(), [...meanwhile, 'after'].sort());
    assert.ok(!names.includes('old'), 'nothing from before the checkpoint');
    assert.equal(second.r.counts.relists, 1);
    const text = await metrics.exposition();
    assert.match(text, /watchingcat_receiver_k8s_events_relists_total\{receiver="k8s_events"\} 1/);
    assert.match(
      text,
      new RegExp(
        `watchingcat_receiver_k8s_events_emitted_total\\{receiver="k8s_events"\\} ${meanwhile.length + 1}`,
      ),
    );
  } finally {
    await second.r.shutdown();
  }
});

test('a relist that fails midway and is retried queues nothing twice', async () => {
  const dir = newDir();
  const first = await started(dir);
  event('shop', { name: 'start' });
  await until(() => first.sink.records.length === 1, 'one');
  await first.r.shutdown();
  const meanwhile: string[] = [];
  for (let i = 0; i < 230; i++) meanwhile.push(event('ops', { name: `paged-${i}` }).metadata.name);
  // The second page of the first relist fails (its continue token expired); the retry starts over.
  let failed = false;
  const real = access.client;
  const flaky: KubeClient = {
    server: real.server,
    get: (p, s) => real.get(p, s),
    create: (p, b, s) => real.create(p, b, s),
    replace: (p, b, s) => real.replace(p, b, s),
    watch: (p, o, e, s) => real.watch(p, o, e, s),
    close: () => {},
    list: async (p, o, s) => {
      if (o?.continue && !failed) {
        failed = true;
        throw new KubeApiError(410, 'Expired', 'continue token expired');
      }
      return real.list(p, o, s);
    },
  };
  const sink = new Sink();
  const r = new K8sEventsReceiver(
    settings(dir),
    configSchema.parse({ queue_size: 40, max_batch_size: 10 }),
    sink,
    fast,
  );
  await r.start(hostFor({ ...access, client: flaky }));
  try {
    await until(() => sink.records.length >= meanwhile.length, `${meanwhile.length} records`, 10_000);
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(failed, 'the relist failed once');
    assert.deepEqual([...sink.names()].sort(), [...meanwhile].sort());
    assert.equal(r.counts.relists, 2);
  } finally {
    await r.shutdown();
  }
});

test('a slow pipeline: one batch in flight, a bounded queue, refusals retried, nothing lost or repeated', async () => {
  const sink = new Sink();
  sink.delayMs = 15;
  sink.refuseNext = 3;
  const { r } = await started(newDir(), { queue_size: 20, max_batch_size: 5 }, sink);
  try {
    const names: string[] = [];
    for (let i = 0; i < 150; i++) names.push(event('shop', { name: `burst-${i}` }).metadata.name);
    let maxQueued = 0;
    const probe = setInterval(() => {
      maxQueued = Math.max(
        maxQueued,
        (r as unknown as { session?: { queued: number } }).session?.queued ?? 0,
      );
    }, 1);
    try {
      await until(() => sink.records.length >= 150, '150 records', 20_000);
    } finally {
      clearInterval(probe);
    }
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(sink.names(), names, 'each once, in order');
    assert.equal(sink.maxInFlight, 1);
    assert.ok(maxQueued <= 20, `queued at most queue_size (saw ${maxQueued})`);
    assert.ok(r.counts.pauses > 0, 'the watch paused');
  } finally {
    await r.shutdown();
  }
});

test('graceful leader failover: each event is emitted exactly once across the two replicas', async () => {
  const sink = new Sink(); // one sink: what the backend would receive from both replicas
  const replicas = ['a', 'b'].map((identity) => {
    const elector = new LeaderElector({
      client: access.client,
      namespace: 'ops',
      name: 'events-ha',
      identity,
      leaseDurationMs: 1000,
      renewDeadlineMs: 600,
      retryPeriodMs: 100,
    });
    const ext: Extension = {
      leaderElection: elector,
      start: async () => elector.start(),
      shutdown: () => elector.stop({ release: true }),
    };
    const r = new K8sEventsReceiver(
      settings(newDir()),
      configSchema.parse({ k8s_leader_elector: 'k8s_leader_elector', max_batch_size: 3 }),
      sink,
      fast,
    );
    return { ext, r, host: hostFor(access, { k8s_leader_elector: ext }) };
  });
  const a = replicas[0]!;
  const b = replicas[1]!;
  await a.ext.start(a.host);
  await a.r.start(a.host);
  await until(() => a.ext.leaderElection!.isLeader(), 'a leads');
  await b.ext.start(b.host);
  await b.r.start(b.host);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(b.ext.leaderElection!.isLeader(), false);
  // Events keep coming while the leader changes.
  const created: string[] = [];
  let stop = false;
  const producer = (async () => {
    for (let i = 0; !stop; i++) {
      created.push(event('shop', { name: `ha-${i}` }).metadata.name);
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  await until(() => sink.records.length >= 30, '30 records via a', 5000);
  // SIGTERM on a: the receiver stops (finishing and checkpointing its batch), then the Lease is released.
  await a.r.shutdown();
  await a.ext.shutdown();
  await until(() => b.ext.leaderElection!.isLeader(), 'b leads', 3000);
  const atFailover = created.length;
  await until(() => sink.records.length >= atFailover + 30, '30 more records via b', 10_000);
  stop = true;
  await producer;
  await until(() => sink.records.length === created.length, 'every event', 10_000);
  await new Promise((res) => setTimeout(res, 300));
  const counts = sink.counts();
  const repeated = [...counts].filter(([, n]) => n !== 1);
  assert.deepEqual(repeated, [], 'no event twice');
  assert.deepEqual([...sink.names()].sort(), [...created].sort(), 'no event lost');
  // The new leader continued from the checkpoint the old one left on the Lease.
  assert.match(
    String(
      sim.store
        .list({ group: 'coordination.k8s.io', resource: 'leases' })
        .find((l) => l.metadata.name === 'events-ha')?.metadata.annotations?.[
        'watchingcat.io/k8s-events-checkpoint'
      ],
    ),
    /"resourceVersion":"\d+"/,
  );
  await b.r.shutdown();
  await b.ext.shutdown();
});

test('without Kubernetes it says so and collects nothing', async () => {
  const r = new K8sEventsReceiver(settings(newDir()), configSchema.parse({}), new Sink());
  await r.start(hostFor(undefined));
  await r.shutdown();
});
