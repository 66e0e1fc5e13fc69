import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSideBySide, withinBracket } from './compare.ts';
import { parseExposition } from './exposition-parse.ts';

const expo = (lines: string[]) => parseExposition(lines.join('\n') + '\n');

const BEFORE = expo([
  '# HELP node_c_total C.',
  '# TYPE node_c_total counter',
  'node_c_total{device="a"} 10',
  'node_c_total{device="b"} 5',
  '# HELP node_g G.',
  '# TYPE node_g gauge',
  'node_g 100',
  '# HELP node_static S.',
  '# TYPE node_static gauge',
  'node_static 42',
]);
const AFTER = expo([
  '# HELP node_c_total C.',
  '# TYPE node_c_total counter',
  'node_c_total{device="a"} 20',
  'node_c_total{device="b"} 5',
  '# HELP node_g G.',
  '# TYPE node_g gauge',
  'node_g 90',
  '# HELP node_static S.',
  '# TYPE node_static gauge',
  'node_static 42',
]);

test('values inside the bracket pass; outside, or a static value that differs, fail', () => {
  const ok = expo([
    '# HELP node_c_total C.',
    '# TYPE node_c_total counter',
    'node_c_total{device="a"} 15',
    'node_c_total{device="b"} 5',
    '# HELP node_g G.',
    '# TYPE node_g gauge',
    'node_g 80',
    '# HELP node_static S.',
    '# TYPE node_static gauge',
    'node_static 42',
  ]);
  const rules = [{ family: /^node_g$/, tolerance: { abs: 10 }, why: 'moves' }];
  assert.deepEqual(compareSideBySide(BEFORE, ok, AFTER, { rules }).differences, []);

  const bad = expo([
    '# HELP node_c_total C.',
    '# TYPE node_c_total counter',
    'node_c_total{device="a"} 21',
    'node_c_total{device="b"} 5',
    '# HELP node_g G.',
    '# TYPE node_g gauge',
    'node_g 79',
    '# HELP node_static S.',
    '# TYPE node_static gauge',
    'node_static 42.000001',
  ]);
  const d = compareSideBySide(BEFORE, bad, AFTER, { rules }).differences;
  assert.deepEqual(
    d.map((x) => `${x.family} ${x.kind}`),
    ['node_c_total value', 'node_g value', 'node_static value'],
  );
});

test('missing and extra series, families, types and help are reported', () => {
  const ours = expo([
    '# HELP node_c_total Other help.',
    '# TYPE node_c_total gauge',
    'node_c_total{device="a"} 15',
    'node_c_total{device="z"} 1',
    '# HELP node_mine M.',
    '# TYPE node_mine gauge',
    'node_mine 1',
  ]);
  const d = compareSideBySide(BEFORE, ours, AFTER, { rules: [] }).differences;
  assert.deepEqual(d.map((x) => `${x.family} ${x.kind}`).sort(), [
    'node_c_total help',
    'node_c_total series',
    'node_c_total series',
    'node_c_total type',
    'node_g only-theirs',
    'node_mine only-ours',
    'node_static only-theirs',
  ]);
  assert.deepEqual(
    d.filter((x) => x.kind === 'series').map((x) => x.detail),
    ['missing node_c_total{device="b"}', 'extra node_c_total{device="z"}'],
  );
});

test('series written in another order are reported', () => {
  const ours = expo([
    '# HELP node_c_total C.',
    '# TYPE node_c_total counter',
    'node_c_total{device="b"} 5',
    'node_c_total{device="a"} 15',
  ]);
  const d = compareSideBySide(BEFORE, ours, AFTER, {
    rules: [],
    include: (n) => n === 'node_c_total',
  }).differences;
  assert.deepEqual(
    d.map((x) => `${x.kind} ${x.detail}`),
    ['order ours has node_c_total{device="b"} where theirs has node_c_total{device="a"}'],
  );
});

test('include limits the comparison; ignoreValue skips values but not series', () => {
  const ours = expo(['# HELP node_g G.', '# TYPE node_g gauge', 'node_g 1e9']);
  const r = compareSideBySide(BEFORE, ours, AFTER, {
    rules: [{ family: /^node_g$/, tolerance: { ignoreValue: true }, why: 'timing' }],
    include: (n) => n === 'node_g',
  });
  assert.deepEqual(r.compared, ['node_g']);
  assert.deepEqual(r.differences, []);
});

test('withinBracket: NaN equals NaN, infinities only themselves, rel scales with the values', () => {
  assert.ok(withinBracket(NaN, NaN, 1, {}));
  assert.ok(!withinBracket(NaN, 0, 1, { abs: 1e9 }));
  assert.ok(withinBracket(Infinity, Infinity, Infinity, {}));
  assert.ok(!withinBracket(1e308, Infinity, Infinity, { rel: 1 }));
  assert.ok(withinBracket(1010, 1000, 1000, { rel: 0.01 }));
  assert.ok(!withinBracket(1011, 1000, 1000, { rel: 0.01 }));
});
