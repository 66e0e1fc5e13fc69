// Every cgroup/proc file parser, and the v1/v2 readers over whole trees, fed random and mutated
// kernel files: none may throw, and every number they return must be finite and >= 0 (a garbage
// value must be skipped, never published). Replays exactly from the printed seed (FUZZ_SEED).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { prng, randInt } from '../../queue/testdata/prng.ts';
import { listCgroups } from '../discovery.ts';
import { detectCgroupRoot } from './mounts.ts';
import {
  parseBlkio,
  parseCpuMax,
  parseFlatKeyed,
  parseIoStat,
  parseMeminfo,
  parseMountinfo,
  parseProcs,
  parseSingle,
  parseSingleInt,
  parseUptime,
} from './parse.ts';
import { CgroupReadCache } from './reader.ts';
import { readV1 } from './v1.ts';
import { readV2 } from './v2.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const TESTDATA = join(import.meta.dirname, '..', 'testdata');
const ALPHABET = '0123456789 \n\t:=-.,_/\\abcmxRWT\r\u0000é';
const tmp = mkdtempSync(join(tmpdir(), 'wc-cgroup-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const TREES = ['v1-systemd-containerd', 'v2-systemd-crio', 'v1-cgroupfs-docker'];
const SAMPLES = [
  ...new Set(TREES.flatMap((t) => filesUnder(join(TESTDATA, t))).map((f) => readFileSync(f, 'latin1'))),
  'max 100000\n',
  '9223372036854771712\n',
  '-1\n',
  '99999999999999999999999999999\n',
];

function randomText(rnd: () => number, maxLen: number): string {
  let s = '';
  const n = randInt(rnd, maxLen);
  for (let i = 0; i < n; i++) s += ALPHABET[randInt(rnd, ALPHABET.length)];
  return s;
}

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const rounds = 1 + randInt(rnd, 4);
  for (let r = 0; r < rounds; r++) {
    const at = randInt(rnd, s.length + 1);
    switch (randInt(rnd, 7)) {
      case 0: // flip a character
        s = s.slice(0, at) + ALPHABET[randInt(rnd, ALPHABET.length)] + s.slice(at + 1);
        break;
      case 1: // insert junk
        s = s.slice(0, at) + randomText(rnd, 12) + s.slice(at);
        break;
      case 2: // delete a range
        s = s.slice(0, at) + s.slice(at + randInt(rnd, 20));
        break;
      case 3: // truncate
        s = s.slice(0, at);
        break;
      case 4: // duplicate a line
        s = s + s.slice(0, s.indexOf('\n') + 1);
        break;
      case 5: // a huge or negative number
        s = s.slice(0, at) + (rnd() < 0.5 ? '18446744073709551615' : '-42') + s.slice(at);
        break;
      default: // swap separators
        s = s.replaceAll(rnd() < 0.5 ? ' ' : '\n', rnd() < 0.5 ? '\t' : ' ');
    }
  }
  return s;
}

/** Fails unless every number in v is finite and >= 0 (allowNegative for parseSingleInt). */
function checkNumbers(v: unknown, where: string, allowNegative = false): void {
  if (typeof v === 'number') {
    assert.ok(Number.isFinite(v), `${where}: non-finite ${v}`);
    if (!allowNegative) assert.ok(v >= 0, `${where}: negative ${v}`);
  } else if (v instanceof Map) {
    for (const [k, x] of v) checkNumbers(x, `${where}.${String(k)}`, allowNegative);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => checkNumbers(x, `${where}[${i}]`, allowNegative));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) checkNumbers(x, `${where}.${k}`, allowNegative);
  }
}

const KEYS = new Set([
  'rss',
  'total_rss',
  'usage_usec',
  'oom_kill',
  'user',
  'system',
  'nr_periods',
  'MemTotal',
]);

function runAll(text: string): void {
  checkNumbers(parseSingle(text), 'parseSingle');
  checkNumbers(parseSingleInt(text), 'parseSingleInt', true);
  checkNumbers(parseFlatKeyed(text, KEYS), 'parseFlatKeyed');
  const io = parseIoStat(text);
  checkNumbers(io, 'parseIoStat');
  for (const d of io) assert.match(d.device, /^\d+:\d+$/);
  const blk = parseBlkio(text);
  checkNumbers(blk, 'parseBlkio');
  for (const d of blk) assert.match(d.device, /^\d+:\d+$/);
  checkNumbers(parseCpuMax(text), 'parseCpuMax');
  const procs = parseProcs(text, 16);
  checkNumbers(procs, 'parseProcs');
  assert.ok(procs.length <= 16);
  for (const p of procs) assert.ok(Number.isInteger(p) && p > 0);
  checkNumbers(parseMeminfo(text, KEYS), 'parseMeminfo');
  checkNumbers(parseUptime(text), 'parseUptime');
  for (const m of parseMountinfo(text)) {
    assert.equal(typeof m.mountPoint, 'string');
    assert.ok(Array.isArray(m.superOptions));
  }
}

test(`parsers never throw and return only valid numbers on random input (seed ${SEED})`, () => {
  const rnd = prng(SEED);
  for (let i = 0; i < 3000; i++) {
    const text = randomText(rnd, 200);
    try {
      runAll(text);
    } catch (err) {
      assert.fail(`input ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }
});

test(`parsers never throw and return only valid numbers on mutated kernel files (seed ${SEED})`, () => {
  const rnd = prng(SEED + 1);
  assert.ok(SAMPLES.length > 50, `only ${SAMPLES.length} samples`);
  for (let i = 0; i < 4000; i++) {
    const text = mutate(SAMPLES[randInt(rnd, SAMPLES.length)] ?? '', rnd);
    try {
      runAll(text);
    } catch (err) {
      assert.fail(`input ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }
});

test(`v1/v2 readers never throw on trees with mutated files (seed ${SEED})`, async () => {
  const rnd = prng(SEED + 2);
  for (const name of TREES) {
    for (let round = 0; round < 3; round++) {
      const dir = join(tmp, `${name}-${round}`);
      cpSync(join(TESTDATA, name), dir, { recursive: true });
      for (const f of filesUnder(dir)) {
        if (f.includes('mountinfo') || statSync(f).size === 0 || rnd() < 0.3) continue;
        if (rnd() < 0.1) rmSync(f);
        else writeFileSync(f, mutate(readFileSync(f, 'latin1'), rnd), 'latin1');
      }
      const root = await detectCgroupRoot(join(dir, 'sys/fs/cgroup'));
      const cache = new CgroupReadCache({ specMaxAgeMs: 0 });
      const ids = await listCgroups(root);
      assert.ok(ids.length >= 1);
      for (const id of ids) {
        const access = cache.access(root, id.path, 1_700_000_000_000);
        const read = root.version === 'v2' ? readV2 : readV1;
        const stats = read(root, access, 1_700_000_000_000);
        checkNumbers(stats, `${name}${id.path}`);
      }
      cache.close();
    }
  }
});
