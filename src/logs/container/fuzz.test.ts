// Random and mutated lines: the parsers never throw and keep their contracts; the recombiner
// never loses or invents text. Seeded (FUZZ_SEED), so a failure reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng, randInt } from '../../queue/testdata/prng.ts';
import { parseCriLine } from './cri.ts';
import { detectFormat } from './detect.ts';
import { parseDockerLine } from './docker.ts';
import { isRotatedLog, podLogIdentity } from './path.ts';
import { Recombiner } from './recombine.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0xc41);
const SEEDS = [
  '2023-06-22T10:27:25.813799277Z stdout F {"level":"info","msg":"request done","status":200}',
  '2023-06-22T10:27:25+02:00 stderr P partial piece',
  '{"log":"GET /healthz 200\\n","stream":"stdout","time":"2023-06-22T10:27:25.813799277Z"}',
  '/var/log/pods/default_web-0_0b3c1d2e-aaaa-bbbb-cccc-123456789abc/app/3.log.20260101-120000',
];
const ALPHABET = [
  '0',
  '9',
  '-',
  ':',
  'T',
  'Z',
  '.',
  ' ',
  '+',
  'F',
  'P',
  'stdout',
  '{',
  '"',
  '\\',
  '\n',
  '\r',
  'é',
  '\ud800',
  '_',
  '/',
  'log',
];

function mutate(rnd: () => number, s: string): string {
  let out = s;
  for (let e = 0, n = 1 + randInt(rnd, 4); e < n; e++) {
    const at = randInt(rnd, out.length + 1);
    const kind = randInt(rnd, 3);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + 1 + randInt(rnd, 5));
    else if (kind === 1) out = out.slice(0, at) + ALPHABET[randInt(rnd, ALPHABET.length)]! + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

test('parsers never throw; what they accept is well-formed', () => {
  const rnd = prng(SEED);
  for (let i = 0; i < 20_000; i++) {
    const line =
      rnd() < 0.3
        ? Array.from({ length: randInt(rnd, 30) }, () => ALPHABET[randInt(rnd, ALPHABET.length)]).join('')
        : mutate(rnd, SEEDS[randInt(rnd, SEEDS.length)]!);
    for (const r of [parseCriLine(line), parseDockerLine(line)]) {
      if ('error' in r) {
        assert.ok(r.error.length > 0);
        continue;
      }
      assert.ok(r.stream === 'stdout' || r.stream === 'stderr');
      assert.equal(typeof r.timeUnixNano, 'bigint');
      assert.ok(r.timeUnixNano >= 0n && r.timeUnixNano < 10n ** 20n, line);
      assert.equal(typeof r.message, 'string');
    }
    detectFormat(line);
    const id = podLogIdentity(line);
    if (id) {
      assert.ok(id.namespace && id.pod && id.uid && id.container && !id.namespace.includes('_'));
      assert.ok(Number.isInteger(id.restartCount) && id.restartCount >= 0);
    }
    isRotatedLog(line);
  }
});

test('the recombiner emits every piece exactly once, in entries no longer than the maximum', () => {
  const rnd = prng(SEED + 1);
  for (let round = 0; round < 300; round++) {
    const max = 1 + randInt(rnd, 40);
    const r = new Recombiner(max);
    const sent = { stdout: '', stderr: '' };
    const got = { stdout: '', stderr: '' };
    let cuts = 0;
    const open = { stdout: '', stderr: '' };
    const close = (s: 'stdout' | 'stderr') => {
      const whole = open[s];
      if (whole.length > max) cuts++;
      sent[s] += whole.slice(0, max) + '|';
      open[s] = '';
    };
    for (let i = 0, n = randInt(rnd, 60); i < n; i++) {
      const stream = rnd() < 0.5 ? 'stdout' : 'stderr';
      const message = 'abcdefghij'.slice(0, randInt(rnd, 11)) + String(i);
      const partial = rnd() < 0.5;
      open[stream] += message;
      const e = r.push({ timeUnixNano: BigInt(i), stream, partial, message });
      if (!partial) close(stream);
      if (e) {
        assert.ok(e.message.length <= max);
        got[e.stream] += e.message + '|';
      }
    }
    for (const e of r.flush()) got[e.stream] += e.message + '|';
    for (const s of ['stdout', 'stderr'] as const) if (open[s] !== '') close(s);
    assert.deepEqual(got, sent, `round ${round}`);
    assert.equal(r.truncated, cuts);
    assert.equal(r.pendingBytes, 0);
  }
});
