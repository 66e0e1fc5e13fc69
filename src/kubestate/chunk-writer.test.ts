import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkPool } from '../telemetry/chunk-pool.ts';
import { ChunkWriter } from './chunk-writer.ts';

test('slices come out in order, in full chunks, with nothing lost or repeated', () => {
  const w = new ChunkWriter(new ChunkPool(7));
  const src = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  w.put(src, 0, 3);
  w.put(src, 3, 3); // empty
  assert.deepEqual(w.take(), []);
  w.put(src, 3, 20);
  const taken = w.take();
  assert.deepEqual(
    taken.map((b) => b.length),
    [7, 7],
  );
  w.put(Buffer.from('!'));
  const rest = w.end();
  assert.equal(Buffer.concat([...taken, ...rest]).toString(), 'abcdefghijklmnopqrst!');
  assert.deepEqual(w.end(), [], 'empty after end');
});

test('a chunk handed out is not overwritten by later writes', () => {
  const w = new ChunkWriter(new ChunkPool(4));
  w.put(Buffer.from('abcd'));
  w.put(Buffer.from('ef'));
  const [first] = w.take();
  w.put(Buffer.from('ghij'));
  const rest = w.end();
  assert.equal(first!.toString(), 'abcd');
  assert.equal(Buffer.concat(rest).toString(), 'efghij');
});

test('chunks given back are reused, and a chunk in flight is never written to', () => {
  const pool = new ChunkPool(4);
  const w = new ChunkWriter(pool);
  w.put(Buffer.from('abcdefghi'));
  const [first, second] = w.take();
  assert.equal(first!.toString(), 'abcd');
  pool.give(first!);
  w.put(Buffer.from('jklm')); // fills 'ijkl', then 'm' goes into the reused `first`
  const rest = w.end();
  assert.equal(second!.toString(), 'efgh', 'not given back, so untouched');
  assert.deepEqual(
    rest.map((b) => b.toString()),
    ['ijkl', 'm'],
  );
  assert.equal(rest[1]!.buffer, first!.buffer);
});
