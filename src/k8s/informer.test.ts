// The reflector loop against a scripted in-memory KubeClient: exact control over pages, watch
// sessions and failures. The same semantics are exercised over HTTP against the simulator's API
// server in informer.sim.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './types.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import { KubeApiError } from './client.ts';
import type { KubeClient, ListOptions, ListResult, WatchEvent, WatchOptions } from './client.ts';
import { createInformer } from './informer.ts';

const pod = (name: string, rv: number, uid = `uid-${name}`): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid, resourceVersion: String(rv) },
});

type Session = (emit: (e: WatchEvent<KubeObject>) => void, signal: AbortSignal) => Promise<void>;

/** Lists serve `objects` (paged by limit); each watch call runs the next scripted session. */
class FakeClient implements KubeClient {
  readonly server = 'fake://';
  objects: KubeObject[] = [];
  listRv = '10';
  lists: ListOptions[] = [];
  watches: WatchOptions[] = [];
  sessions: Session[] = [];
  failContinueOnce = false;
  onListPage?: (n: number) => void;

  async get<T>(): Promise<T> {
    throw new Error('unused');
  }
  async create<T>(): Promise<T> {
    throw new Error('unused');
  }
  async replace<T>(): Promise<T> {
    throw new Error('unused');
  }
  async list<T>(_path: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.lists.push({ ...opts });
    if (opts.continue && this.failContinueOnce) {
      this.failContinueOnce = false;
      throw new KubeApiError(410, 'Expired', 'continue token expired');
    }
    const start = opts.continue ? Number(opts.continue) : 0;
    const end = opts.limit ? start + opts.limit : this.objects.length;
    this.onListPage?.(this.lists.length);
    const items = this.objects.slice(start, end) as T[];
    return {
      metadata: {
        resourceVersion: this.listRv,
        ...(end < this.objects.length ? { continue: String(end) } : {}),
      },
      items,
    };
  }
  async watch<T>(
    _p: string,
    opts: WatchOptions,
    onEvent: (e: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    this.watches.push({ ...opts });
    const s = this.sessions.shift();
    const emit = onEvent as unknown as (e: WatchEvent<KubeObject>) => void;
    if (s) return s(emit, signal!);
    // No script left: stay open until aborted, like an idle watch.
    signal!.throwIfAborted();
    await new Promise<void>((_r, reject) =>
      signal!.addEventListener('abort', () => reject(signal!.reason), { once: true }),
    );
  }
  close(): void {}
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function recording(
  client: FakeClient,
  extra: Partial<Parameters<typeof createInformer<KubeObject>>[0]> = {},
) {
  const log: string[] = [];
  const metrics = new SelfMetrics({ processMetrics: false });
  const inf = createInformer<KubeObject>({
    client,
    path: '/api/v1/pods',
    name: 'pods',
    pageSize: 2,
    metrics,
    watchTimeoutSeconds: 60,
    backoff: { initialMs: 5, maxMs: 20, healthyAfterMs: 10_000 },
    onAdd: (o) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    onUpdate: (a, b) =>
      log.push(`update ${a.metadata.name}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => log.push(`delete ${o.metadata.name}@${o.metadata.resourceVersion}`),
    ...extra,
  });
  return { inf, log, metrics };
}

describe('informer (scripted client)', () => {
  it('paginated list, then watch from its resourceVersion with bookmarks', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1), pod('b', 2), pod('c', 3), pod('d', 4), pod('e', 5)];
    const { inf, log, metrics } = recording(c);
    inf.start();
    await inf.synced;
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(
      c.lists.map((l) => [l.limit, l.continue]),
      [
        [2, undefined],
        [2, '2'],
        [2, '4'],
      ],
    );
    assert.equal(inf.store.size, 5);
    assert.equal(log.length, 5);
    await until(() => c.watches.length === 1);
    assert.deepEqual(c.watches[0], {
      resourceVersion: '10',
      allowWatchBookmarks: true,
      timeoutSeconds: 60,
      labelSelector: undefined,
      fieldSelector: undefined,
    });
    await inf.stop();
    const text = await metrics.exposition();
    assert.match(text, /watchingcat_k8s_store_objects\{resource="pods"\} 5/);
    assert.match(text, /watchingcat_k8s_list_duration_seconds_count\{resource="pods"\} 1/);
  });

  it('resumes from the last event or bookmark after a clean end and after a dropped connection', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1)];
    c.sessions.push(async (emit) => {
      emit({ type: 'ADDED', object: pod('b', 11) });
      emit({
        type: 'BOOKMARK',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: '', resourceVersion: '15' } },
      });
    });
    c.sessions.push(async (emit) => {
      emit({ type: 'MODIFIED', object: pod('a', 16) });
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    c.sessions.push(async (emit) => {
      emit({ type: 'DELETED', object: pod('b', 17) });
    });
    const { inf, log, metrics } = recording(c);
    inf.start();
    await until(() => c.watches.length === 4);
    assert.deepEqual(
      c.watches.map((w) => w.resourceVersion),
      ['10', '15', '16', '17'],
    );
    assert.equal(c.lists.length, 1, 'no relist');
    assert.deepEqual(log, ['add a@1', 'add b@11', 'update a@1->16', 'delete b@17']);
    assert.equal(inf.lastResourceVersion, '17');
    await inf.stop();
    const text = await metrics.exposition();
    assert.match(text, /watchingcat_k8s_watch_restarts_total\{resource="pods",reason="closed"\} 2/);
    assert.match(text, /watchingcat_k8s_watch_restarts_total\{resource="pods",reason="network"\} 1/);
    assert.match(text, /watchingcat_k8s_watch_events_total\{resource="pods",type="BOOKMARK"\} 1/);
    assert.match(text, /watchingcat_k8s_watch_events_total\{resource="pods",type="MODIFIED"\} 1/);
  });

  it('410 from the watch: relist delivers the diff with exactly one delete per vanished object', async () => {
    const c = new FakeClient();
    c.objects = [pod('keep', 1), pod('change', 2), pod('gone', 3), pod('recreate', 4)];
    c.sessions.push(async () => {
      // While "disconnected", the server changed things; our resourceVersion is too old now.
      c.objects = [pod('keep', 1), pod('change', 20), pod('recreate', 21, 'uid-new'), pod('new', 22)];
      c.listRv = '30';
      throw new KubeApiError(410, 'Expired', 'too old resource version');
    });
    const { inf, log, metrics } = recording(c);
    inf.start();
    await until(() => c.watches.length === 2);
    assert.equal(c.watches[1]!.resourceVersion, '30');
    assert.deepEqual(log.slice(4).sort(), [
      'add new@22',
      'add recreate@21',
      'delete gone@3',
      'delete recreate@4',
      'update change@2->20',
    ]);
    assert.deepEqual(
      inf.store
        .list()
        .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)
        .sort(),
      ['change@20', 'keep@1', 'new@22', 'recreate@21'],
    );
    await inf.stop();
    const text = await metrics.exposition();
    assert.match(text, /watchingcat_k8s_relists_total\{resource="pods"\} 1/);
    assert.match(text, /watchingcat_k8s_watch_restarts_total\{resource="pods",reason="expired"\} 1/);
  });

  it('"too large resource version" (server restored from a backup) relists', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1), pod('b', 2)];
    c.listRv = '500';
    c.sessions.push(async () => {
      // The server went back in time: our resourceVersion is in its future.
      c.objects = [pod('a', 1)];
      c.listRv = '7';
      throw new KubeApiError(504, 'Timeout', 'Too large resource version: 500, current: 7');
    });
    const { inf, log, metrics } = recording(c);
    inf.start();
    await until(() => c.watches.length === 2);
    assert.equal(c.watches[1]!.resourceVersion, '7');
    assert.deepEqual(log, ['add a@1', 'add b@2', 'delete b@2']);
    await inf.stop();
    assert.match(await metrics.exposition(), /reason="too_large_resource_version"\} 1/);
  });

  it('410 on a continue token restarts the list from the first page', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1), pod('b', 2), pod('c', 3)];
    c.failContinueOnce = true;
    const { inf, log, metrics } = recording(c);
    inf.start();
    await inf.synced;
    assert.deepEqual(
      c.lists.map((l) => l.continue),
      [undefined, '2', undefined, '2'],
    );
    assert.deepEqual(
      log,
      ['add a@1', 'add b@2', 'add c@3'],
      'no duplicate adds for the re-listed first page',
    );
    await inf.stop();
    assert.match(await metrics.exposition(), /reason="continue_expired"\} 1/);
  });

  it('failures back off (and are reported); stop() before sync rejects synced', async () => {
    const c = new FakeClient();
    let calls = 0;
    c.list = async () => {
      calls++;
      throw new KubeApiError(403, 'Forbidden', 'pods is forbidden');
    };
    const errors: string[] = [];
    const { inf } = recording(c, { onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`) });
    inf.start();
    await new Promise((r) => setTimeout(r, 120));
    // 5, 10, 20, 20, 20 ms (±20 %): a handful of attempts in 120 ms, not hundreds.
    assert.ok(calls >= 3 && calls <= 12, `list attempts: ${calls}`);
    assert.equal(errors[0], 'pods: list: pods is forbidden');
    await inf.stop();
    await assert.rejects(inf.synced, /stopped before it synced/);
  });

