import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCriLines, rfc3339Nano } from '../../sim/node/pod-logs.ts';
import { parseCriLine, parseRfc3339Nano, type CriLine } from './cri.ts';
import { detectFormat } from './detect.ts';
import { parseDockerLine } from './docker.ts';
import { Recombiner } from './recombine.ts';

const ok = (r: CriLine | { error: string }): CriLine => {
  assert.ok(!('error' in r), 'error' in r ? r.error : '');
  return r as CriLine;
};

describe('parseRfc3339Nano', () => {
  test('fractions of 0–9 digits, Z and offsets, exactly', () => {
    const t = (s: string) => parseRfc3339Nano(s, 0, s.length);
    assert.equal(t('2023-06-22T10:27:25.813799277Z'), 1687429645813799277n);
    assert.equal(t('2023-06-22T10:27:25Z'), 1687429645000000000n);
    assert.equal(t('2023-06-22T10:27:25.8Z'), 1687429645800000000n);
    assert.equal(t('2023-06-22T12:27:25.813799277+02:00'), 1687429645813799277n);
    assert.equal(t('2023-06-22T08:57:25.5-01:30'), 1687429645500000000n);
    assert.equal(t('2024-02-29T00:00:00Z'), BigInt(Date.UTC(2024, 1, 29)) * 1_000_000n);
    for (const bad of [
      '2023-02-31T00:00:00Z',
      '2023-06-22T10:27:25.Z',
      '2023-06-22T10:27:25.1234567890Z',
      '2023-06-22 10:27:25Z',
      '2023-13-22T10:27:25Z',
      '2023-06-22T24:00:00Z',
      '2023-06-22T10:27:25',
      '2023-06-22T10:27:25+2:00',
      '2023-06-22T10:27:25+24:00',
      '2023-06-22T10:27:25Zx',
    ])
      assert.equal(t(bad), undefined, bad);
  });

  test('agrees with Date.parse on millisecond timestamps from the simulator', () => {
    for (let ms = 1_600_000_000_000; ms < 1_600_000_000_000 + 400 * 86_400_000; ms += 7_777_777) {
      const s = rfc3339Nano(ms, 123_456);
      assert.equal(parseRfc3339Nano(s, 0, s.length), BigInt(ms) * 1_000_000n + 123_456n, s);
    }
  });
});

describe('parseCriLine', () => {
  test('stream, tag and message', () => {
    assert.deepEqual(ok(parseCriLine('2023-06-22T10:27:25.813799277Z stdout F hello world')), {
      timeUnixNano: 1687429645813799277n,
      stream: 'stdout',
      partial: false,
      message: 'hello world',
    });
    const p = ok(parseCriLine('2023-06-22T10:27:25Z stderr P  two  spaces\r'));
    assert.equal(p.stream, 'stderr');
    assert.equal(p.partial, true);
    assert.equal(p.message, ' two  spaces\r'); // byte for byte after the tag's space
    assert.equal(ok(parseCriLine('2023-06-22T10:27:25Z stdout F')).message, '');
    assert.equal(ok(parseCriLine('2023-06-22T10:27:25Z stdout F ')).message, '');
  });

  test('says what is wrong with a line that is not CRI', () => {
    for (const [line, why] of [
      ['', /no space/],
      ['hello world', /timestamp/],
      ['2023-06-22T10:27:25Z stdin F x', /stream/],
      ['2023-06-22T10:27:25Z stdout X x', /tag/],
      ['2023-06-22T10:27:25Z stdout FF x', /unknown tag/],
      ['{"log":"x\\n","stream":"stdout","time":"2023-06-22T10:27:25Z"}', /timestamp|space/],
    ] as const) {
      const r = parseCriLine(line);
      assert.ok('error' in r, line);
      assert.match(r.error, why);
    }
  });

  test("reads back what the simulator's runtime writes, long lines recombined", () => {
    const r = new Recombiner();
    const long = 'é'.repeat(20_000) + 'x';
    const text = formatCriLines(
      rfc3339Nano(1_700_000_000_123, 456),
      { stream: 'stderr', message: long },
      16 * 1024,
    );
    const lines = text.split('\n').slice(0, -1);
    assert.ok(lines.length > 1, 'split into P lines');
    const out = lines.map((l) => r.push(ok(parseCriLine(l)))).filter((e) => e !== undefined);
    assert.deepEqual(out, [{ timeUnixNano: 1_700_000_000_123_000_456n, stream: 'stderr', message: long }]);
  });
});

