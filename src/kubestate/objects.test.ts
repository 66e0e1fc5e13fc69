import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectFileError, parseObjects } from './objects.ts';

test('single objects, typed Lists, plain Lists, arrays and multi-document YAML', () => {
  const json = JSON.stringify({
    apiVersion: 'v1',
    kind: 'PodList',
    items: [
      { metadata: { name: 'p1', namespace: 'n' } },
      { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p2' } },
    ],
  });
  assert.deepEqual(
    parseObjects(json, 'f').map((o) => [(o as { kind?: string }).kind, o.metadata.name]),
    [
      ['Pod', 'p1'],
      ['Pod', 'p2'],
    ],
  );
  const yaml = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d}
---
# an empty document is fine
---
apiVersion: v1
kind: Node
metadata:
  name: n1
`;
  assert.deepEqual(
    parseObjects(yaml, 'f').map((o) => o.metadata.name),
    ['d', 'n1'],
  );
  assert.equal(parseObjects('[{"kind":"Node","metadata":{"name":"a"}}]', 'f').length, 1);
});

test('bad input is a clear error naming the file and place', () => {
  assert.throws(
    () => parseObjects('{"kind":', 'x.json'),
    (e: Error) => e instanceof ObjectFileError && /x\.json: invalid JSON/.test(e.message),
  );
  assert.throws(() => parseObjects('a: [1', 'y.yaml'), /y\.yaml: invalid YAML/);
  assert.throws(() => parseObjects('metadata: {name: a}', 'z'), /z: the object has no kind/);
  assert.deepEqual(parseObjects('kind: Pod', 'z')[0]!.metadata, { name: '' }, 'no metadata: Go zero values');
  assert.throws(() => parseObjects('kind: Pod\nmetadata: 5', 'z'), /metadata is not a mapping/);
  assert.throws(() => parseObjects('kind: Pod\nmetadata: {name: [1]}', 'z'), /metadata.name is not a string/);
  assert.throws(() => parseObjects('42', 'z'), /expected a Kubernetes object/);
  assert.throws(() => parseObjects('{"kind":"PodList","items":[7]}', 'l'), /l\.items\[0\]/);
});
