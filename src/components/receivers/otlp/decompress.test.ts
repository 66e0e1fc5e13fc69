import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  BadEncodingError,
  BodyTooLargeError,
  decompress,
  parseContentEncoding,
  SUPPORTED_ENCODINGS,
} from './decompress.ts';

const text = Buffer.from('hello, OTLP '.repeat(100));

test('Content-Encoding values map to what we can undo', () => {
  assert.equal(parseContentEncoding(undefined), 'identity');
  assert.equal(parseContentEncoding(''), 'identity');
  assert.equal(parseContentEncoding('identity'), 'identity');
  assert.equal(parseContentEncoding(' GZIP '), 'gzip');
  assert.equal(parseContentEncoding('deflate'), 'deflate');
  assert.equal(parseContentEncoding('br'), undefined);
  assert.equal(parseContentEncoding('snappy'), undefined);
  assert.equal(parseContentEncoding('gzip, gzip'), undefined);
  if (typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function') {
    assert.equal(parseContentEncoding('zstd'), 'zstd');
    assert.ok(SUPPORTED_ENCODINGS.includes('zstd'));
  }
});

test('gzip, zlib-deflate, raw deflate and zstd bodies round-trip', async () => {
  assert.deepEqual(await decompress('gzip', zlib.gzipSync(text), 1e6), text);
  assert.deepEqual(await decompress('deflate', zlib.deflateSync(text), 1e6), text);
  assert.deepEqual(await decompress('deflate', zlib.deflateRawSync(text), 1e6), text);
  const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
  if (zstd) assert.deepEqual(await decompress('zstd', zstd(text), 1e6), text);
  assert.equal(await decompress('identity', text, 10), text, 'identity is passed through untouched');
});

test('a decompression bomb is stopped at the limit, quickly', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 }); // ~200 KB on the wire
  const t0 = Date.now();
  await assert.rejects(decompress('gzip', bomb, 1024 * 1024), BodyTooLargeError);
  // Inflating all 200 MB takes about a second or more; stopping at 1 MB takes milliseconds.
  assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
  // Exactly at the limit is fine.
  assert.equal((await decompress('gzip', zlib.gzipSync(Buffer.alloc(1000)), 1000)).length, 1000);
  await assert.rejects(decompress('gzip', zlib.gzipSync(Buffer.alloc(1001)), 1000), BodyTooLargeError);
});

test('corrupt compressed data is a BadEncodingError naming the encoding', async () => {
  await assert.rejects(decompress('gzip', Buffer.from('not gzip at all'), 1e6), (e: Error) => {
    assert.ok(e instanceof BadEncodingError);
    assert.match(e.message, /gzip/);
    return true;
  });
  const truncated = zlib.gzipSync(text).subarray(0, 20);
  await assert.rejects(decompress('gzip', truncated, 1e6), BadEncodingError);
  await assert.rejects(decompress('deflate', Buffer.from([1, 2, 3, 4, 5]), 1e6), BadEncodingError);
});
