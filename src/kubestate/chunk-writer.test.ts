import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkWriter } from './chunk-writer.ts';

test('slices come out in order, in full chunks, with nothing lost or repeated', () => {
  const w = new ChunkWriter(7);
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
  const w = new ChunkWriter(4);
  w.put(Buffer.from('abcd'));
  w.put(Buffer.from('ef'));
  const [first] = w.take();
  w.put(Buffer.from('ghij'));
  const rest = w.end();
  assert.equal(first!.toString(), 'abcd');
  assert.equal(Buffer.concat(rest).toString(), 'efghij');
});
