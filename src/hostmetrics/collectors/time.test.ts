import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { createTimeCollector, readClocksources } from './time.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'time.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-time-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
/** 2024-07-01T12:00:00.250Z, as the expected files were produced. */
const NOW = Date.UTC(2024, 6, 1, 12, 0, 0, 250);
const zoneOf = (f: Family[]) => f.find((x) => x.name === 'node_time_zone_offset_seconds')!.samples[0]!;

describe('time', () => {
  test("time, the host's zone through root_path, clocksources (reviewed expected output)", async () => {
    // The fixture's etc/localtime is an ABSOLUTE link to /usr/share/zoneinfo/Europe/Berlin: it
    // must be followed inside the root, to the fixture's own copy.
    const f = await createTimeCollector({ TZ: 'Asia/Kolkata' }).collect({
      paths: fixture('system-host'),
      nowMs: NOW,
    });
    assert.equal(renderFamilies(f), expected('system-host'));
    assert.equal(f.find((x) => x.name === 'node_time_seconds')!.samples[0]!.value, 1719835200.25);
    // This process's TZ says nothing of the host: ignored under a root_path.
    assert.deepEqual(zoneOf(f), { labels: [['time_zone', 'CEST']], value: 7200 });
    const winter = await createTimeCollector({}).collect({
      paths: fixture('system-host'),
      nowMs: Date.UTC(2024, 0, 15),
    });
    assert.deepEqual(zoneOf(winter), { labels: [['time_zone', 'CET']], value: 3600 });
    for (const x of f) assert.equal(x.type, 'gauge');
    assert.deepEqual(
      f.find((x) => x.name === 'node_time_clocksource_available_info')!.samples.map((s) => s.labels),
      [
        [
          ['clocksource', 'acpi_pm'],
          ['device', '0'],
        ],
        [
          ['clocksource', 'hpet'],
          ['device', '0'],
        ],
        [
          ['clocksource', 'tsc'],
          ['device', '0'],
        ],
      ],
    );
  });

  test('"device" is the position in byte order, not the number in the name; a broken zone file is UTC', async () => {
    const f = await createTimeCollector({}).collect({ paths: fixture('system-malformed'), nowMs: NOW });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(readClocksources(fixture('system-malformed').sys), [
      { available: ['tsc', 'hpet'], current: 'tsc' },
      { available: ['arch_sys_counter'], current: 'arch_sys_counter' },
      { available: ['jiffies'], current: 'jiffies' }, // clocksource10: device "2"
    ]);
    assert.deepEqual(zoneOf(f), { labels: [['time_zone', 'UTC']], value: 0 });
  });

  test('no sysfs and no zone file: time and UTC only', async () => {
    const f = await createTimeCollector({}).collect({
      paths: { proc: join(tmp, 'proc'), sys: join(tmp, 'sys'), rootfs: tmp },
      nowMs: 1_000_000,
    });
    assert.deepEqual(
      f.map((x) => [x.name, x.samples]),
      [
        ['node_time_seconds', [{ labels: [], value: 1000 }]],
        ['node_time_zone_offset_seconds', [{ labels: [['time_zone', 'UTC']], value: 0 }]],
      ],
    );
  });

  test('an unreadable clocksource fails the collector, as upstream', async (t) => {
    const d = join(tmp, 'unreadable');
    cpSync(join(TESTDATA, 'system-host', 'sys'), join(d, 'sys'), { recursive: true });
    const cs = join(d, 'sys', 'devices', 'system', 'clocksource', 'clocksource0');
    rmSync(join(cs, 'current_clocksource'));
    mkdirSync(join(cs, 'current_clocksource')); // EISDIR on read
    await assert.rejects(
      createTimeCollector({}).collect({
        paths: { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d },
        nowMs: 0,
      }),
      /couldn't get clocksources/,
    );
    if (process.getuid?.() === 0) {
      t.diagnostic('running as root: permission-denied case not testable, EISDIR covered it');
      return;
    }
    rmSync(join(cs, 'current_clocksource'), { recursive: true });
    writeFileSync(join(cs, 'current_clocksource'), 'tsc\n');
    chmodSync(join(cs, 'current_clocksource'), 0);
    await assert.rejects(
      createTimeCollector({}).collect({
        paths: { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d },
        nowMs: 0,
      }),
      /couldn't get clocksources/,
    );
  });
});
