// Fuzzing the diskstats / filesystem / netdev / netstat parsers and collectors: random and
// mutated inputs never throw out of a parser or a collector, and what comes out keeps its
// contracts (row shapes, finite numbers, a valid exposition). Seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import { goFields, goTrimSpace, parseGoFloat, parseGoInt, parseGoUint } from '../read.ts';
import type { HostPaths } from '../types.ts';
import { createDiskstatsCollector } from './diskstats.ts';
import { parseDiskstats, parseUdevData } from './diskstats-parse.ts';
import { createFilesystemCollector } from './filesystem.ts';
import { parseMountinfo } from './filesystem-mountinfo.ts';
import { parseNetDev, parseNetStats, parseSnmp6 } from './net-parse.ts';
import { createNetdevCollector } from './netdev.ts';
import { NETSTAT_DEFAULT_FIELDS, createNetstatCollector } from './netstat.ts';
import { prng } from '../../queue/testdata/prng.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_b);
const ITERATIONS = 1500;
const COLLECTOR_ROUNDS = 40;

const rng = prng;

const ALPHABET = [
  '0',
  '1',
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
  'a',
  '/',
  '\\',
  '\r',
  '\u0085',
  '\ufeff',
  'é',
  '\u0000',
  '🙂',
  '_',
  '=',
];
const TOKENS = [
  '18446744073709551615',
  '18446744073709551616',
  '99999999999999999999999',
  '-1',
  '4294967296',
  'NaN',
  'Inf',
  '1e400',
  '\\040',
  '\\011',
  ' - ',
  'E:',
  ': ',
  '6',
];

function randomText(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++)
    s += r() < 0.1 ? TOKENS[Math.floor(r() * TOKENS.length)]! : ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

function mutate(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = Math.floor(r() * 6);
    if (kind === 0)
      s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20)); // delete
    else if (kind === 1)
      s = s.slice(0, at) + randomText(r, 12) + s.slice(at); // insert noise
    else if (kind === 2)
      s = s.slice(0, at); // truncate
    else if (kind === 3) {
      const lines = s.split('\n'); // duplicate or drop a line
      const i = Math.floor(r() * lines.length);
      if (r() < 0.5) lines.splice(i, 0, lines[i] ?? '');
      else lines.splice(i, 1);
      s = lines.join('\n');
    } else if (kind === 4)
      s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)]! + s.slice(at + 1); // replace with a nasty token
    else s = s.replace(/ +/, () => (r() < 0.5 ? '' : '\t')); // join or retab fields
  }
  return s;
}

const TESTDATA = join(import.meta.dirname, 'testdata', 'storage-net-host');
const seeds = {
  diskstats: readFileSync(join(TESTDATA, 'proc', 'diskstats'), 'utf8'),
  mountinfo: readFileSync(join(TESTDATA, 'proc', '1', 'mountinfo'), 'utf8'),
  netdev: readFileSync(join(TESTDATA, 'proc', '1', 'net', 'dev'), 'utf8'),
  netstat: readFileSync(join(TESTDATA, 'proc', '1', 'net', 'netstat'), 'utf8'),
  snmp: readFileSync(join(TESTDATA, 'proc', '1', 'net', 'snmp'), 'utf8'),
  snmp6: readFileSync(join(TESTDATA, 'proc', '1', 'net', 'snmp6'), 'utf8'),
  udev: readFileSync(join(TESTDATA, 'rootfs', 'run', 'udev', 'data', 'b8:0'), 'utf8'),
};

/** Half random, half mutated real content. */
function inputs(seed: number, real: string): string[] {
  const r = rng(seed);
  const out: string[] = [real, '', '\n', ' ', real + real];
  for (let i = 0; i < ITERATIONS; i++) out.push(r() < 0.5 ? randomText(r, 300) : mutate(r, real));
  return out;
}

const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const isCount = (v: number) => Number.isFinite(v) && v >= 0 && Number.isInteger(v);

