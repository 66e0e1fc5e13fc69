// The time zone machinery behind node_time_zone_offset_seconds: TZif parsing, POSIX TZ rules,
// Go's choice of the local zone, and symbolic links followed inside a root.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LocalZone, UTC, loadLocalZone, resolveInRoot } from './timezone.ts';
import { evalTzRule, parseTzRule, transitionTime } from './tz-rule.ts';
import { parseTzif, zoneAt } from './tzif.ts';
import type { TzifZone } from './tzif.ts';

const ZONEINFO = join(import.meta.dirname, 'testdata', 'zoneinfo');
const BERLIN = join(
  import.meta.dirname,
  'testdata',
  'system-host',
  'rootfs',
  'usr',
  'share',
  'zoneinfo',
  'Europe',
  'Berlin',
);
const load = (name: string): TzifZone => parseTzif(readFileSync(join(ZONEINFO, name)))!;
const sec = (iso: string): number => Date.parse(iso) / 1000;
const tmp = mkdtempSync(join(tmpdir(), 'wc-tz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const formats = new Map<string, Intl.DateTimeFormat>();
/** ICU's offset (seconds east) of a zone at an instant: an independent reading of tzdata. */
function icuOffset(zone: string, s: number): number {
  let f = formats.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, f);
  }
  const part = f.formatToParts(new Date(s * 1000)).find((p) => p.type === 'timeZoneName')!.value; // "GMT+05:30", "GMT-04:00", "GMT"
  const m = /^GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/.exec(part)!;
  if (m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
}

describe('POSIX TZ rules', () => {
  test('parse: names, quoted names, offsets east, default DST offset and rules', () => {
    assert.deepEqual(parseTzRule('UTC0'), { stdName: 'UTC', stdOffset: 0 });
    assert.deepEqual(parseTzRule('IST-5:30'), { stdName: 'IST', stdOffset: 19800 });
    assert.deepEqual(parseTzRule('<-03>3'), { stdName: '-03', stdOffset: -10800 });
    const chatham = parseTzRule('<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45')!;
    assert.equal(chatham.stdOffset, 45900);
    assert.equal(chatham.dst!.offset, 49500); // standard + 1 h
    assert.deepEqual(chatham.dst!.start, { kind: 'M', month: 9, week: 5, day: 0, time: 9900 });
    const us = parseTzRule('EST5EDT')!; // DST without rules: the US ones
    assert.deepEqual(
      [us.dst!.start.month, us.dst!.start.week, us.dst!.end.month, us.dst!.end.week],
      [3, 2, 11, 1],
    );
    assert.deepEqual(parseTzRule('XXX3YYY,J60/-1,300/167'), {
      stdName: 'XXX',
      stdOffset: -10800,
      dst: {
        name: 'YYY',
        offset: -7200,
        start: { kind: 'J', day: 60, month: 0, week: 0, time: -3600 },
        end: { kind: 'N', day: 300, month: 0, week: 0, time: 167 * 3600 },
      },
    });
    assert.equal(parseTzRule('EST5,M3.2.0,M11.1.0')!.dst, undefined); // no DST name: no DST
    for (const bad of [
      '',
      'AB1',
      'UTC',
      '<UTC0',
      'EST5EDT,M3.2.0',
      'EST5EDT,M13.1.0,M11.1.0',
      'EST5EDT,M3.6.0,M11.1.0',
      'EST169',
      'EST5EDT,M3.2.0,M11.1.0x',
      'EST5:60',
    ])
      assert.equal(parseTzRule(bad), undefined, bad);
  });

  test('transition instants: northern, southern, /24 and half-hour rules', () => {
    const berlin = parseTzRule('CET-1CEST,M3.5.0,M10.5.0/3')!;
    assert.equal(transitionTime(2030, berlin.dst!.start, berlin.stdOffset), sec('2030-03-31T01:00:00Z'));
    assert.equal(transitionTime(2030, berlin.dst!.end, berlin.dst!.offset), sec('2030-10-27T01:00:00Z'));
    assert.deepEqual(evalTzRule(berlin, sec('2030-03-31T00:59:59Z')), {
      name: 'CET',
      offset: 3600,
      isDst: false,
    });
    assert.deepEqual(evalTzRule(berlin, sec('2030-03-31T01:00:00Z')), {
      name: 'CEST',
      offset: 7200,
      isDst: true,
    });
    const lordHowe = parseTzRule('<+1030>-10:30<+11>-11,M10.1.0,M4.1.0')!;
    // Southern hemisphere: DST across the year's turn; +30 min DST.
    assert.equal(evalTzRule(lordHowe, sec('2030-01-15T00:00:00Z')).name, '+11');
    assert.equal(evalTzRule(lordHowe, sec('2030-04-06T14:59:59Z')).offset, 39600);
    assert.equal(evalTzRule(lordHowe, sec('2030-04-06T15:00:00Z')).offset, 37800);
    assert.equal(evalTzRule(lordHowe, sec('2030-10-05T15:29:59Z')).offset, 37800);
    assert.equal(evalTzRule(lordHowe, sec('2030-10-05T15:30:00Z')).offset, 39600);
    const santiago = parseTzRule('<-04>4<-03>,M9.1.6/24,M4.1.6/24')!;
    // First Saturday of September 2030 is the 7th; 24:00 local (-04) is 04:00 UTC on the 8th.
    assert.equal(evalTzRule(santiago, sec('2030-09-08T03:59:59Z')).offset, -14400);
    assert.equal(evalTzRule(santiago, sec('2030-09-08T04:00:00Z')).offset, -10800);
    // J60 is March 1 in every year; 59 (zero-based) is Feb 29 in a leap year.
    const j = parseTzRule('AAA0BBB,J60/0,59/0')!;
    assert.equal(transitionTime(2028, j.dst!.start, 0), sec('2028-03-01T00:00:00Z'));
    assert.equal(transitionTime(2028, j.dst!.end, 0), sec('2028-02-29T00:00:00Z'));
  });
});

describe('TZif files', () => {
  test('the committed zones parse, with their footers', () => {
    for (const [name, footerStd] of [
      ['Pacific/Chatham', '+1245'],
      ['Australia/Lord_Howe', '+1030'],
      ['America/Santiago', '-04'],
      ['America/New_York', 'EST'],
      ['Asia/Kolkata', 'IST'],
      ['Etc/UTC', 'UTC'],
    ] as const) {
      const z = load(name);
      assert.equal(z.extend?.stdName, footerStd, name);
      assert.equal(z.index.length, z.when.length);
    }
    assert.deepEqual(zoneAt(load('Etc/UTC'), 0), { name: 'UTC', offset: 0, isDst: false });
  });

  test('abbreviations and offsets at known instants (table and footer)', () => {
    const z = parseTzif(readFileSync(BERLIN))!;
    assert.deepEqual(zoneAt(z, sec('2024-07-01T12:00:00Z')), { name: 'CEST', offset: 7200, isDst: true });
    assert.deepEqual(zoneAt(z, sec('2024-01-15T12:00:00Z')), { name: 'CET', offset: 3600, isDst: false });
    assert.deepEqual(zoneAt(z, sec('2099-07-01T12:00:00Z')), { name: 'CEST', offset: 7200, isDst: true });
    assert.deepEqual(zoneAt(z, sec('1800-01-01T00:00:00Z')), { name: 'LMT', offset: 3208, isDst: false });
    assert.deepEqual(zoneAt(load('Asia/Kolkata'), sec('2024-07-01T12:00:00Z')), {
      name: 'IST',
      offset: 19800,
      isDst: false,
    });
    assert.equal(zoneAt(load('America/New_York'), sec('2024-07-01T12:00:00Z')).name, 'EDT');
    assert.equal(zoneAt(load('Australia/Lord_Howe'), sec('2060-12-25T00:00:00Z')).name, '+11');
  });

  test('offsets agree with ICU every 3 days 1990-2100 and at each footer transition 2030-2100', () => {
    const zones = [
      'Pacific/Chatham',
      'Australia/Lord_Howe',
      'America/Santiago',
      'America/New_York',
      'Asia/Kolkata',
    ];
    let checked = 0;
    for (const name of zones) {
      const z = load(name);
      for (let s = sec('1990-01-01T00:00:00Z'); s < sec('2100-01-01T00:00:00Z'); s += 3 * 86400 + 3607) {
        assert.equal(
          zoneAt(z, s).offset,
          icuOffset(name, s),
          `${name} at ${new Date(s * 1000).toISOString()}`,
        );
        checked++;
      }
      const rule = z.extend!;
      if (rule.dst === undefined) continue;
      for (let year = 2030; year <= 2100; year++) {
        for (const [d, off] of [
          [rule.dst.start, rule.stdOffset],
          [rule.dst.end, rule.dst.offset],
        ] as const) {
          const t = transitionTime(year, d, off);
          for (const s of [t - 1, t]) {
            assert.equal(
              zoneAt(z, s).offset,
              icuOffset(name, s),
              `${name} at ${new Date(s * 1000).toISOString()}`,
            );
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 60000);
  });

  test('version 1 files and files without transitions', () => {
    // A v1 file: header, one transition at 0 to type 1, types LMT(+60 s) and XST(+3600 s).
    const chars = Buffer.from('LMT\0XST\0', 'latin1');
    const body = Buffer.alloc(4 + 1 + 12 + chars.length);
    body.writeInt32BE(0, 0);
    body[4] = 1;
    body.writeInt32BE(60, 5);
    body.writeInt32BE(3600, 11);
    body[16] = 4; // XST's name at 4
    chars.copy(body, 17);
    const header = Buffer.alloc(44);
    header.write('TZif', 0, 'latin1');
    [0, 0, 0, 1, 2, chars.length].forEach((n, i) => header.writeUInt32BE(n, 20 + 4 * i));
    const v1 = parseTzif(Buffer.concat([header, body]))!;
    assert.deepEqual(zoneAt(v1, -10), { name: 'LMT', offset: 60, isDst: false });
    assert.deepEqual(zoneAt(v1, 10), { name: 'XST', offset: 3600, isDst: false });
    assert.equal(v1.extend, undefined);
    // Truncated anywhere: undefined, never a throw.
    const whole = readFileSync(BERLIN);
    for (let n = 0; n < whole.length - 1; n += 7) {
      const z = parseTzif(whole.subarray(0, n));
      if (z !== undefined) assert.ok(z.types.length > 0);
    }
  });
});

describe("the local zone (Go's rules)", () => {
  test('symbolic links are followed inside the root, absolute ones included; loops end', () => {
    const root = join(tmp, 'root');
    // A zone directory this machine certainly lacks: resolving outside the root would find nothing.
    mkdirSync(join(root, 'usr', 'share', 'zoneinfo-wc', 'Pacific'), { recursive: true });
    writeFileSync(
      join(root, 'usr', 'share', 'zoneinfo-wc', 'Pacific', 'Chatham'),
      readFileSync(join(ZONEINFO, 'Pacific', 'Chatham')),
    );
    mkdirSync(join(root, 'etc'));
    symlinkSync('/usr/share/zoneinfo-wc/Pacific/Chatham', join(root, 'etc', 'localtime'));
    assert.equal(resolveInRoot(root, '/etc/localtime'), join(root, 'usr/share/zoneinfo-wc/Pacific/Chatham'));
    assert.deepEqual(new LocalZone({}).at(root, sec('2024-07-01T00:00:00Z')), {
      name: '+1245',
      offset: 45900,
      isDst: false,
    });
    // Relative, with "..", never above the root.
    symlinkSync('../../../../usr/share/zoneinfo-wc/Pacific/Chatham', join(root, 'etc', 'rel'));
    assert.equal(resolveInRoot(root, '/etc/rel'), join(root, 'usr/share/zoneinfo-wc/Pacific/Chatham'));
    symlinkSync('/etc/loop2', join(root, 'etc', 'loop1'));
    symlinkSync('/etc/loop1', join(root, 'etc', 'loop2'));
    assert.equal(resolveInRoot(root, '/etc/loop1'), undefined); // gave up after 40 links
    const looping = join(tmp, 'looping');
    mkdirSync(join(looping, 'etc'), { recursive: true });
    symlinkSync('/etc/localtime', join(looping, 'etc', 'localtime'));
    assert.equal(loadLocalZone(looping, {}), undefined);
  });

  test('TZ handling for this machine (root "/")', (t) => {
    if (!existsSync('/usr/share/zoneinfo/Asia/Kolkata')) {
      t.skip('no /usr/share/zoneinfo on this machine');
      return;
    }
    const at = (env: NodeJS.ProcessEnv) => new LocalZone(env).at('/', sec('2024-07-01T00:00:00Z'));
    assert.deepEqual(at({ TZ: 'Asia/Kolkata' }), { name: 'IST', offset: 19800, isDst: false });
    assert.deepEqual(at({ TZ: ':Asia/Kolkata' }), { name: 'IST', offset: 19800, isDst: false });
    assert.deepEqual(at({ TZ: '/usr/share/zoneinfo/Asia/Kolkata' }), {
      name: 'IST',
      offset: 19800,
      isDst: false,
    });
    assert.deepEqual(at({ TZ: '' }), UTC);
    assert.deepEqual(at({ TZ: 'UTC' }), UTC);
    assert.deepEqual(at({ TZ: 'No/Such_Zone' }), UTC);
    assert.deepEqual(at({ TZ: 'EST5EDT4,M3.2.0,M11.1.0' }), UTC); // POSIX strings are not zones to Go
    if (existsSync('/etc/localtime')) {
      const local = loadLocalZone('/', {});
      assert.ok(local !== undefined, '/etc/localtime parses');
    }
  });
});
