// Decoding with `keepEncoded` (what receivers do): resource groups keep their scope groups as the
// received bytes until something reads them. Checks that forwarding them is lossless, that
// reading or changing them behaves like plain data, and that the model's split/append/clone
// keep whole groups encoded. (fuzz.test.ts checks that malformed input is refused identically.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Signal } from '../../model/common.ts';
import { EncodedGroup, EncodedResourceSpans } from '../../model/encoded-groups.ts';
import { appendData, cloneData, itemCount, takeItems, type SignalData } from '../../model/signal.ts';
import type { TracesData } from '../../model/traces.ts';
import { decodeRequest, encodeRequest } from './index.ts';
import { logsFixture, metricsFixture, realisticTraces, tracesFixture } from './testdata/fixtures.ts';
import { canon, f, msg } from './testdata/pb.ts';

const fixtures: { [S in Signal]: () => SignalData<S> } = {
  traces: tracesFixture,
  metrics: metricsFixture,
  logs: logsFixture,
};

function groupsOf(signal: Signal, data: SignalData): unknown[] {
  const d = data as unknown as Record<string, unknown[]>;
  return d[
    signal === 'traces' ? 'resourceSpans' : signal === 'metrics' ? 'resourceMetrics' : 'resourceLogs'
  ]!;
}

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: kept bytes forward unchanged and count without decoding`, () => {
    const wire = encodeRequest(signal, fixtures[signal]());
    const eager = decodeRequest(signal, wire);
    const kept = decodeRequest(signal, wire, { keepEncoded: true });
    const groups = groupsOf(signal, kept);
    assert.ok(groups.length > 0);
    for (const g of groups) {
      assert.ok(g instanceof EncodedGroup, 'every group keeps its scopes encoded');
      assert.notEqual(g.encodedScopes(), null);
    }
    assert.equal(itemCount(signal, kept), itemCount(signal, eager));
    // Counting did not decode anything.
    for (const g of groups) assert.notEqual((g as EncodedGroup<unknown>).encodedScopes(), null);
    // Our encoder is canonical, so forwarding kept bytes reproduces the request exactly.
    assert.deepEqual(Buffer.from(encodeRequest(signal, kept)), Buffer.from(wire));
    // Reading the scopes gives exactly what the eager decoder gives.
    assert.deepStrictEqual(canon(kept), canon(eager));
    for (const g of groups) assert.equal((g as EncodedGroup<unknown>).encodedScopes(), null);
  });
}

test('changing a read group re-encodes it; changing only the resource keeps the scopes encoded', () => {
  const wire = encodeRequest('traces', realisticTraces(4));
  const kept = decodeRequest('traces', wire, { keepEncoded: true }) as TracesData;
  const [group] = kept.resourceSpans as EncodedResourceSpans[];
  assert.ok(group);

  group.resource.attributes.push({ key: 'k8s.pod.name', value: { stringValue: 'checkout-1' } });
  assert.notEqual(group.encodedScopes(), null, 'the resource is decoded: changing it decodes nothing else');
  let out = decodeRequest('traces', encodeRequest('traces', kept));
  assert.deepEqual(out.resourceSpans[0]!.resource.attributes.at(-1), {
    key: 'k8s.pod.name',
    value: { stringValue: 'checkout-1' },
  });
  assert.equal(out.resourceSpans[0]!.scopeSpans[0]!.spans.length, 4);

  group.scopeSpans[0]!.spans[1]!.name = 'renamed';
  group.scopeSpans[0]!.spans.pop();
  out = decodeRequest('traces', encodeRequest('traces', kept));
  assert.equal(out.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.name, 'renamed');
  assert.equal(itemCount('traces', kept), 3);
  assert.equal(itemCount('traces', out), 3);
});

test('scope groups split by other fields are kept together, in order', () => {
  const scopeGroup = (name: string) =>
    msg(f.len(1, msg(f.len(1, name))), f.len(2, msg(f.len(5, `${name}-span`))));
  const wire = msg(
    f.len(
      1,
      msg(
        f.len(2, scopeGroup('a')),
        f.len(1, msg(f.len(1, msg(f.len(1, 'service.name'), f.len(2, msg(f.len(1, 'x'))))))),
        f.len(3, 'https://schema'),
        f.len(2, scopeGroup('b')),
      ),
    ),
  );
  const eager = decodeRequest('traces', wire);
  const kept = decodeRequest('traces', wire, { keepEncoded: true });
  assert.equal(itemCount('traces', kept), 2);
  const forwarded = decodeRequest('traces', encodeRequest('traces', kept));
  assert.deepStrictEqual(canon(forwarded), canon(eager));
  assert.deepEqual(
    forwarded.resourceSpans[0]!.scopeSpans.map((s) => s.spans[0]!.name),
    ['a-span', 'b-span'],
  );
});

test('takeItems moves whole groups encoded and decodes only a group it must split', () => {
  const request = (n: number) => encodeRequest('traces', realisticTraces(n));
  const kept = decodeRequest('traces', request(2), { keepEncoded: true }) as TracesData;
  for (const n of [3, 4])
    appendData('traces', kept, decodeRequest('traces', request(n), { keepEncoded: true }));
  assert.equal(itemCount('traces', kept), 9);

  const head = takeItems('traces', kept, 5);
  assert.equal(itemCount('traces', head), 5);
  assert.equal(itemCount('traces', kept), 4);
  const [a, b] = head.resourceSpans;
  assert.ok(a instanceof EncodedGroup && a.encodedScopes() !== null, 'a whole group stays encoded');
  assert.ok(b instanceof EncodedGroup && b.encodedScopes() !== null, 'a whole group stays encoded');
  assert.ok(kept.resourceSpans[0] instanceof EncodedGroup, 'untouched groups stay encoded');

  const part = takeItems('traces', kept, 1);
  assert.equal(itemCount('traces', part), 1);
  assert.equal(itemCount('traces', kept), 3);
  const names = (d: TracesData) =>
    decodeRequest('traces', encodeRequest('traces', d)).resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) =>
        s.spans.map((x) => x.attributes.find((kv) => kv.key === 'url.path')!.value),
      ),
    );
  assert.deepEqual(names(part), [{ stringValue: '/api/items/0' }]);
  assert.deepEqual(
    names(kept),
    [1, 2, 3].map((i) => ({ stringValue: `/api/items/${i}` })),
  );
});

test('cloneData shares the bytes but not the resource', () => {
  const kept = decodeRequest('traces', encodeRequest('traces', realisticTraces(2)), {
    keepEncoded: true,
  }) as TracesData;
  const copy = cloneData('traces', kept);
  const [orig] = kept.resourceSpans as EncodedResourceSpans[];
  const [dup] = copy.resourceSpans as EncodedResourceSpans[];
  assert.ok(dup instanceof EncodedResourceSpans);
  assert.equal(dup.encodedScopes(), orig!.encodedScopes());
  dup.resource.attributes.length = 0;
  assert.ok(orig!.resource.attributes.length > 0);
  // Reading the copy's scopes leaves the original encoded.
  dup.scopeSpans[0]!.spans.length = 0;
  assert.notEqual(orig!.encodedScopes(), null);
  assert.equal(itemCount('traces', kept), 2);
  assert.equal(itemCount('traces', copy), 0);
});

test('JSON.stringify of kept data shows the decoded scopes', () => {
  const kept = decodeRequest('logs', encodeRequest('logs', logsFixture()), { keepEncoded: true });
  const json = JSON.parse(JSON.stringify(kept, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  assert.ok(Array.isArray(json.resourceLogs[0].scopeLogs));
});
