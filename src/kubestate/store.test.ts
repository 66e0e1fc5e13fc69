// The exposition cache: bytes per object, family-major output, UTF-8 offsets, unowned objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceByName, selectFamilies } from './catalog.ts';
import { ChunkPool } from '../telemetry/chunk-pool.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { renderObjects, contextFor } from './render.ts';
import { familyText, NOT_OWNED, packFamilies, ResourceMetricsStore } from './store.ts';
import type { KubeResourceObject } from './types.ts';

const def = resourceByName('configmaps')!;
const cm = (
  name: string,
  labels: Record<string, string>,
): KubeResourceObject & { apiVersion: string; kind: string } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'ns',
    labels,
    resourceVersion: '7',
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
});

test('packFamilies keeps each family at its UTF-8 byte offsets', () => {
  const parts = ['a 1\n', '', 'ü="ß" 2\n', 'x 3\n'];
  const o = packFamilies(parts);
  assert.deepEqual(
    parts.map((_, i) => familyText(o, i)),
    parts,
  );
  assert.equal(o.bytes.length, Buffer.byteLength(parts.join('')));
});

test('a scrape is every family header then every owned object, as render prints it', () => {
  const all = { allowLabels: new Map([['*', ['*']]]) };
  const store = new ResourceMetricsStore(
    def,
    selectFamilies(def, {}),
    contextFor('configmaps', all.allowLabels, undefined),
  );
  const objs = [cm('a', { team: 'blue' }), cm('b', { team: 'grün' })];
  // A tiny chunk size forces chunk boundaries inside lines; the bytes must still join up.
  const w = new ChunkWriter(new ChunkPool(16));
  const cached = [objs[0]!, objs[1]!].map((o) => store.serialize(o));
  const chunks = [...store.write([cached[0]!, NOT_OWNED, cached[1]!], 'text', w), ...w.end()];
  const got = Buffer.concat(chunks).toString('utf8');
  assert.equal(got, renderObjects(objs, { ...all, families: {} }).text);
  assert.match(got, /label_team="grün"/);
});

test('no owned objects: nothing at all, not even headers', () => {
  const store = new ResourceMetricsStore(
    def,
    selectFamilies(def, {}),
    contextFor('configmaps', undefined, undefined),
  );
  const w = new ChunkWriter();
  assert.deepEqual([...store.write([NOT_OWNED], 'text', w), ...w.end()], []);
});
