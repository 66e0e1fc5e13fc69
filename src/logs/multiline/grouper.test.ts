import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { prng } from '../../queue/testdata/prng.ts';
import { Grouper, type Entry, type GrouperOptions, type Line } from './grouper.ts';

const SEP = '----8<----';

/** A fixture's expected entries: each is one write of the program (one timestamp). */
function fixture(name: string): string[][] {
  const text = readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8').replace(/\n$/, '');
  return text.split(`\n${SEP}\n`).map((e) => e.split('\n'));
}

const opts = (o: Partial<GrouperOptions> = {}): GrouperOptions => ({
  mode: 'auto',
  maxBytes: 1 << 20,
  maxLines: 1000,
  ...o,
});

/** Pushes every line of `writes` (write k at k×100 ms), then flushes; the entries' messages. */
function group(writes: string[][], o?: Partial<GrouperOptions>): { entries: Entry[]; g: Grouper } {
  const g = new Grouper(opts(o));
  const entries: Entry[] = [];
  let offset = 0;
  writes.forEach((w, k) => {
    for (const message of w) {
      g.push({ timeUnixNano: BigInt(k) * 100_000_000n, stream: 'stdout', message, offset }, entries);
      offset += message.length + 1;
    }
  });
  g.flush(entries);
  return { entries, g };
}

describe('multi-line grouping (auto)', () => {
  for (const name of ['java.txt', 'python.txt', 'go.txt', 'node.txt', 'dotnet.txt']) {
    test(`${name}: each stack trace is one entry with its message; other lines stay apart`, () => {
      const writes = fixture(name);
      const { entries } = group(writes);
      assert.deepEqual(
        entries.map((e) => e.message),
        writes.map((w) => w.join('\n')),
      );
      // Each entry has its first line's time and offset.
      let offset = 0;
      writes.forEach((w, k) => {
        assert.equal(entries[k]!.timeUnixNano, BigInt(k) * 100_000_000n);
        assert.equal(entries[k]!.offset, offset);
        offset += w.join('\n').length + 1;
      });
    });
  }

  test('a trace header written well after the message (another write) starts its own entry', () => {
    const g = new Grouper(opts());
    const out: Entry[] = [];
    const at = (ms: number, message: string): Line => ({
      timeUnixNano: BigInt(ms) * 1_000_000n,
      stream: 'stdout',
      message,
    });
    g.push(at(0, 'INFO request done'), out);
    g.push(at(500, 'java.lang.IllegalStateException: late'), out);
    g.push(at(500, '\tat a.B.c(B.java:1)'), out);
    g.push(at(501, 'com.x.OtherException: second trace, same write burst'), out);
    g.flush(out);
    assert.deepEqual(
      out.map((e) => e.message),
      [
        'INFO request done',
        'java.lang.IllegalStateException: late\n\tat a.B.c(B.java:1)',
        'com.x.OtherException: second trace, same write burst',
      ],
    );
  });

  test('streams group independently; flush hands out both, oldest first; pendingOffset is the earliest', () => {
    const g = new Grouper(opts());
    const out: Entry[] = [];
    g.push({ timeUnixNano: 2n, stream: 'stdout', message: 'out: start', offset: 50 }, out);
    g.push(
      { timeUnixNano: 1n, stream: 'stderr', message: 'Traceback (most recent call last):', offset: 10 },
      out,
    );
    g.push({ timeUnixNano: 3n, stream: 'stdout', message: '  out continued', offset: 80 }, out);
    g.push({ timeUnixNano: 4n, stream: 'stderr', message: '  File "x.py", line 1', offset: 100 }, out);
    assert.equal(out.length, 0);
    assert.equal(g.pendingOffset, 10);
    g.flush(out);
    assert.deepEqual(
      out.map((e) => [e.stream, e.message]),
      [
        ['stderr', 'Traceback (most recent call last):\n  File "x.py", line 1'],
        ['stdout', 'out: start\n  out continued'],
      ],
    );
    assert.equal(g.pendingOffset, undefined);
    assert.equal(g.pendingBytes, 0);
  });

  test('JSON lines are handed out at once; blank lines stand alone outside traces', () => {
    const g = new Grouper(opts());
    const out: Entry[] = [];
    g.push({ timeUnixNano: 0n, stream: 'stdout', message: '{"msg":"a"}' }, out);
    assert.equal(out.length, 1, 'no waiting for a continuation of a JSON line');
    g.push({ timeUnixNano: 0n, stream: 'stdout', message: 'plain' }, out);
    g.push({ timeUnixNano: 0n, stream: 'stdout', message: '' }, out);
    g.push({ timeUnixNano: 0n, stream: 'stdout', message: '{"msg":"b"}' }, out);
    assert.deepEqual(
      out.map((e) => e.message),
      ['{"msg":"a"}', 'plain', '', '{"msg":"b"}'],
    );
  });

  test('maxLines and maxBytes split an entry without losing a line', () => {
    const frames = Array.from({ length: 25 }, (_, i) => `\tat a.B.m${i}(B.java:${i})`);
    const writes = [['java.lang.RuntimeException: deep', ...frames]];
    const byLines = group(writes, { maxLines: 10 });
    assert.deepEqual(
      byLines.entries.map((e) => e.message.split('\n').length),
      [10, 10, 6],
    );
    assert.equal(byLines.entries.map((e) => e.message).join('\n'), writes[0]!.join('\n'));
    assert.equal(byLines.g.splits, 2);
    const byBytes = group(writes, { maxBytes: 100 });
    assert.ok(byBytes.entries.every((e) => e.message.length <= 100));
    assert.equal(byBytes.entries.map((e) => e.message).join('\n'), writes[0]!.join('\n'));
  });
});

