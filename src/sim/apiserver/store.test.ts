import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore, type Change } from './store.ts';
import { SimApiError, type KubeObject } from '../types.ts';

const PODS = { group: '', resource: 'pods' };
const NODES = { group: '', resource: 'nodes' };
const CMS = { group: '', resource: 'configmaps' };

function pod(name: string, ns = 'default', extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [] },
    ...extra,
  };
}

function code(fn: () => unknown): { code: number; reason: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SimApiError, `expected SimApiError, got ${String(e)}`);
    return { code: e.code, reason: e.reason };
  }
  assert.fail('expected an error');
}

test('create assigns uid, resourceVersion, creationTimestamp, generation; one global counter', () => {
  const s = new ObjectStore();
  const a = s.create(PODS, pod('a'));
  const n = s.create(NODES, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', namespace: 'ignored' },
  });
  assert.equal(a.metadata.resourceVersion, '1');
  assert.equal(n.metadata.resourceVersion, '2');
  assert.equal(s.currentResourceVersion(), 2);
  assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.match(a.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(a.metadata.generation, 1);
  assert.equal(n.metadata.generation, undefined, 'no spec, no generation');
  assert.equal(n.metadata.namespace, undefined, 'cluster-scoped objects lose a namespace');
});

test('create: AlreadyExists, generateName, missing name/namespace', () => {
  const s = new ObjectStore();
  s.create(PODS, pod('a'));
  assert.deepEqual(
    code(() => s.create(PODS, pod('a'))),
    { code: 409, reason: 'AlreadyExists' },
  );
  const g = s.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: '', generateName: 'web-', namespace: 'x' },
  });
  assert.match(g.metadata.name, /^web-[a-z0-9]{5}$/);
  assert.deepEqual(
    code(() => s.create(PODS, pod(''))),
    { code: 422, reason: 'Invalid' },
  );
  assert.deepEqual(
    code(() => s.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })),
    { code: 422, reason: 'Invalid' },
  );
  assert.deepEqual(
    code(() => s.create({ group: '', resource: 'nope' }, pod('x'))),
    { code: 404, reason: 'NotFound' },
  );
});

test('update: conflict on stale resourceVersion, generation only on spec change, NotFound', () => {
  const s = new ObjectStore();
  const a = s.create(PODS, pod('a'));
  const copy = s.get(PODS, 'default', 'a')!;
  copy.metadata.labels = { x: 'y' };
  const b = s.update(PODS, copy);
  assert.equal(b.metadata.generation, 1, 'labels do not bump generation');
  assert.equal(b.metadata.uid, a.metadata.uid);
  assert.deepEqual(
    code(() => s.update(PODS, copy)),
    { code: 409, reason: 'Conflict' },
    'rv 1 is stale now',
  );
  const c = s.get(PODS, 'default', 'a')!;
  (c.spec as { containers: unknown[] }).containers.push({ name: 'x' });
  assert.equal(s.update(PODS, c).metadata.generation, 2);
  assert.deepEqual(
    code(() => s.update(PODS, pod('zz'))),
    { code: 404, reason: 'NotFound' },
  );
  // No resourceVersion: unconditional.
  assert.equal(
    s.update(PODS, pod('a', 'default', { status: { phase: 'Running' } })).metadata.resourceVersion,
    '4',
  );
});

test('stored objects are frozen; get returns a private copy; mutate is read-modify-write', () => {
  const s = new ObjectStore();
  s.create(PODS, pod('a'));
  const shared = s.list(PODS)[0]!;
  assert.throws(() => {
    shared.metadata.name = 'evil';
  }, TypeError);
  const mine = s.get(PODS, 'default', 'a')!;
  mine.metadata.name = 'fine';
  assert.equal(s.list(PODS)[0]!.metadata.name, 'a');
  const m = s.mutate(PODS, 'default', 'a', (o) => {
    o.status = { phase: 'Running' };
  });
  assert.deepEqual(m.status, { phase: 'Running' });
  assert.deepEqual(
    code(() => s.mutate(PODS, 'default', 'a', (o) => (o.metadata.name = 'b'))),
    {
      code: 422,
      reason: 'Invalid',
    },
  );
  assert.deepEqual(
    code(() => s.mutate(PODS, 'default', 'nope', () => {})),
    { code: 404, reason: 'NotFound' },
  );
});

