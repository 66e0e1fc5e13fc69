// The informer over HTTP against the simulator's API server (src/sim/apiserver), with a TCP proxy
// in between to cut connections. Each test checks the informer's store AND a mirror built only
// from its onAdd/onUpdate/onDelete calls against the server's own state.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { KubeObject } from './types.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import { resolveKubeConnection } from './config.ts';
import { createKubeClient } from './client.ts';
import type { KubeClient, ListOptions, ListResult, WatchEvent, WatchOptions } from './client.ts';
import type { KubeConnection } from './config.ts';
import { createInformer } from './informer.ts';
import type { Informer, InformerOptions } from './informer.ts';
import {
  CONFIGMAPS,
  describePods,
  PODS,
  plainConnection,
  pod,
  seedNamespaces,
  serverPods,
  startSim,
  until,
} from './testdata/sim-env.ts';
import type { SimEnv } from './testdata/sim-env.ts';

// A real GC for the memory figure (the flag can be set at run time; `gc` appears in new contexts).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Applies handler calls to a Map and checks each is consistent with what came before. */
class Mirror {
  readonly objects = new Map<string, KubeObject>();
  readonly deletesByUid = new Map<string, number>();
  readonly problems: string[] = [];
  adds = 0;
  updates = 0;
  private key(o: KubeObject): string {
    return `${o.metadata.namespace}/${o.metadata.name}`;
  }
  onAdd = (o: KubeObject): void => {
    this.adds++;
    if (this.objects.has(this.key(o))) this.problems.push(`add of present ${this.key(o)}`);
    this.objects.set(this.key(o), o);
  };
  onUpdate = (prev: KubeObject, o: KubeObject): void => {
    this.updates++;
    const cur = this.objects.get(this.key(o));
    if (cur !== prev) this.problems.push(`update of ${this.key(o)} with a stale old object`);
    if (prev.metadata.uid !== o.metadata.uid) this.problems.push(`update across uids for ${this.key(o)}`);
    this.objects.set(this.key(o), o);
  };
  onDelete = (o: KubeObject): void => {
    const uid = o.metadata.uid!;
    this.deletesByUid.set(uid, (this.deletesByUid.get(uid) ?? 0) + 1);
    const cur = this.objects.get(this.key(o));
    if (!cur) this.problems.push(`delete of absent ${this.key(o)}`);
    else if (cur.metadata.uid !== uid) this.problems.push(`delete of ${this.key(o)} with another uid`);
    this.objects.delete(this.key(o));
  };
}

/** A real client whose list calls are counted (and optionally preceded by a hook). */
class CountingClient implements KubeClient {
  readonly server: string;
  listCalls = 0;
  private readonly real: KubeClient;
  private readonly beforeList: ((opts: ListOptions | undefined) => void) | undefined;
  constructor(conn: KubeConnection, beforeList?: (opts: ListOptions | undefined) => void) {
    this.real = createKubeClient(conn);
    this.server = this.real.server;
    this.beforeList = beforeList;
  }
  get<T>(p: string, s?: AbortSignal): Promise<T> {
    return this.real.get<T>(p, s);
  }
  create<T>(p: string, b: unknown, s?: AbortSignal): Promise<T> {
    return this.real.create<T>(p, b, s);
  }
  replace<T>(p: string, b: unknown, s?: AbortSignal): Promise<T> {
    return this.real.replace<T>(p, b, s);
  }
  list<T>(p: string, o?: ListOptions, s?: AbortSignal): Promise<ListResult<T>> {
    this.listCalls++;
    this.beforeList?.(o);
    return this.real.list<T>(p, o, s);
  }
  watch<T>(p: string, o: WatchOptions, e: (ev: WatchEvent<T>) => void, s?: AbortSignal): Promise<void> {
    return this.real.watch<T>(p, o, e, s);
  }
  close(): void {
    this.real.close();
  }
}

interface Running {
  inf: Informer<KubeObject>;
  mirror: Mirror;
  metrics: SelfMetrics;
  client: CountingClient;
  errors: string[];
  stop(): Promise<void>;
}

