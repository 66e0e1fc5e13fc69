// Fuzzing the cpu / stat / meminfo / loadavg / vmstat / pressure / filefd / uname / time /
// sockstat parsers and collectors: random and mutated inputs never throw out of a parser, a
// collector given present-but-garbled files fails only the documented ways, and what comes out
// keeps its contracts (numbers, valid names, one series per label set, a renderable exposition).
// Seeded (FUZZ_SEED), so a failure reproduces.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { parseGoIntBase0, parseGoUintBase0 } from '../read.ts';
import type { HostCollector, HostPaths } from '../types.ts';
import { createCpuCollector } from './cpu.ts';
import { parseCpuList } from './cpu-sysfs.ts';
import { filefdCollector, parseFileNr } from './filefd.ts';
import { loadavgCollector, parseLoadavg } from './loadavg.ts';
import { meminfoCollector, parseMeminfo } from './meminfo.ts';
import { pageSizeFromAuxv } from './page-size.ts';
import { parsePsi, pressureCollector } from './pressure.ts';
import { CPU_MODES, parseProcStat } from './proc-stat.ts';
import { createSockstatCollector, parseSockstat } from './sockstat.ts';
import { statCollector } from './stat.ts';
import { createTimeCollector } from './time.ts';
import { evalTzRule, parseTzRule } from './tz-rule.ts';
import { parseTzif, zoneAt } from './tzif.ts';
import { unameCollector } from './uname.ts';
import { createVmstatCollector, parseVmstat } from './vmstat.ts';
import { prng } from '../../queue/testdata/prng.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_a);
const ITERATIONS = 1200;
const COLLECTOR_ROUNDS = 40;

const rng = prng;

const ALPHABET = [
  '0',
  '1',
  '7',
  '9',
  ' ',
  ' ',
  '\t',
  '\n',
  '\n',
  ':',
  '-',
  '+',
  '.',
  'e',
  'x',
  '_',
  '=',
  ',',
  '<',
  '>',
  'a',
  'M',
  'J',
  '/',
  '(',
  ')',
  '\r',
  '\u0085',
  '\u0000',
  'é',
  '🙂',
];
const TOKENS = [
  '18446744073709551615',
  '18446744073709551616',
  '-9223372036854775809',
  '0x1F',
  '0o17',
  '017',
  '08',
  '1_000',
  'NaN',
  'Inf',
  '-Inf',
  '1e400',
  'kB',
  'MB',
  'cpu',
  'cpu-1',
  'some ',
  'full ',
  'avg10=',
  'total=',
  'sockets: used ',
  'inuse',
  'mem',
  'HugePages_Total:',
  'Active(anon):',
  'M3.2.0',
  '<+0530>',
];

function randomText(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++)
    s += r() < 0.12 ? TOKENS[Math.floor(r() * TOKENS.length)]! : ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

function mutate(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = Math.floor(r() * 6);
    if (kind === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else if (kind === 1) s = s.slice(0, at) + randomText(r, 12) + s.slice(at);
    else if (kind === 2) s = s.slice(0, at);
    else if (kind === 3) {
      const lines = s.split('\n');
      const i = Math.floor(r() * lines.length);
      if (r() < 0.5) lines.splice(i, 0, lines[i] ?? '');
      else lines.splice(i, 1);
      s = lines.join('\n');
    } else if (kind === 4) s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)]! + s.slice(at + 1);
    else s = s.replace(/ +/, () => (r() < 0.5 ? '' : '\t'));
  }
  return s;
}

function mutateBytes(r: () => number, b: Uint8Array): Uint8Array {
  const out = Buffer.from(b);
  const edits = 1 + Math.floor(r() * 8);
  let view: Buffer = out;
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(r() * 3);
    const at = Math.floor(r() * view.length);
    if (kind === 0 && view.length > 0) view[at] = Math.floor(r() * 256);
    else if (kind === 1) view = view.subarray(0, at);
    else if (view.length > 0) view[at] = [0, 0xff, 0x7f, 0x80, 0x0a][Math.floor(r() * 5)]!;
  }
  return view;
}