test('delete returns the last state with the deletion resourceVersion; subscribers see every write in order', () => {
  const s = new ObjectStore();
  const seen: Change[] = [];
  const off = s.onChange((c) => seen.push(c));
  const plain: string[] = [];
  const off2 = s.subscribe((e) =>
    plain.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
  );
  s.create(PODS, pod('a'));
  s.mutate(PODS, 'default', 'a', (o) => (o.metadata.labels = { v: '2' }));
  const gone = s.delete(PODS, 'default', 'a');
  assert.equal(gone.metadata.resourceVersion, '3');
  assert.deepEqual(gone.metadata.labels, { v: '2' });
  assert.deepEqual(plain, ['ADDED a 1', 'MODIFIED a 2', 'DELETED a 3']);
  assert.equal(seen[1]!.prev!.metadata.resourceVersion, '1');
  assert.equal(seen[2]!.prev!.metadata.resourceVersion, '2');
  assert.equal(s.get(PODS, 'default', 'a'), undefined);
  assert.deepEqual(
    code(() => s.delete(PODS, 'default', 'a')),
    { code: 404, reason: 'NotFound' },
  );
  off();
  off2();
  s.create(PODS, pod('b'));
  assert.equal(plain.length, 3, 'unsubscribed');
});

test('a throwing subscriber does not stop the others', () => {
  const errors: unknown[] = [];
  const s = new ObjectStore({ onSubscriberError: (e) => errors.push(e) });
  let got = 0;
  s.subscribe(() => {
    throw new Error('boom');
  });
  s.subscribe(() => got++);
  s.create(PODS, pod('a'));
  assert.equal(got, 1);
  assert.equal(s.list(PODS).length, 1);
  assert.equal((errors[0] as Error).message, 'boom');
});

test('list: key order, namespace ranges (incl. prefix-sharing names), pagination with remaining counts', () => {
  const s = new ObjectStore();
  for (const ns of ['a', 'a-b', 'b']) for (const n of ['z', 'y', 'x']) s.create(PODS, pod(n, ns));
  assert.deepEqual(
    s.list(PODS).map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ['a-b/x', 'a-b/y', 'a-b/z', 'a/x', 'a/y', 'a/z', 'b/x', 'b/y', 'b/z'],
  );
  assert.deepEqual(
    s.list(PODS, 'a').map((o) => o.metadata.name),
    ['x', 'y', 'z'],
  );
  const p1 = s.listAt(PODS, { limit: 4 });
  assert.equal(p1.items.length, 4);
  assert.equal(p1.continueAfter, 'a/x');
  assert.equal(p1.remainingItemCount, 5);
  const p2 = s.listAt(PODS, { limit: 4, after: p1.continueAfter!, resourceVersion: p1.resourceVersion });
  const p3 = s.listAt(PODS, { limit: 4, after: p2.continueAfter!, resourceVersion: p1.resourceVersion });
  assert.equal(p3.items.length, 1);
  assert.equal(p3.continueAfter, undefined);
  const filtered = s.listAt(PODS, { filter: (o) => o.metadata.name === 'y', limit: 2 });
  assert.deepEqual(
    filtered.items.map((o) => o.metadata.namespace),
    ['a-b', 'a'],
  );
  assert.equal(filtered.remainingItemCount, undefined, 'unknown with a filter');
  assert.ok(filtered.continueAfter);
});

