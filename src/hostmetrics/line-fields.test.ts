import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FirstFieldMemo, forEachLine, forEachLineFields, isGoSpace } from './line-fields.ts';
import { prng } from '../queue/testdata/prng.ts';
import { goFields } from './read.ts';

function reference(text: string): string[][] {
  return text.split('\n').map(goFields);
}

function scanned(text: string): string[][] {
  const out: string[][] = [];
  forEachLineFields(text, (f) => out.push([...f]));
  return out;
}

/** The same through forEachLine's cursor, first fields through a memo shared across calls. */
function cursored(text: string, memo: FirstFieldMemo): string[][] {
  const out: string[][] = [];
  forEachLine(text, (line, index) => {
    const f: string[] = [];
    if (line.next()) {
      f.push(memo.name(text, line, index));
      while (line.next()) f.push(line.field());
    }
    out.push(f);
  });
  return out;
}

describe('forEachLineFields', () => {
  test('is goFields of every line', () => {
    for (const text of [
      '',
      '\n',
      'a b\n',
      'nr_free_pages 12345\npgfault 99',
      '  lead  and trail  \n\n\tx\ty\r\n',
      'Ip6InReceives                   \t2497\nIp6InHdrErrors \t0\n',
      'MemTotal:       16384000 kB\nHugePages_Total:       0\n',
      'a\u00a0b\u0085c\u2000d\u3000e\ufeffF \u200bg',
      '\u2028\u2029\u202f\u205f\u1680x',
    ])
      assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
  });

  test('agrees with goFields on random text (differential fuzz)', () => {
    // Seeded: a failure reproduces. The alphabet leans on separators and Go's odd spaces.
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 0x1f1e));
    const alphabet = [
      'a',
      '1',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u0085',
      '\u00a0',
      '\u2000',
      '\u200b',
      '\ufeff',
      '\ud83d\ude00',
      ':',
      '\u3000',
      '\u205f',
    ];
    const memo = new FirstFieldMemo(); // shared: its remembered names must never leak
    for (let k = 0; k < 3000; k++) {
      let text = '';
      const len = Math.floor(rnd() * 40);
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(rnd() * alphabet.length)];
      assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
      assert.deepEqual(cursored(text, memo), reference(text), JSON.stringify(text));
    }
  });

  test('the first-field memo gives each line its current name as lines keep or change theirs', () => {
    const memo = new FirstFieldMemo();
    const first = (text: string) => {
      const got: string[] = [];
      forEachLine(text, (line, index) => {
        if (line.next()) got.push(memo.name(text, line, index));
      });
      return got;
    };
    assert.deepEqual(first('pgfault 1\npgmajfault 2\n'), ['pgfault', 'pgmajfault']);
    const b = first('pgfault 10\npgmajfault 20\n');
    assert.deepEqual(b, ['pgfault', 'pgmajfault']);
    assert.deepEqual(first('pgfaulty 1\npgmaj 2\n'), ['pgfaulty', 'pgmaj']); // renamed lines
    assert.deepEqual(first('  pgmaj 2'), ['pgmaj']);
  });

  test('isGoSpace is the set goFields splits on', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      assert.equal(isGoSpace(c), goFields(`a${ch}b`).length === 2, `U+${c.toString(16)}`);
    }
  });
});
