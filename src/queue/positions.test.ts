import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from './testdata/prng.ts';
import { PositionSet } from './positions.ts';

test('intervals merge when they touch; a gap stays until filled; reach never crosses a gap', () => {
  const s = new PositionSet();
  s.add({ key: 'f', from: 0, to: 100 });
  s.add({ key: 'f', from: 200, to: 300 }); // [100, 200) refused, sent later
  assert.equal(s.reach('f', 0), 100);
  assert.equal(s.reach('f', 100), 100);
  assert.equal(s.reach('f', 150), 150, 'inside the gap: nothing to skip');
  assert.equal(s.reach('f', 200), 300);
  s.add({ key: 'f', from: 100, to: 200 });
  assert.equal(s.reach('f', 0), 300);
  assert.equal(s.reach('other', 5), 5);
});

test('bounded per key (the lowest intervals go: more re-read, never less) and JSON round trip', () => {
  const s = new PositionSet();
  for (let i = 0; i < 40; i++) s.add({ key: 'k', from: i * 10, to: i * 10 + 5 });
  const ivs = s.entries('k')[0]![1];
  assert.equal(ivs.length, 16);
  assert.equal(ivs[0]![0], 240);
  const back = PositionSet.fromJSON(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(back.entries(), s.entries());
  // Garbage in: skipped, no throw.
  for (const g of [null, 1, 'x', [null], [{ key: 1 }], [{ key: 'a', intervals: [[1, 'x'], 3] }]])
    assert.equal(PositionSet.fromJSON(g).size, 0);
  s.add({ key: 'bad', from: 5, to: 5 });
  s.add({ key: 'bad', from: -1, to: 5 });
  assert.equal(s.entries('bad').length, 0);
});

test('intersect: stored only where every queue has it', () => {
  const a = new PositionSet();
  const b = new PositionSet();
  a.add({ key: 'f', from: 0, to: 100 });
  b.add({ key: 'f', from: 0, to: 60 });
  b.add({ key: 'f', from: 80, to: 120 });
  a.add({ key: 'only-a', from: 0, to: 10 });
  const i = PositionSet.intersect([a, b]);
  assert.equal(i.reach('f', 0), 60);
  assert.equal(i.reach('f', 80), 100);
  assert.equal(i.reach('only-a', 0), 0);
});

test('random adds: reach(at) is covered by what was added, and everything added is reached', () => {
  const rnd = prng(3);
  for (let round = 0; round < 200; round++) {
    const s = new PositionSet();
    const covered = new Uint8Array(200);
    for (let k = 0; k < 6; k++) {
      const from = Math.floor(rnd() * 190);
      const to = from + 1 + Math.floor(rnd() * 10);
      s.add({ key: 'x', from, to });
      covered.fill(1, from, to);
    }
    for (let at = 0; at < 200; at++) {
      const r = s.reach('x', at);
      for (let u = at; u < r; u++) assert.equal(covered[u], 1, `unit ${u} skipped but never added`);
      if (covered[at] && (at === 0 || !covered[at - 1])) {
        let end = at;
        while (end < 200 && covered[end]) end++;
        assert.equal(r, end);
      }
    }
  }
});
