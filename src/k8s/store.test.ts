import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './types.ts';
import { InformerStore } from './store.ts';

function pod(
  name: string,
  rv: number,
  uid = `uid-${name}`,
  ns = 'default',
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid, resourceVersion: String(rv) },
    ...extra,
  };
}

interface Lean {
  key: string;
  rv: string;
  uid: string;
}

function recorder() {
  const log: string[] = [];
  let transforms = 0;
  const store = new InformerStore<Lean>(
    (o) => {
      transforms++;
      return {
        key: `${o.metadata.namespace}/${o.metadata.name}`,
        rv: o.metadata.resourceVersion!,
        uid: o.metadata.uid!,
      };
    },
    {
      onAdd: (o) => log.push(`add ${o.key}@${o.rv}`),
      onUpdate: (a, b) => log.push(`update ${a.key}@${a.rv}->${b.rv}`),
      onDelete: (o) => log.push(`delete ${o.key}@${o.rv}`),
    },
  );
  return { store, log, transforms: () => transforms };
}

describe('InformerStore', () => {
  it('watch events: add, update, unchanged, delete once, uid change = delete + add', () => {
    const { store, log } = recorder();
    store.upsert(pod('a', 1));
    store.upsert(pod('a', 2));
    store.upsert(pod('a', 2)); // same resourceVersion: no notification
    store.upsert(pod('a', 3, 'uid-a2'));
    store.remove(pod('a', 4, 'uid-a2'));
    store.remove(pod('a', 4, 'uid-a2')); // already gone: no second delete
    assert.deepEqual(log, [
      'add default/a@1',
      'update default/a@1->2',
      'delete default/a@2',
      'add default/a@3',
      'delete default/a@4',
    ]);
    assert.equal(store.size, 0);
  });

  it('relist diff: adds, updates, deletes, and leaves unchanged objects alone (no re-transform)', () => {
    const { store, log, transforms } = recorder();
    for (const [n, rv] of [
      ['keep', 1],
      ['change', 2],
      ['gone1', 3],
      ['gone2', 4],
      ['recreated', 5],
    ] as const) {
      store.upsert(pod(n, rv));
    }
    log.length = 0;
    const before = transforms();
    store.beginReplace();
    // page 1
    store.upsert(pod('keep', 1));
    store.upsert(pod('change', 9));
    // page 2
    store.upsert(pod('new', 10));
    store.upsert(pod('recreated', 11, 'uid-other'));
    store.finishReplace();
    assert.deepEqual(log.sort(), [
      'add default/new@10',
      'add default/recreated@11',
      'delete default/gone1@3',
      'delete default/gone2@4',
      'delete default/recreated@5',
      'update default/change@2->9',
    ]);
    assert.equal(transforms() - before, 3, 'the unchanged object is not transformed again');
    assert.deepEqual(
      store
        .list()
        .map((o) => o.key)
        .sort(),
      ['default/change', 'default/keep', 'default/new', 'default/recreated'],
    );
    assert.equal(store.get('default', 'change')?.rv, '9');
    assert.equal(store.get('other', 'change'), undefined);
  });

  it('a relist that is abandoned and restarted deletes each vanished object exactly once', () => {
    const { store, log } = recorder();
    store.upsert(pod('x', 1));
    store.upsert(pod('y', 2));
    log.length = 0;
    store.beginReplace();
    store.upsert(pod('x', 1));
    store.abortReplace(); // e.g. the list failed on page 2
    store.beginReplace();
    store.upsert(pod('x', 1));
    store.finishReplace();
    store.beginReplace();
    store.upsert(pod('x', 1));
    store.finishReplace();
    assert.deepEqual(log, ['delete default/y@2']);
  });

  it('cluster-scoped keys and namespaced keys do not collide', () => {
    const { store } = recorder();
    store.upsert({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', uid: 'u1', resourceVersion: '1' },
    });
    store.upsert(pod('n1', 2, 'u2', 'ns'));
    assert.equal(store.size, 2);
    assert.equal(store.get(undefined, 'n1')?.uid, 'u1');
    assert.equal(store.get('ns', 'n1')?.uid, 'u2');
  });

  it('handler and transform errors are reported and do not corrupt the store', () => {
    const errors: string[] = [];
    const store = new InformerStore<KubeObject>(
      (o) => {
        if (o.metadata.name === 'bad') throw new Error('cannot transform');
        return o;
      },
      {
        onAdd: () => {
          throw new Error('handler failed');
        },
        onError: (_e, where) => errors.push(where),
      },
    );
    store.upsert(pod('ok', 1));
    store.upsert(pod('bad', 2));
    assert.equal(store.size, 1);
    assert.deepEqual(errors, ['onAdd', 'transform default/bad']);
  });
});
