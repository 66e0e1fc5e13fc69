import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { prng, randInt } from '../../queue/testdata/prng.ts';
import { CheckpointStore, decodeCheckpoints, encodeCheckpoints, type Checkpoint } from './checkpoints.ts';
import { readFingerprint, sameFile } from './fingerprint.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-checkpoints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cp = (fp: string, offset: number, path = '/var/log/pods/a_b_c/d/0.log'): Checkpoint => ({
  fingerprint: Buffer.from(fp),
  offset,
  path,
});

describe('CheckpointStore', () => {
  test('saves and loads exactly; a missing file is a first start', () => {
    const store = new CheckpointStore(join(dir, 'a'));
    assert.deepEqual(store.load(), { checkpoints: [] });
    const state = [
      cp('2024-01-01T00:00:00Z stdout F first line\n', 123),
      cp('\u0000\xff binary', 0, '/x/1.log'),
    ];
    store.save(state);
    assert.deepEqual(store.load(), { checkpoints: state });
    store.save([state[0]!]);
    assert.deepEqual(store.load(), { checkpoints: [state[0]!] });
    assert.equal(existsSync(`${store.file}.tmp`), false, 'the temporary file was renamed away');
  });

  test('a garbled file is an empty state with an error, never a crash', () => {
    const store = new CheckpointStore(join(dir, 'b'));
    store.save([cp('x', 1)]);
    writeFileSync(store.file, readFileSync(store.file, 'utf8').slice(0, 20)); // torn write
    const r = store.load();
    assert.deepEqual(r.checkpoints, []);
    assert.match(r.error!, /not JSON/);
    for (const [text, why] of [
      ['[]', /not an object/],
      ['{"version":2,"files":[]}', /version 2/],
      ['{"version":1}', /no "files"/],
      ['{"version":1,"files":[{"fp":"!!","offset":1,"path":""}]}', /base64/],
      ['{"version":1,"files":[{"fp":"eA==","offset":-1,"path":""}]}', /offset/],
      ['{"version":1,"files":[{"fp":"eA==","offset":1.5,"path":""}]}', /offset/],
      ['{"version":1,"files":[{"fp":"eA==","offset":1}]}', /path/],
    ] as const)
      assert.match(decodeCheckpoints(text).error ?? '', why, text);
  });

  test('the decoder never throws on random or mutated input', () => {
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 0xc0ffee));
    const good = encodeCheckpoints([cp('hello', 10), cp('world', 20, '/p')]);
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      '1',
      '-',
      'e',
      'version',
      'files',
      'fp',
      'offset',
      '\\',
      'é',
      ' ',
    ];
    for (let i = 0; i < 5000; i++) {
      let text = good;
      if (rnd() < 0.3) {
        text = '';
        for (let k = 0, n = randInt(rnd, 40); k < n; k++) text += alphabet[randInt(rnd, alphabet.length)];
      } else
        for (let e = 0, n = 1 + randInt(rnd, 3); e < n; e++) {
          const at = randInt(rnd, text.length + 1);
          text =
            rnd() < 0.5
              ? text.slice(0, at) + text.slice(at + 1)
              : text.slice(0, at) + alphabet[randInt(rnd, alphabet.length)] + text.slice(at);
        }
      const r = decodeCheckpoints(text);
      if (r.error) assert.deepEqual(r.checkpoints, []);
      for (const c of r.checkpoints)
        assert.ok(Number.isSafeInteger(c.offset) && c.offset >= 0 && Buffer.isBuffer(c.fingerprint));
    }
  });
});

describe('fingerprints', () => {
  test('the first bytes identify a file as it grows; nothing identifies an empty file', () => {
    const p = join(dir, 'grow.log');
    writeFileSync(p, 'abc');
    const fd = openSync(p, 'r');
    const short = readFingerprint(fd, 8);
    writeFileSync(p, 'abcdefghijkl');
    const long = readFingerprint(fd, 8);
    closeSync(fd);
    assert.equal(short.toString(), 'abc');
    assert.equal(long.toString(), 'abcdefgh');
    assert.ok(sameFile(short, long) && sameFile(long, short));
    assert.ok(!sameFile(Buffer.from('abd'), long));
    assert.ok(!sameFile(Buffer.alloc(0), long));
  });
});