const HOST = join(import.meta.dirname, 'testdata', 'system-host');
const read = (rel: string) => readFileSync(join(HOST, rel), 'utf8');
const seeds = {
  stat: read('proc/stat'),
  meminfo: read('proc/meminfo'),
  loadavg: read('proc/loadavg'),
  vmstat: read('proc/vmstat'),
  psi: read('proc/pressure/io'),
  fileNr: read('proc/sys/fs/file-nr'),
  sockstat: read('proc/1/net/sockstat') + read('proc/1/net/sockstat6'),
  cpuList: '0-3,8,10-11\n',
  tzRule: '<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45',
};
const TZIF = readFileSync(join(HOST, 'rootfs', 'usr', 'share', 'zoneinfo', 'Europe', 'Berlin'));

function inputs(seed: number, real: string): string[] {
  const r = rng(seed);
  const out: string[] = [real, '', '\n', ' ', real + real];
  for (let i = 0; i < ITERATIONS; i++) out.push(r() < 0.5 ? randomText(r, 300) : mutate(r, real));
  return out;
}

const isCount = (v: number) => Number.isFinite(v) && v >= 0 && Number.isInteger(v);

describe('parsers never throw and keep their output contracts', () => {
  test('parseProcStat', () => {
    for (const text of inputs(SEED + 1, seeds.stat)) {
      const s = parseProcStat(text);
      for (const [id, t] of s.cpus) {
        assert.ok(isCount(id));
        for (const m of CPU_MODES) assert.ok(typeof t[m] === 'number');
      }
      for (const k of [
        'bootTime',
        'intrTotal',
        'contextSwitches',
        'processesCreated',
        'procsRunning',
        'procsBlocked',
      ] as const)
        assert.ok(s[k] === undefined || isCount(s[k]), `${k} ${s[k]}`);
    }
  });

  test('parseMeminfo', () => {
    for (const text of inputs(SEED + 2, seeds.meminfo)) {
      for (const [k, v] of parseMeminfo(text)) {
        assert.match(k, /^[A-Za-z0-9_]+$/);
        assert.ok(isCount(v));
      }
    }
  });

  test('parseLoadavg, parseFileNr, parseVmstat', () => {
    for (const text of inputs(SEED + 3, seeds.loadavg)) {
      const l = parseLoadavg(text);
      assert.equal(l.length, 3);
      for (const v of l) assert.ok(v === undefined || typeof v === 'number');
    }
    for (const text of inputs(SEED + 4, seeds.fileNr)) {
      const f = parseFileNr(text);
      assert.ok(f.allocated === undefined || typeof f.allocated === 'number');
      assert.ok(f.maximum === undefined || typeof f.maximum === 'number');
    }
    for (const text of inputs(SEED + 5, seeds.vmstat))
      for (const [k, v] of parseVmstat(text)) assert.ok(k.length > 0 && typeof v === 'number');
  });

  test('parsePsi', () => {
    for (const text of inputs(SEED + 6, seeds.psi)) {
      const p = parsePsi(text);
      for (const l of [p.some, p.full]) {
        if (l === undefined) continue;
        assert.ok(isCount(l.total));
        assert.ok(typeof l.avg10 === 'number' && typeof l.avg60 === 'number' && typeof l.avg300 === 'number');
      }
    }
    // A long adversarial line stays fast (the line regex backtracks).
    const t0 = performance.now();
    parsePsi(`some avg10=${'avg60='.repeat(5000)}\n`);
    assert.ok(performance.now() - t0 < 200);
  });

  test('parseSockstat', () => {
    for (const text of inputs(SEED + 7, seeds.sockstat)) {
      const s = parseSockstat(text);
      assert.ok(s.used === undefined || Number.isInteger(s.used));
      for (const p of s.protocols) for (const v of p.values.values()) assert.ok(Number.isInteger(v));
    }
  });

  test('parseCpuList, Go base-0 integers', () => {
    for (const text of inputs(SEED + 8, seeds.cpuList)) {
      const l = parseCpuList(text);
      if (l !== undefined) {
        assert.ok(l.length <= 1 << 16);
        assert.ok(l.every(isCount));
      }
      for (const tok of text.split(/\s+/)) {
        const u = parseGoUintBase0(tok);
        const i = parseGoIntBase0(tok);
        assert.ok(u === undefined || isCount(u));
        assert.ok(i === undefined || Number.isInteger(i));
      }
    }
  });

  test('parseTzRule and evalTzRule', () => {
    const r = rng(SEED + 9);
    for (const text of inputs(SEED + 9, seeds.tzRule)) {
      const rule = parseTzRule(text);
      if (rule === undefined) continue;
      for (let i = 0; i < 4; i++) {
        const z = evalTzRule(rule, Math.floor((r() - 0.3) * 8e9));
        assert.ok(Number.isFinite(z.offset) && typeof z.name === 'string');
      }
    }
  });

  test('parseTzif and zoneAt on mutated and random bytes', () => {
    const r = rng(SEED + 10);
    for (let i = 0; i < ITERATIONS; i++) {
      const b = r() < 0.8 ? mutateBytes(r, TZIF) : Buffer.from(randomText(r, 200), 'latin1');
      const z = parseTzif(b);
      if (z === undefined) continue;
      const at = zoneAt(z, Math.floor((r() - 0.3) * 8e9));
      assert.ok(Number.isFinite(at.offset) && typeof at.name === 'string');
    }
  });

  test('pageSizeFromAuxv', () => {
    const r = rng(SEED + 11);
    for (let i = 0; i < ITERATIONS; i++) {
      const b = new Uint8Array(Math.floor(r() * 80));
      for (let j = 0; j < b.length; j++) b[j] = r() < 0.7 ? 0 : Math.floor(r() * 256);
      if (b.length > 16 && r() < 0.5) b[0] = 6;
      for (const w of [4, 8] as const) {
        const p = pageSizeFromAuxv(b, w, r() < 0.5);
        assert.ok(p === undefined || (p >= 1024 && (p & (p - 1)) === 0));
      }
    }
  });
});

