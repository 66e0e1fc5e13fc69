import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { prng, randInt } from '../queue/testdata/prng.ts';
import { parallelGzip } from './parallel-gzip.ts';
import type { ParallelGzipOptions } from './parallel-gzip.ts';

async function encode(parts: Array<string | Uint8Array>, opts?: ParallelGzipOptions): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of parallelGzip(parts, opts)) out.push(b);
  return Buffer.concat(out);
}

test('round trip: empty input, strings, buffers, views into larger buffers', async () => {
  assert.equal(gunzipSync(await encode([])).length, 0);
  const big = Buffer.from('xxhello, wörld\nxx');
  const parts = ['a', Buffer.from('bc'), '', big.subarray(2, big.length - 2), 'é'];
  assert.equal(gunzipSync(await encode(parts)).toString(), 'abchello, wörld\né');
});

test('many blocks in parallel come out in order (random sizes, random block size)', async () => {
  const rnd = prng(7);
  for (let round = 0; round < 20; round++) {
    const parts: Buffer[] = [];
    for (let i = 0; i < 1 + randInt(rnd, 40); i++) {
      const b = Buffer.alloc(randInt(rnd, 5000));
      for (let j = 0; j < b.length; j++) b[j] = 97 + randInt(rnd, 4); // compressible, not constant
      parts.push(b);
    }
    const opts = { blockBytes: 1 + randInt(rnd, 8000), parallelism: 1 + randInt(rnd, 4) };
    const gz = await encode(parts, opts);
    assert.deepEqual(gunzipSync(gz), Buffer.concat(parts), JSON.stringify(opts));
  }
});

test('about as small as one zlib stream at the same level', async () => {
  let text = '';
  for (let i = 0; text.length < 3 << 20; i++)
    text += `kube_pod_info{namespace="ns${i % 40}",pod="p-${i}",uid="${i * 7919}"} 1\n`;
  const ours = await encode([text], { level: 1 });
  const single = gzipSync(text, { level: 1 });
  assert.ok(ours.length < single.length * 1.02, `${ours.length} vs ${single.length}`);
});

test('every byte part is handed back exactly once, and only after it was read', async () => {
  const parts = [Buffer.from('aaaa'), Buffer.from('bb'), 'cc', Buffer.from('dddddddd'), Buffer.from('e')];
  const handed: Uint8Array[] = [];
  const out: Buffer[] = [];
  for await (const b of parallelGzip(parts, {
    blockBytes: 6,
    done: (p) => {
      handed.push(p);
      (p as Buffer).fill(0x21); // scribble: if the encoder still read it, the output would be wrong
    },
  }))
    out.push(b);
  assert.equal(gunzipSync(Buffer.concat(out)).toString(), 'aaaabbccdddddddde');
  assert.deepEqual(handed.map((p) => parts.findIndex((x) => x === p)).sort(), [0, 1, 3, 4]);
});