test('listAt an older resourceVersion reconstructs that snapshot', () => {
  const s = new ObjectStore();
  s.create(CMS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'n' },
    data: { v: '1' },
  });
  s.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'n' } });
  const rv = s.currentResourceVersion();
  s.mutate(CMS, 'n', 'a', (o) => (o.data = { v: '2' }));
  s.delete(CMS, 'n', 'b');
  s.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } });
  s.create(PODS, pod('noise'));
  const then = s.listAt(CMS, { resourceVersion: rv });
  assert.equal(then.resourceVersion, rv);
  assert.deepEqual(
    then.items.map((o) => o.metadata.name),
    ['a', 'b'],
  );
  assert.deepEqual(then.items[0]!.data, { v: '1' });
  assert.deepEqual(
    s.list(CMS).map((o) => o.metadata.name),
    ['a', 'c'],
  );
  assert.deepEqual(
    code(() => s.listAt(CMS, { resourceVersion: 999 })),
    { code: 504, reason: 'Timeout' },
  );
});

test('history window: eventsSince and old snapshots expire with 410', () => {
  const s = new ObjectStore({ historyLimit: 5 });
  for (let i = 0; i < 3; i++) s.create(PODS, pod(`p${i}`));
  s.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
  assert.deepEqual(
    s.eventsSince(PODS, 1).map((c) => c.rv),
    [2, 3],
  );
  assert.deepEqual(
    s.eventsSince(PODS, 0).map((c) => c.rv),
    [1, 2, 3],
  );
  for (let i = 3; i < 8; i++) s.create(PODS, pod(`p${i}`));
  // rv now 9, window keeps 5..9: resuming from 4 is fine, from 3 is not.
  assert.equal(s.compactedResourceVersion(), 4);
  assert.deepEqual(
    s.eventsSince(PODS, 4).map((c) => c.rv),
    [5, 6, 7, 8, 9],
  );
  assert.deepEqual(
    code(() => s.eventsSince(PODS, 3)),
    { code: 410, reason: 'Expired' },
  );
  assert.deepEqual(
    code(() => s.listAt(PODS, { resourceVersion: 3 })),
    { code: 410, reason: 'Expired' },
  );
  assert.equal(s.listAt(PODS, { resourceVersion: 4 }).items.length, 3);
});

test('writes that change nothing are no-ops; versions share unchanged parts', () => {
  const s = new ObjectStore();
  let events = 0;
  s.subscribe(() => events++);
  const a = s.create(PODS, pod('a', 'default', { status: { phase: 'Pending' } }));
  const same = s.mutate(PODS, 'default', 'a', () => {});
  assert.equal(same, a, 'no-op returns the stored object');
  assert.equal(s.currentResourceVersion(), 1);
  assert.equal(events, 1);
  const b = s.mutate(PODS, 'default', 'a', (o) => (o.status = { phase: 'Running' }));
  assert.equal(b.metadata.resourceVersion, '2');
  assert.equal(b.spec, a.spec, 'unchanged spec is the same (frozen) object');
  assert.equal(b.metadata.generation, 1);
  assert.notEqual(b.metadata, a.metadata);
  assert.equal(a.metadata.resourceVersion, '1', 'the previous version is untouched');
  assert.equal(a.status && (a.status as { phase: string }).phase, 'Pending');
});

test('events expire after the TTL, checked when events are written', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const s = new ObjectStore({ now: () => new Date(now), eventTtlMs: 3_600_000 });
  const EVENTS = { group: '', resource: 'events' };
  const ev = (name: string, last?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    ...(last && { lastTimestamp: last }),
  });
  s.create(EVENTS, ev('old'));
  s.create(EVENTS, ev('recurring', '2026-01-01T00:50:00Z'));
  now += 61 * 60_000;
  s.create(EVENTS, ev('new'));
  assert.deepEqual(
    s.list(EVENTS).map((e) => e.metadata.name),
    ['new', 'recurring'],
  );
  now += 61 * 60_000;
  assert.equal(s.sweepExpiredEvents(), 2);
  assert.equal(s.list(EVENTS).length, 0);
});