describe('parsers never throw and keep their output contracts', () => {
  test('parseDiskstats', () => {
    for (const text of inputs(SEED + 1, seeds.diskstats)) {
      for (const row of parseDiskstats(text)) {
        assert.ok(row.stats.length >= 11 && row.stats.length <= 17, JSON.stringify(text));
        assert.ok(row.stats.every(isCount));
        assert.ok(
          row.major <= 0xffffffff && row.minor <= 0xffffffff && isCount(row.major) && isCount(row.minor),
        );
        assert.ok(row.device.length > 0 && !GO_SPACE.test(row.device));
      }
    }
  });

  test('parseUdevData', () => {
    for (const text of inputs(SEED + 2, seeds.udev)) {
      for (const [k, v] of parseUdevData(text)) {
        assert.ok(!k.includes('=') && !k.includes('\n') && !v.includes('\n'));
      }
    }
  });

  test('parseMountinfo', () => {
    for (const text of inputs(SEED + 3, seeds.mountinfo)) {
      for (const m of parseMountinfo(text, '/hostfs')) {
        assert.ok(m.device.length > 0 && !GO_SPACE.test(m.device));
        assert.ok(m.fsType.length > 0 && !GO_SPACE.test(m.fsType));
        assert.ok(m.mountPoint.length > 0);
        assert.match(m.major, /^-?[0-9]+$/);
        assert.match(m.minor, /^-?[0-9]+$/);
      }
    }
  });

  test('parseNetDev', () => {
    for (const text of inputs(SEED + 4, seeds.netdev)) {
      for (const row of parseNetDev(text)) {
        assert.equal(row.values.length, 16);
        assert.ok(row.values.every(isCount));
        // procfs splits at the LAST colon, so a (kernel-impossible) name may hold one.
        assert.ok(row.name.length > 0 && row.name === goTrimSpace(row.name), JSON.stringify(row.name));
      }
    }
  });

  test('parseNetStats and parseSnmp6', () => {
    for (const [seed, real] of [
      [SEED + 5, seeds.netstat],
      [SEED + 6, seeds.snmp],
    ] as const) {
      for (const text of inputs(seed, real)) {
        for (const [proto, fields] of parseNetStats(text)) {
          assert.ok(!proto.includes('\n'));
          for (const [k, v] of fields)
            assert.ok(typeof k === 'string' && typeof v === 'string' && !v.includes('\n'));
        }
      }
    }
    for (const text of inputs(SEED + 7, seeds.snmp6)) {
      for (const [proto, fields] of parseSnmp6(text)) {
        assert.ok(proto.endsWith('6'));
        for (const v of fields.values()) assert.ok(v.length > 0);
      }
    }
  });

  test('Go number parsers and goFields', () => {
    const r = rng(SEED + 8);
    for (let i = 0; i < ITERATIONS * 4; i++) {
      const s = r() < 0.5 ? randomText(r, 24) : TOKENS[Math.floor(r() * TOKENS.length)]! + randomText(r, 3);
      const u = parseGoUint(s);
      if (u !== undefined) assert.ok(isCount(u) && /^[0-9]+$/.test(s), s);
      const n = parseGoInt(s);
      if (n !== undefined) assert.ok(Number.isInteger(n), s);
      const f = parseGoFloat(s);
      if (f !== undefined && !Number.isNaN(f) && /^[0-9]{1,300}$/.test(s)) assert.equal(f, Number(s));
      for (const field of goFields(s))
        assert.ok(field.length > 0 && !GO_SPACE.test(field), JSON.stringify(s));
    }
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'wc-fuzz-b-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function put(root: string, rel: string, text: string): void {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

// A sample line of the text format: name, optional {labels}, a Go-formatted float.
const SAMPLE_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (NaN|[+-]Inf|-?[0-9.]+(e[+-][0-9]+)?)$/;

test('collectors on fuzzed host trees resolve and render a valid exposition', async () => {
  const r = rng(SEED + 9);
  const diskstats = createDiskstatsCollector();
  const filesystem = createFilesystemCollector({
    mountTimeoutMs: 20,
    statfs: (p) =>
      r() < 0.1
        ? Promise.reject(Object.assign(new Error('EIO: i/o error, statfs'), { code: 'EIO' }))
        : Promise.resolve({
            bsize: 4096,
            blocks: Math.floor(r() * 1e9),
            bfree: 1,
            bavail: 1,
            files: p.length,
            ffree: 0,
          }),
  });
  const netdev = createNetdevCollector();
  const netstat = createNetstatCollector();
  for (let round = 0; round < COLLECTOR_ROUNDS; round++) {
    const root = join(tmp, `r${round}`);
    const pick = (real: string) => (r() < 0.3 ? randomText(r, 400) : mutate(r, real));
    put(root, 'proc/diskstats', pick(seeds.diskstats));
    put(root, 'proc/1/mountinfo', pick(seeds.mountinfo));
    put(root, 'proc/1/net/dev', pick(seeds.netdev));
    put(root, 'proc/1/net/netstat', pick(seeds.netstat));
    put(root, 'proc/1/net/snmp', pick(seeds.snmp));
    put(root, 'proc/1/net/snmp6', pick(seeds.snmp6));
    put(root, 'rootfs/run/udev/data/b8:0', pick(seeds.udev));
    put(root, 'sys/block/sda/queue/rotational', randomText(r, 4));
    put(root, 'sys/class/net/ens5/statistics/rx_nohandler', randomText(r, 4));
    const paths: HostPaths = {
      proc: join(root, 'proc'),
      sys: join(root, 'sys'),
      rootfs: join(root, 'rootfs'),
    };
    for (const c of [diskstats, filesystem, netdev, netstat]) {
      const fams = await c.collect({ paths, nowMs: 0 });
      for (const line of renderFamilies(fams).split('\n')) {
        if (line === '' || line.startsWith('# ')) continue;
        assert.match(line, SAMPLE_LINE, `${c.name} round ${round}`);
      }
    }
  }
});

// The netstat collector cuts only the kept values out of the files, with caches that outlive a
// scrape; parseNetStats / parseSnmp6 read everything. Both must select the same series: this is
// the collector's documented merge, written out on top of the full parsers.
function netstatReference(netstat: string, snmp: string, snmp6: string | undefined): string[] {
  const merged = parseNetStats(netstat);
  for (const [p, f] of parseNetStats(snmp)) merged.set(p, f);
  if (snmp6 !== undefined) for (const [p, f] of parseSnmp6(snmp6)) merged.set(p, f);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [protocol, stats] of merged)
    for (const [name, raw] of stats) {
      const key = `${protocol}_${name}`;
      if (!NETSTAT_DEFAULT_FIELDS.test(key) || !/^[a-zA-Z0-9_:]+$/.test(key) || seen.has(key)) continue;
      seen.add(key);
      const v = parseGoFloat(raw);
      if (v !== undefined) out.push(`node_netstat_${key} ${v} Statistic ${protocol}${name}.`);
    }
  return out.sort();
}

test('the netstat collector selects what the full parsers select (differential, one collector across rounds)', async () => {
  const r = rng(SEED + 99);
  const tmp = mkdtempSync(join(tmpdir(), 'wc-fuzz-netstat-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const netstat = createNetstatCollector(); // shared: its caches see every round's layouts
  for (let round = 0; round < 300; round++) {
    const pick = (real: string) => (r() < 0.2 ? randomText(r, 400) : r() < 0.3 ? real : mutate(r, real));
    const files = {
      netstat: pick(seeds.netstat),
      snmp: pick(seeds.snmp),
      snmp6: r() < 0.1 ? undefined : pick(seeds.snmp6),
    };
    const net = join(tmp, `r${round}`, 'proc', '1', 'net');
    mkdirSync(net, { recursive: true });
    writeFileSync(join(net, 'netstat'), files.netstat);
    writeFileSync(join(net, 'snmp'), files.snmp);
    if (files.snmp6 !== undefined) writeFileSync(join(net, 'snmp6'), files.snmp6);
    const root = join(tmp, `r${round}`);
    const fams = await netstat.collect({
      paths: { proc: join(root, 'proc'), sys: join(root, 'sys'), rootfs: root },
      nowMs: 0,
    });
    const got = fams.map((f) => `${f.name} ${f.samples[0]!.value} ${f.help}`).sort();
    assert.deepEqual(got, netstatReference(files.netstat, files.snmp, files.snmp6), `round ${round}`);
  }
});
