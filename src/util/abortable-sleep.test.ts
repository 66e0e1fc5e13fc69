import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abortableSleep } from './abortable-sleep.ts';

test('abortableSleep: the full wait, an abort mid-way, an already aborted signal', async () => {
  const t0 = Date.now();
  assert.equal(await abortableSleep(30, new AbortController().signal), true);
  assert.ok(Date.now() - t0 >= 25);
  const ac = new AbortController();
  const t1 = Date.now();
  setTimeout(() => ac.abort(), 10);
  assert.equal(await abortableSleep(10_000, ac.signal), false);
  assert.ok(Date.now() - t1 < 5_000, 'ended by the abort');
  assert.equal(await abortableSleep(10_000, ac.signal), false);
});