describe('parseDockerLine and detectFormat', () => {
  test('json-file lines: partial when "log" lacks its newline', () => {
    assert.deepEqual(parseDockerLine('{"log":"hi\\n","stream":"stdout","time":"2023-06-22T10:27:25.5Z"}'), {
      timeUnixNano: 1687429645500000000n,
      stream: 'stdout',
      partial: false,
      message: 'hi',
    });
    const p = parseDockerLine('{"log":"part","stream":"stderr","time":"2023-06-22T10:27:25Z"}');
    assert.ok(!('error' in p) && p.partial && p.message === 'part');
    for (const bad of [
      '{',
      '[]',
      '{"log":1,"stream":"stdout","time":"x"}',
      '{"log":"a","stream":"x","time":"2023-06-22T10:27:25Z"}',
      '{"log":"a","stream":"stdout","time":"yesterday"}',
    ])
      assert.ok('error' in parseDockerLine(bad), bad);
  });

  test('format from the first line', () => {
    assert.equal(detectFormat('2023-06-22T10:27:25Z stdout F x'), 'cri');
    assert.equal(detectFormat('{"log":"x\\n","stream":"stdout","time":"2023-06-22T10:27:25Z"}'), 'docker');
    assert.equal(detectFormat('plain text'), undefined);
    assert.equal(detectFormat('{"msg":"app json, not docker"}'), undefined);
  });
});

describe('Recombiner', () => {
  const line = (stream: 'stdout' | 'stderr', partial: boolean, message: string, t = 1n): CriLine => ({
    timeUnixNano: t,
    stream,
    partial,
    message,
  });

  test('per stream: interleaved stdout and stderr pieces stay apart; first piece’s time', () => {
    const r = new Recombiner();
    assert.equal(r.push(line('stdout', true, 'a', 1n)), undefined);
    assert.equal(r.push(line('stderr', true, 'x', 2n)), undefined);
    assert.equal(r.pendingBytes, 2);
    assert.deepEqual(r.push(line('stdout', false, 'b', 3n)), {
      timeUnixNano: 1n,
      stream: 'stdout',
      message: 'ab',
    });
    assert.deepEqual(r.push(line('stderr', false, 'y', 4n)), {
      timeUnixNano: 2n,
      stream: 'stderr',
      message: 'xy',
    });
    assert.equal(r.pendingBytes, 0);
  });

  test('an entry past the maximum is cut once and counted; the next one is whole', () => {
    const r = new Recombiner(5);
    assert.equal(r.push(line('stdout', true, 'abc')), undefined);
    assert.equal(r.push(line('stdout', true, 'defgh')), undefined);
    assert.equal(r.pendingBytes, 5, 'bounded');
    assert.deepEqual(r.push(line('stdout', false, 'ij')), {
      timeUnixNano: 1n,
      stream: 'stdout',
      message: 'abcde',
    });
    assert.equal(r.truncated, 1);
    assert.equal(r.push(line('stdout', false, 'toolong'))!.message, 'toolo');
    assert.equal(r.truncated, 2);
    assert.equal(r.push(line('stdout', false, 'ok'))!.message, 'ok');
  });

  test('flush hands out pending pieces, oldest first', () => {
    const r = new Recombiner();
    r.push(line('stderr', true, 'late', 9n));
    r.push(line('stdout', true, 'early', 3n));
    assert.deepEqual(
      r.flush().map((e) => e.message),
      ['early', 'late'],
    );
    assert.deepEqual(r.flush(), []);
  });
});
