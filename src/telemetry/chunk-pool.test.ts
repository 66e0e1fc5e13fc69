import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkPool } from './chunk-pool.ts';

test('a given-back chunk is reused; foreign, offset and repeated gives are ignored', () => {
  const pool = new ChunkPool(16, 2);
  const a = pool.take();
  pool.give(Buffer.alloc(16)); // not ours
  pool.give(a.subarray(4)); // not from the first byte
  assert.equal(pool.size, 0);
  pool.give(a.subarray(0, 5)); // a view from the start: the whole chunk comes back
  pool.give(a); // twice: ignored, or two writers would share it
  assert.equal(pool.size, 1);
  const b = pool.take();
  assert.equal(b.buffer, a.buffer);
  assert.equal(b.length, 16);
  assert.notEqual(pool.take().buffer, a.buffer, 'in use, so not handed out again');
});

test('at most maxFree chunks are kept', () => {
  const pool = new ChunkPool(8, 2);
  const taken = [pool.take(), pool.take(), pool.take()];
  for (const t of taken) pool.give(t);
  assert.equal(pool.size, 2);
});