/** Every regular file of a tree, relative to it. */
function files(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const p = join(rel, name);
    const st = statSync(join(dir, p), { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...files(dir, p));
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkFamilies(fs: Family[]): void {
  const names = new Set<string>();
  for (const f of fs) {
    assert.match(f.name, METRIC_NAME);
    assert.ok(!names.has(f.name), `family ${f.name} twice`);
    names.add(f.name);
    const series = new Set<string>();
    for (const s of f.samples) {
      assert.equal(typeof s.value, 'number');
      for (const [k, v] of s.labels) {
        assert.match(k, LABEL_NAME);
        assert.equal(typeof v, 'string');
      }
      const key = JSON.stringify(s.labels);
      assert.ok(!series.has(key), `${f.name}${key} twice`);
      series.add(key);
    }
  }
  renderFamilies(fs);
  renderFamilies(fs, 'openmetrics');
}

const tmp = mkdtempSync(join(tmpdir(), 'wc-fuzz-a-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('collectors on garbled host trees', () => {
  test('never throw except the documented failures; output keeps its contracts', async () => {
    const r = rng(SEED + 20);
    const cpu = createCpuCollector(); // stateful: garbled rounds must not poison later ones
    const collectors: HostCollector[] = [
      cpu,
      statCollector,
      meminfoCollector,
      loadavgCollector,
      createVmstatCollector(),
      pressureCollector,
      filefdCollector,
      unameCollector,
      createSockstatCollector({ pageSize: 4096 }),
    ];
    // The one failure present-but-garbled files may cause: pressure's "no data" (upstream's
    // ErrNoData), when no pressure file has usable lines.
    const allowed = /^collector returned no data/;
    const tree = join(tmp, 'host');
    cpSync(HOST, tree, { recursive: true, verbatimSymlinks: true });
    const texts = files(tree).filter((p) => !p.includes('zoneinfo') && !p.startsWith('rootfs/etc/localtime'));
    const originals = new Map(texts.map((p) => [p, readFileSync(join(tree, p), 'utf8')]));
    const paths: HostPaths = {
      proc: join(tree, 'proc'),
      sys: join(tree, 'sys'),
      rootfs: join(tree, 'rootfs'),
    };
    for (let round = 0; round < COLLECTOR_ROUNDS; round++) {
      for (const [p, text] of originals) {
        const garbled = r() < 0.5 ? mutate(r, text) : r() < 0.2 ? randomText(r, 200) : text;
        writeFileSync(join(tree, p), garbled);
      }
      writeFileSync(join(paths.rootfs, 'usr', 'share', 'zoneinfo', 'Europe', 'Berlin'), mutateBytes(r, TZIF));
      // A fresh time collector per round: its zone is loaded once per collector, like Go's Local.
      for (const c of [...collectors, createTimeCollector({})]) {
        let fs: Family[];
        try {
          fs = await c.collect({ paths, nowMs: Math.floor(r() * 4e12) });
        } catch (err) {
          assert.match((err as Error).message, allowed, `${c.name} threw in round ${round}`);
          continue;
        }
        checkFamilies(fs);
      }
    }
  });
});