describe('multi-line grouping (off and patterns)', () => {
  test('off: every line is its own entry, at once', () => {
    const { entries } = group(fixture('java.txt'), { mode: 'off' });
    assert.equal(entries.length, fixture('java.txt').flat().length);
  });

  test('line_start_pattern: a matching line starts an entry, the others continue it', () => {
    const writes = [['2026-12-04 a', 'x', 'y'], ['2026-12-04 b'], ['2026-12-04 c', '{"not":"special"}']];
    const { entries } = group(writes, { mode: { lineStart: /^\d{4}-/ } });
    assert.deepEqual(
      entries.map((e) => e.message),
      ['2026-12-04 a\nx\ny', '2026-12-04 b', '2026-12-04 c\n{"not":"special"}'],
    );
  });

  test('line_end_pattern: lines up to a matching one are an entry', () => {
    const writes = [['a', 'b;'], ['c;'], ['d']];
    const { entries } = group(writes, { mode: { lineEnd: /;$/ } });
    assert.deepEqual(
      entries.map((e) => e.message),
      ['a\nb;', 'c;', 'd'],
    );
  });
});

test('fuzz: random and mutated lines — never throws, every line kept once and in order', () => {
  const rnd = prng(7);
  const pool = ['java.txt', 'python.txt', 'go.txt', 'node.txt', 'dotnet.txt'].flatMap((f) =>
    fixture(f).flat(),
  );
  const alphabet = ' \t{}:.()[]aZ0_-\n\r\u00e9\ufffd';
  for (let round = 0; round < 200; round++) {
    const g = new Grouper(
      opts({ maxLines: 1 + Math.floor(rnd() * 20), maxBytes: 16 + Math.floor(rnd() * 400) }),
    );
    const out: Entry[] = [];
    const sent: Record<string, string[]> = { stdout: [], stderr: [] };
    for (let i = 0; i < 200; i++) {
      let m = pool[Math.floor(rnd() * pool.length)]!;
      if (rnd() < 0.5) {
        const at = Math.floor(rnd() * (m.length + 1));
        const ins = Array.from(
          { length: Math.floor(rnd() * 4) },
          () => alphabet[Math.floor(rnd() * alphabet.length)],
        ).join('');
        m = m.slice(0, at) + ins + m.slice(at + Math.floor(rnd() * 3));
      }
      m = m.replace(/\n/g, ''); // a line has no newline (the tailer split on them)
      const stream = rnd() < 0.8 ? 'stdout' : 'stderr';
      sent[stream]!.push(m);
      g.push({ timeUnixNano: BigInt(Math.floor(rnd() * 1e8)), stream, message: m, offset: i }, out);
    }
    g.flush(out);
    for (const stream of ['stdout', 'stderr'] as const) {
      const got = out.filter((e) => e.stream === stream).flatMap((e) => e.message.split('\n'));
      assert.deepEqual(got, sent[stream]);
    }
  }
});
