import assert from 'node:assert/strict';
import { test } from 'node:test';
import { family } from '../metricfamily/family.ts';
import { orderLikeGatherer } from './gather-order.ts';

test('families sort by name, samples by label values in label order (Go byte order for ASCII)', () => {
  const b = family('node_b', 'gauge', 'b');
  b.samples.push(
    {
      labels: [
        ['device', 'sdb'],
        ['x', '1'],
      ],
      value: 1,
    },
    {
      labels: [
        ['device', 'sda'],
        ['x', '2'],
      ],
      value: 2,
    },
    {
      labels: [
        ['device', 'sda'],
        ['x', '10'],
      ],
      value: 3,
    },
  );
  const a6 = family('node_Icmp6_InMsgs', 'untyped', '');
  a6.samples.push({ labels: [], value: 1 });
  const a = family('node_Icmp_InMsgs', 'untyped', '');
  a.samples.push({ labels: [], value: 1 });
  const out = orderLikeGatherer([b, a, a6]);
  // '6' (0x36) sorts before '_' (0x5f), as in node_exporter's output.
  assert.deepEqual(
    out.map((f) => f.name),
    ['node_Icmp6_InMsgs', 'node_Icmp_InMsgs', 'node_b'],
  );
  assert.deepEqual(
    b.samples.map((s) => s.value),
    [3, 2, 1],
  );
});

test('a repeated series is dropped and the first one collected stays', () => {
  const f = family('node_x', 'gauge', 'x');
  f.samples.push(
    { labels: [['m', 'b']], value: 1 },
    { labels: [['m', 'a']], value: 2 },
    { labels: [['m', 'b']], value: 3 },
    { labels: [['m', 'a']], value: 4 },
  );
  orderLikeGatherer([f]);
  assert.deepEqual(f.samples, [
    { labels: [['m', 'a']], value: 2 },
    { labels: [['m', 'b']], value: 1 },
  ]);
});