/** Starts an informer on pods with a Mirror, metrics and a fast backoff. */
function run(
  conn: KubeConnection,
  opts: Partial<InformerOptions<KubeObject>> = {},
  beforeList?: (opts: ListOptions | undefined) => void,
): Running {
  const client = new CountingClient(conn, beforeList);
  const mirror = new Mirror();
  const metrics = new SelfMetrics({ processMetrics: false });
  const errors: string[] = [];
  const inf = createInformer<KubeObject>({
    client,
    path: '/api/v1/pods',
    name: 'pods',
    metrics,
    backoff: { initialMs: 20, maxMs: 200, healthyAfterMs: 500 },
    onAdd: mirror.onAdd,
    onUpdate: mirror.onUpdate,
    onDelete: mirror.onDelete,
    onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`),
    ...opts,
  });
  inf.start();
  return {
    inf,
    mirror,
    metrics,
    client,
    errors,
    async stop() {
      await inf.stop();
      client.close();
    },
  };
}

function metric(text: string, re: RegExp): number {
  const m = text.match(re);
  return m ? Number(m[1]) : 0;
}

async function converged(sim: SimEnv, r: Running, filter?: (o: KubeObject) => boolean): Promise<void> {
  const want = () => serverPods(sim.store, filter);
  await until(
    () => JSON.stringify(describePods(r.inf.store.list())) === JSON.stringify(want()),
    'the informer store to match the server',
  );
  assert.deepEqual(describePods(r.inf.store.list()), want());
  assert.deepEqual(
    describePods(r.mirror.objects.values()),
    want(),
    'handler calls add up to the server state',
  );
  assert.deepEqual(r.mirror.problems, []);
  for (const [uid, n] of r.mirror.deletesByUid) assert.equal(n, 1, `deletes for uid ${uid}`);
}

describe('informer against the simulator API server', () => {
  let sim: SimEnv;
  before(async () => {
    sim = await startSim({ historyLimit: 60, bookmarkIntervalMs: 100 });
  });
  after(() => sim.close());

  it('10,000 pods: paginated list, lean store, then 10,000 updates through the watch', async (t) => {
    const store = sim.store;
    seedNamespaces(store, 'a', 'b', 'c');
    const nsOf = (i: number) => ['a', 'b', 'c'][i % 3]!;
    for (let i = 0; i < 10_000; i++) store.create(PODS, pod(`p-${i}`, nsOf(i), { app: 'bulk' }));
    interface Lean {
      name: string;
      node: string;
      phase: string;
    }
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    let updates = 0;
    const client = new CountingClient(plainConnection(sim.server.url));
    const inf = createInformer<Lean>({
      client,
      path: '/api/v1/pods',
      name: 'pods',
      labelSelector: 'app=bulk',
      pageSize: 500,
      // The lean form: what pod-metadata enrichment needs, not the whole object.
      transform: (o) => ({
        name: o.metadata.name,
        node: (o.spec as { nodeName: string }).nodeName,
        phase: (o.status as { phase: string }).phase,
      }),
      onUpdate: () => updates++,
    });
    const t0 = performance.now();
    inf.start();
    try {
      await inf.synced;
      const listMs = performance.now() - t0;
      gc();
      const retained = process.memoryUsage().heapUsed - heap0;
      assert.equal(inf.store.size, 10_000);
      assert.equal(client.listCalls, 20, '10,000 / 500 pages');
      assert.deepEqual(inf.store.get('b', 'p-1'), { name: 'p-1', node: 'node-1', phase: 'Running' });
      await until(() => sim.server.watchStats().active === 1, 'the watch to open');

      const t1 = performance.now();
      for (let i = 0; i < 10_000; i++) {
        store.mutate(PODS, nsOf(i), `p-${i}`, (o) => ((o.status as { phase: string }).phase = 'Succeeded'));
      }
      await until(() => updates === 10_000, '10,000 updates', 20_000);
      const watchMs = performance.now() - t1;
      assert.equal(inf.store.get('c', 'p-2')?.phase, 'Succeeded');
      t.diagnostic(
        `10,000 pods: list ${listMs.toFixed(0)} ms, lean store retains ~${(retained / 2 ** 20).toFixed(1)} MiB; ` +
          `10,000 updates (writes + delivery) in ${watchMs.toFixed(0)} ms`,
      );
    } finally {
      await inf.stop();
      client.close();
      for (let i = 0; i < 10_000; i++) store.delete(PODS, nsOf(i), `p-${i}`);
    }
  });

  it('resumes watches across clean server timeouts and cut connections without relisting', async () => {
    const store = sim.store;
    const r = run(plainConnection(sim.proxy.url), { watchTimeoutSeconds: 1 });
    try {
      await r.inf.synced;
      // About 90 writes over 2.2 s, connections cut twice; each gap is far inside the history window (60).
      let n = 0;
      const deadline = Date.now() + 2200;
      while (Date.now() < deadline) {
        const i = n++;
        store.create(PODS, pod(`w-${i}`, 'a'));
        if (i % 3 === 1)
          store.mutate(PODS, 'a', `w-${i - 1}`, (o) => ((o.status as { phase: string }).phase = 'Succeeded'));
        if (i % 4 === 3) store.delete(PODS, 'a', `w-${i - 2}`);
        if (i === 9 || i === 19) sim.proxy.cut(); // then >1 s without cuts: the server's timeout ends one
        await new Promise((res) => setTimeout(res, 40));
      }
      await converged(sim, r);
      const text = await r.metrics.exposition();
      assert.equal(metric(text, /watchingcat_k8s_relists_total\{resource="pods"\} (\d+)/), 0);
      assert.ok(metric(text, /reason="closed"\} (\d+)/) >= 1, 'the server ended watches (timeoutSeconds=1)');
      assert.ok(metric(text, /reason="network"\} (\d+)/) >= 2, `cut watches were restarted:\n${text}`);
      assert.equal(r.client.listCalls, 1);
    } finally {
      await r.stop();
    }
  });

  it('410 after an outage longer than the history: relist gives a correct diff, one delete per object', async () => {
    const store = sim.store;
    for (let i = 0; i < 40; i++) store.create(PODS, pod(`r-${i}`, 'b'));
    const r = run(plainConnection(sim.proxy.url), { pageSize: 7 }); // the relist spans pages
    try {
      await r.inf.synced;
      await converged(sim, r);
      const uidOf = (name: string) => store.get(PODS, 'b', name)!.metadata.uid!;
      const expectDeleted = [...Array(10).keys(), 20, 21, 22, 23, 24].map((i) => uidOf(`r-${i}`)).sort();
      const [adds0, updates0, deletes0] = [r.mirror.adds, r.mirror.updates, r.mirror.deletesByUid.size];
      sim.proxy.down();
      // Far more than historyLimit (60) writes while we cannot see them.
      for (let i = 0; i < 10; i++) store.delete(PODS, 'b', `r-${i}`); // gone
      for (let i = 10; i < 20; i++)
        store.mutate(PODS, 'b', `r-${i}`, (o) => ((o.metadata.labels ??= {}).v = '2'));
      for (let i = 20; i < 25; i++) {
        store.delete(PODS, 'b', `r-${i}`); // recreated: same name, new uid
        store.create(PODS, pod(`r-${i}`, 'b', { gen: '2' }));
      }
      for (let i = 0; i < 60; i++) store.create(PODS, pod(`new-${i}`, 'b'));
      for (let i = 30; i < 60; i++) store.delete(PODS, 'b', `new-${i}`); // created and deleted unseen
      await new Promise((res) => setTimeout(res, 100));
      sim.proxy.up();
      await converged(sim, r);
      const text = await r.metrics.exposition();
      assert.equal(metric(text, /watchingcat_k8s_relists_total\{resource="pods"\} (\d+)/), 1);
      assert.equal(metric(text, /reason="expired"\} (\d+)/), 1);
      // The diff: 10 deleted + 5 recreated objects deleted once each (nothing for the 30 that came
      // and went unseen), 10 updates, 5 re-adds + 30 new adds.
      const deleted = [...r.mirror.deletesByUid.keys()].slice(deletes0).sort();
      assert.deepEqual(deleted, expectDeleted);
      assert.equal(r.mirror.updates - updates0, 10);
      assert.equal(r.mirror.adds - adds0, 35);
      assert.equal(
        r.errors.some((e) => /expired|too old/i.test(e)),
        false,
        '410 is routine, not an error',
      );
    } finally {
      await r.stop();
    }
  });

  it('a continue token that expires mid-list restarts the list from the first page', async () => {
    const store = sim.store;
    seedNamespaces(store, 'cont');
    for (let i = 0; i < 20; i++) store.create(PODS, pod(`c-${i}`, 'cont'));
    const continues: Array<string | undefined> = [];
    let churned = false;
    const beforeList = (o: ListOptions | undefined): void => {
      continues.push(o?.continue);
      if (o?.continue && !churned) {
        // Between page 1 and 2: more writes than the history window (60), plus one real change.
        churned = true;
        for (let i = 0; i < 70; i++)
          store.create(CONFIGMAPS, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `churn-${i}`, namespace: 'cont' },
          });
        store.delete(PODS, 'cont', 'c-0');
      }
    };
    const r = run(
      plainConnection(sim.proxy.url),
      { path: '/api/v1/namespaces/cont/pods', pageSize: 5 },
      beforeList,
    );
    try {
      await r.inf.synced;
      assert.equal(continues[0], undefined);
      assert.ok(continues[1] !== undefined);
      assert.equal(continues[2], undefined, 'the list restarted after the 410');
      assert.equal(continues.length, 2 + 4, '2 calls, then 4 pages of the 19 remaining pods');
      await converged(sim, r, (o) => o.metadata.namespace === 'cont');
      // c-0 was seen on page 1 and deleted before the restart: exactly one delete.
      assert.equal(r.mirror.deletesByUid.size, 1);
      assert.match(await r.metrics.exposition(), /reason="continue_expired"\} 1/);
    } finally {
      await r.stop();
    }
  });

  it('bookmarks advance the resourceVersion so a resume after unrelated churn does not need a relist', async () => {
    const store = sim.store;
    await until(() => sim.server.watchStats().active === 0, 'earlier watches to close');
    const r = run(plainConnection(sim.proxy.url), { fieldSelector: 'metadata.namespace=c' });
    try {
      await r.inf.synced;
      // The churn must come after the watch is open, or the watch itself would start too late.
      await until(() => sim.server.watchStats().active === 1, 'the watch to open');
      const listed = Number(r.inf.lastResourceVersion);
      // 100 writes to another resource: more than the history window (60).
      for (let i = 0; i < 100; i++)
        store.create(CONFIGMAPS, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, namespace: 'c' },
        });
      const now = store.currentResourceVersion();
      await until(
        () => Number(r.inf.lastResourceVersion) === now,
        'a bookmark at the current resourceVersion',
      );
      assert.ok(now - listed >= 100);
      sim.proxy.cut();
      store.create(PODS, pod('after-cut', 'c'));
      await converged(sim, r, (o) => o.metadata.namespace === 'c');
      const text = await r.metrics.exposition();
      assert.equal(metric(text, /watchingcat_k8s_relists_total\{resource="pods"\} (\d+)/), 0);
      assert.ok(metric(text, /type="BOOKMARK"\} (\d+)/) >= 1);
    } finally {
      await r.stop();
    }
  });

  it('label and field selectors; objects moving in and out of the selection are added and deleted', async () => {
    const store = sim.store;
    seedNamespaces(store, 'sel');
    for (let i = 0; i < 30; i++) {
      store.create(PODS, pod(`s-${i}`, 'sel', { app: i % 2 ? 'web' : 'db' }, i % 3 ? 'node-1' : 'node-2'));
    }
    const match = (o: KubeObject) =>
      o.metadata.labels?.app === 'web' &&
      (o.spec as { nodeName?: string }).nodeName === 'node-1' &&
      o.metadata.namespace === 'sel';
    const r = run(plainConnection(sim.proxy.url), {
      path: '/api/v1/namespaces/sel/pods',
      labelSelector: 'app=web',
      fieldSelector: 'spec.nodeName=node-1',
    });
    try {
      await r.inf.synced;
      await converged(sim, r, match);
      assert.equal(r.inf.store.size, 10);
      store.mutate(PODS, 'sel', 's-1', (o) => (o.metadata.labels!.app = 'db')); // leaves
      store.mutate(PODS, 'sel', 's-2', (o) => (o.metadata.labels!.app = 'web')); // joins
      await converged(sim, r, match);
      assert.equal(r.inf.store.get('sel', 's-1'), undefined);
      assert.ok(r.inf.store.get('sel', 's-2'));
    } finally {
      await r.stop();
    }
  });
});

describe('token rotation', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-rotate-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('in-cluster token file rewritten and the server switching tokens: the informer recovers via the 401 re-read', async () => {
    let current = 'token-1';
    const sim = await startSim({ token: () => current });
    fs.writeFileSync(path.join(dir, 'token'), 'token-1\n');
    fs.writeFileSync(path.join(dir, 'namespace'), 'default');
    const { connection, reason } = await resolveKubeConnection({
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountRoot: dir,
      homeDir: dir,
    });
    assert.ok(connection, reason);
    // The simulator speaks plain HTTP; everything but the URL is the in-cluster connection.
    let invalidations = 0;
    const conn: KubeConnection = {
      ...connection,
      server: sim.proxy.url,
      invalidate: () => {
        invalidations++;
        connection.invalidate();
      },
    };
    const r = run(conn);
    try {
      seedNamespaces(sim.store, 'rot');
      sim.store.create(PODS, pod('before', 'rot'));
      await r.inf.synced;
      await converged(sim, r);
      // Rotation: kubelet writes the new token; the server stops accepting the old one.
      fs.writeFileSync(path.join(dir, 'token'), 'token-2\n');
      current = 'token-2';
      sim.proxy.cut(); // the running watch was authorised already; make it reconnect
      sim.store.create(PODS, pod('after', 'rot'));
      await converged(sim, r);
      const text = await r.metrics.exposition();
      assert.equal(invalidations, 1, 'one 401 made the client re-read the token file');
      assert.equal(
        metric(text, /reason="unauthorized"\} (\d+)/),
        0,
        'the 401 was absorbed by the re-read + retry',
      );
      assert.equal(r.client.listCalls, 1);
    } finally {
      await r.stop();
      await sim.close();
    }
  });
});