  it('Retry-After from a 429 is a lower bound for the next attempt', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1)];
    const at: number[] = [];
    const realList = c.list.bind(c);
    c.list = async <T>(p: string, o?: ListOptions) => {
      at.push(Date.now());
      if (at.length === 1) throw new KubeApiError(429, 'TooManyRequests', 'slow down', 1);
      return realList<T>(p, o);
    };
    const { inf } = recording(c);
    inf.start();
    await inf.synced;
    await inf.stop();
    assert.equal(at.length, 2);
    assert.ok(at[1]! - at[0]! >= 950, `waited ${at[1]! - at[0]!} ms`);
  });

  it('an event object without a name is reported and skipped; the watch goes on', async () => {
    const c = new FakeClient();
    c.sessions.push(async (emit) => {
      emit({
        type: 'ADDED',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: '', resourceVersion: '11' } },
      });
      emit({ type: 'ADDED', object: pod('b', 12) });
    });
    const errors: string[] = [];
    const { inf, log } = recording(c, { onError: (e) => errors.push((e as Error).message) });
    inf.start();
    await until(() => c.watches.length === 2);
    await inf.stop();
    assert.deepEqual(log, ['add b@12']);
    assert.equal(c.watches[1]!.resourceVersion, '12');
    assert.match(errors[0]!, /without metadata.name/);
  });

  it('a server that ends every watch at once without events is not hammered', async () => {
    const c = new FakeClient();
    c.objects = [pod('a', 1)];
    for (let i = 0; i < 1000; i++) c.sessions.push(async () => {});
    const { inf } = recording(c);
    inf.start();
    await new Promise((r) => setTimeout(r, 120));
    await inf.stop();
    assert.ok(c.watches.length <= 12, `watch attempts: ${c.watches.length}`);
  });
});
