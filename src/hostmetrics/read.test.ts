import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  goFields,
  goTrimSpace,
  parseGoFloat,
  parseGoInt,
  parseGoUint,
  readAttribute,
  readFileResult,
  readHostNetFile,
  readIntAttribute,
  readText,
  readUintAttribute,
} from './read.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe('readFileResult', () => {
  test('reads a whole file, including one larger than a read chunk', () => {
    const big = 'x'.repeat(100_000) + '\n' + 'y'.repeat(50_000) + '\n';
    const r = readFileResult(file('big', big));
    assert.deepEqual(r, { ok: true, text: big, truncated: false });
    // The read buffer is reused: a short file after a long one carries none of the long one.
    assert.deepEqual(readFileResult(file('short', 'ab\n')), { ok: true, text: 'ab\n', truncated: false });
    assert.deepEqual(readFileResult(file('empty', '')), { ok: true, text: '', truncated: false });
  });

  test('a missing file, a directory and a file in a non-directory carry their errno code', () => {
    assert.deepEqual(readFileResult(join(dir, 'nope')), { ok: false, code: 'ENOENT' });
    assert.deepEqual(readFileResult(dir), { ok: false, code: 'EISDIR' });
    assert.deepEqual(readFileResult(join(file('plain', 'a'), 'child')), { ok: false, code: 'ENOTDIR' });
    assert.equal(readText(join(dir, 'nope')), undefined);
  });

  test('a missing file that appears is read, and reported missing again once gone', () => {
    const p = join(dir, 'comes-and-goes');
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(readFileResult(p), { ok: false, code: 'ENOENT' });
      assert.deepEqual(readFileResult(p), { ok: false, code: 'ENOENT' }); // the remembered path
      writeFileSync(p, `round ${round}\n`);
      assert.deepEqual(readFileResult(p), { ok: true, text: `round ${round}\n`, truncated: false });
      rmSync(p);
    }
  });

  test('a file past the bound is cut after its last whole line', () => {
    const p = file('lines', 'line one\nline two\nline three\n');
    assert.deepEqual(readFileResult(p, 14), { ok: true, text: 'line one\n', truncated: true });
    assert.deepEqual(readFileResult(p, 5), { ok: true, text: '', truncated: true });
    assert.deepEqual(readFileResult(p, 28), { ok: true, text: 'line one\nline two\n', truncated: true });
    // Exactly the bound: whole.
    assert.deepEqual(readFileResult(p, 29), {
      ok: true,
      text: 'line one\nline two\nline three\n',
      truncated: false,
    });
  });
});

describe('attributes', () => {
  test('values are trimmed and parsed like procfs ReadUintFromFile / ReadIntFromFile', () => {
    assert.equal(readAttribute(file('a/str', '  write back \n')), 'write back');
    assert.equal(readUintAttribute(file('a/u', '4096\n')), 4096);
    assert.equal(readUintAttribute(file('a/neg', '-1\n')), undefined);
    assert.equal(readIntAttribute(file('a/neg2', '-1\n')), -1);
    assert.equal(readUintAttribute(file('a/empty', '\n')), undefined);
    assert.equal(readUintAttribute(join(dir, 'a/missing')), undefined);
  });
});

describe('Go number syntax', () => {
  test('parseGoUint is strconv.ParseUint(s, 10, 64)', () => {
    assert.equal(parseGoUint('0'), 0);
    assert.equal(parseGoUint('007'), 7);
    assert.equal(parseGoUint('18446744073709551615'), 2 ** 64); // the nearest double, as Go's float64(uint64)
    for (const bad of [
      '',
      ' 1',
      '1 ',
      '+1',
      '-1',
      '1_000',
      '0x10',
      '1.0',
      '18446744073709551616',
      '99999999999999999999999',
    ])
      assert.equal(parseGoUint(bad), undefined, bad);
  });

  test('parseGoInt is strconv.ParseInt(s, 10, 64)', () => {
    assert.equal(parseGoInt('-9223372036854775808'), -9223372036854775808);
    assert.equal(parseGoInt('+12'), 12);
    for (const bad of ['', '--1', '9223372036854775808', '-9223372036854775809', '1e3'])
      assert.equal(parseGoInt(bad), undefined, bad);
  });

  test('parseGoFloat accepts what strconv.ParseFloat accepts for decimal input', () => {
    const ok: [string, number][] = [
      ['1e3', 1000],
      ['.5', 0.5],
      ['1.', 1],
      ['-2.5E-3', -0.0025],
      ['+Inf', Infinity],
      ['-inf', -Infinity],
      ['Infinity', Infinity],
      ['0', 0],
      ['160647833178', 160647833178],
    ];
    for (const [s, v] of ok) assert.equal(parseGoFloat(s), v, s);
    assert.ok(Number.isNaN(parseGoFloat('NaN')));
    for (const bad of ['', ' 1', '1 ', '.', 'e5', '1e', '+nan', '1e400', 'abc', '1,5', '0x1p3'])
      assert.equal(parseGoFloat(bad), undefined, bad);
  });

  test('goTrimSpace trims Go whitespace (U+0085 yes, U+FEFF no)', () => {
    assert.equal(goTrimSpace('\u0085 a b\t\n'), 'a b');
    assert.equal(goTrimSpace('\ufeffa'), '\ufeffa');
  });

  test('goFields splits on Go whitespace (U+0085 yes, U+FEFF no)', () => {
    assert.deepEqual(goFields('  a \t b\u0085c\ufeffd  '), ['a', 'b', 'c\ufeffd']);
    assert.deepEqual(goFields(''), []);
    assert.deepEqual(goFields(' \t '), []);
  });
});

describe('readHostNetFile', () => {
  test("prefers pid 1's network namespace", () => {
    const proc = join(dir, 'p1');
    file('p1/1/net/dev', 'host\n');
    file('p1/net/dev', 'self\n');
    assert.deepEqual(readHostNetFile(proc, 'dev'), { ok: true, text: 'host\n', truncated: false });
  });

  test('falls back to <proc>/net when pid 1 is not there', () => {
    const proc = join(dir, 'p2');
    file('p2/net/dev', 'self\n');
    assert.deepEqual(readHostNetFile(proc, 'dev'), { ok: true, text: 'self\n', truncated: false });
  });

  test("a file missing from pid 1's readable net directory stays missing (no mixing namespaces)", () => {
    const proc = join(dir, 'p3');
    file('p3/1/net/dev', 'host\n');
    file('p3/net/snmp6', 'self\n');
    assert.deepEqual(readHostNetFile(proc, 'snmp6'), { ok: false, code: 'ENOENT' });
  });
});
