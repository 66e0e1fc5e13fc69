import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, LineTooLongError } from './ndjson.ts';

function collect(s: LineSplitter, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const c of chunks) s.push(c, (l) => out.push(l));
  return out;
}

describe('LineSplitter', () => {
  it('splits many lines in one chunk and skips blank lines and \\r', () => {
    const s = new LineSplitter(1024);
    assert.deepEqual(collect(s, [Buffer.from('{"a":1}\n\n{"b":2}\r\n{"c":')]), ['{"a":1}', '{"b":2}']);
    assert.equal(s.pendingBytes, 5);
    assert.deepEqual(collect(s, [Buffer.from('3}\n')]), ['{"c":3}']);
    assert.equal(s.pendingBytes, 0);
    assert.equal(s.finish(), undefined);
  });

  it('reassembles a line split at every byte, including inside multi-byte UTF-8', () => {
    const text = '{"type":"ADDED","object":{"name":"café-ünïcödé-😺"}}\n{"type":"DELETED"}\n';
    const bytes = Buffer.from(text);
    const s = new LineSplitter(1024);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const lines = collect(s, chunks);
    assert.deepEqual(lines, text.trim().split('\n'));
    assert.deepEqual(JSON.parse(lines[0]!), JSON.parse(text.split('\n')[0]!));
  });

  it('random chunking gives the same lines as splitting the whole text', () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 37) }));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length;) {
        const n = 1 + Math.floor(rnd() * 300);
        chunks.push(bytes.subarray(i, i + n));
        i += n;
      }
      assert.deepEqual(collect(new LineSplitter(4096), chunks), lines);
    }
  });

  it('a line over the cap throws, whether it arrives whole or in pieces, and the splitter recovers', () => {
    const s = new LineSplitter(10);
    assert.throws(() => collect(s, [Buffer.from('0123456789A\n')]), LineTooLongError);
    const s2 = new LineSplitter(10);
    collect(s2, [Buffer.from('01234')]);
    assert.throws(() => collect(s2, [Buffer.from('56789AB')]), LineTooLongError);
    assert.equal(s2.pendingBytes, 0, 'nothing is retained after the error');
    // Exactly at the cap is fine.
    assert.deepEqual(collect(new LineSplitter(10), [Buffer.from('0123456789\n')]), ['0123456789']);
  });

  it('finish() returns an unterminated tail', () => {
    const s = new LineSplitter(100);
    collect(s, [Buffer.from('{"a":1}\n{"b"')]);
    assert.equal(s.finish(), '{"b"');
    assert.equal(s.finish(), undefined);
  });

  it('an exception from onLine propagates', () => {
    const s = new LineSplitter(100);
    assert.throws(
      () =>
        s.push(Buffer.from('a\nb\n'), (l) => {
          if (l === 'a') throw new Error('boom');
        }),
      /boom/,
    );
  });
});
