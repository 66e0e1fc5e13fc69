import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { createDiskstatsCollector, diskstatsCollector } from './diskstats.ts';
import { parseDiskstats, parseUdevData } from './diskstats-parse.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const collect = (paths: HostPaths, c = diskstatsCollector): Promise<Family[]> =>
  c.collect({ paths, nowMs: 0 });

function value(fams: Family[], name: string, device: string): number | undefined {
  const f = fams.find((x) => x.name === name);
  return f?.samples.find((s) => s.labels[0]![1] === device)?.value;
}
function labelsOf(fams: Family[], name: string, device: string): Record<string, string> | undefined {
  const s = fams.find((x) => x.name === name)?.samples.find((x) => x.labels[0]![1] === device);
  return s && Object.fromEntries(s.labels);
}

const tmp = mkdtempSync(join(tmpdir(), 'wc-diskstats-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
function tree(name: string, diskstats: string): HostPaths {
  const d = join(tmp, name);
  mkdirSync(join(d, 'proc'), { recursive: true });
  writeFileSync(join(d, 'proc', 'diskstats'), diskstats);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
}

describe('diskstats on a host tree', () => {
  test('exposition equals the reviewed expected output (names, HELP, TYPE, labels, order, values)', async () => {
    const got = renderFamilies(await collect(fixture('storage-net-host')));
    const want = readFileSync(join(TESTDATA, 'storage-net-host', 'expected', 'diskstats.prom'), 'utf8');
    assert.equal(got, want);
  });

  test('units: sectors x 512 bytes, milliseconds x 0.001 (Go float64 arithmetic), io_now raw', async () => {
    const f = await collect(fixture('storage-net-host'));
    assert.equal(value(f, 'node_disk_read_bytes_total', 'sda'), 468734646 * 512);
    assert.equal(value(f, 'node_disk_written_bytes_total', 'sda'), 634297208 * 512);
    assert.equal(value(f, 'node_disk_read_time_seconds_total', 'sda'), 2383.498);
    assert.equal(value(f, 'node_disk_read_time_seconds_total', 'dm-0'), 820 * 0.001); // 0.8200000000000001, as Go prints it
    assert.equal(value(f, 'node_disk_io_now', 'nvme0n1'), 2);
    assert.equal(value(f, 'node_disk_io_time_weighted_seconds_total', 'sda'), 11286.123);
    // Discarded sectors stay sectors upstream.
    assert.equal(value(f, 'node_disk_discarded_sectors_total', 'nvme0n1'), 982374120);
    assert.equal(value(f, 'node_disk_flush_requests_total', 'sda'), 1239182);
    assert.equal(value(f, 'node_disk_flush_requests_time_seconds_total', 'sda'), 342.862);
  });

  test('default exclusions: partitions, loop, ram and zram devices', async () => {
    const f = await collect(fixture('storage-net-host'));
    const devices = f.find((x) => x.name === 'node_disk_info')!.samples.map((s) => s.labels[0]![1]);
    assert.deepEqual(devices, ['dm-0', 'md0', 'nvme0n1', 'sda', 'sdb', 'sr0']);
  });

  test('node_disk_info: udev labels, SCSI_IDENT_SERIAL before ID_SERIAL_SHORT, rotational as procfs yields it', async () => {
    const f = await collect(fixture('storage-net-host'));
    assert.deepEqual(labelsOf(f, 'node_disk_info', 'sda'), {
      device: 'sda',
      major: '8',
      minor: '0',
      model: 'ST4000DM004-2CV104',
      path: 'pci-0000:00:17.0-ata-1',
      revision: '0001',
      rotational: '1',
      serial: 'ZFN0ABCD',
      wwn: '0x5000c500c1234567',
    });
    assert.equal(labelsOf(f, 'node_disk_info', 'sdb')!.serial, '6000c29d1a2b3c4d');
    // dm-0's queue/rotational says 1, but it has no queue/io_timeout: procfs gives zero stats.
    assert.equal(labelsOf(f, 'node_disk_info', 'dm-0')!.rotational, '0');
    // md0 has no /sys/block entry at all.
    assert.equal(labelsOf(f, 'node_disk_info', 'md0')!.rotational, '0');
    assert.equal(labelsOf(f, 'node_disk_info', 'nvme0n1')!.rotational, '0');
  });

  test('udev families: filesystem and device-mapper info, ATA values only when ID_ATA is set and parse', async () => {
    const f = await collect(fixture('storage-net-host'));
    assert.deepEqual(labelsOf(f, 'node_disk_filesystem_info', 'dm-0'), {
      device: 'dm-0',
      type: 'ext4',
      usage: 'filesystem',
      uuid: '4b9d3e2a-1c7f-4a8e-b5d6-0f2e9c8a7b61',
      version: '1.0',
    });
    assert.equal(labelsOf(f, 'node_disk_device_mapper_info', 'dm-0')!.vg_name, 'vg0');
    assert.equal(value(f, 'node_disk_ata_rotation_rate_rpm', 'sda'), 5425);
    assert.equal(value(f, 'node_disk_ata_rotation_rate_rpm', 'sdb'), 0);
    // sdb: ID_ATA_WRITE_CACHE=unknown does not parse, ID_ATA_WRITE_CACHE_ENABLED is absent.
    assert.equal(value(f, 'node_disk_ata_write_cache', 'sdb'), undefined);
    assert.equal(value(f, 'node_disk_ata_write_cache_enabled', 'sdb'), undefined);
    // nvme0n1 has udev data but no ID_ATA.
    assert.equal(value(f, 'node_disk_ata_rotation_rate_rpm', 'nvme0n1'), undefined);
  });

  test('labels are in client_golang order (sorted by name) in every family', async () => {
    for (const fam of await collect(fixture('storage-net-host'))) {
      for (const s of fam.samples) {
        const names = s.labels.map(([k]) => k);
        assert.deepEqual(names, [...names].sort(), fam.name);
      }
    }
  });
});

describe('kernel formats', () => {
  test('11, 15 and 17 counters: the discard and flush families exist only when the kernel wrote them', async () => {
    const cases: [string, number, boolean, boolean][] = [
      ['   8 0 sda 1 2 3 4 5 6 7 8 9 10 11', 11, false, false],
      ['   8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15', 15, true, false],
      ['   8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17', 17, true, true],
      // More than 20 fields (a future kernel): the first 17 counters, as Sscanf's 20 verbs.
      ['   8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19', 17, true, true],
    ];
    for (const [line, n, discard, flush] of cases) {
      const f = await collect(tree(`fmt${n}-${line.length}`, line + '\n'));
      const counters = f.filter((x) => x.name !== 'node_disk_info');
      assert.equal(counters.length, n, line);
      assert.equal(
        f.some((x) => x.name === 'node_disk_discards_completed_total'),
        discard,
        line,
      );
      assert.equal(
        f.some((x) => x.name === 'node_disk_flush_requests_total'),
        flush,
        line,
      );
    }
  });

  test('fewer than 11 counters: the line is not a device (procfs keeps 14+ fields)', () => {
    assert.deepEqual(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10\n'), []);
  });
});

describe('malformed and missing input', () => {
  test('a malformed line is skipped, the rest is collected', async () => {
    const f = await collect(fixture('storage-net-malformed'));
    const devices = f.find((x) => x.name === 'node_disk_info')!.samples.map((s) => s.labels[0]![1]);
    // sdb (non-numeric), sdc (short), sdd (> 2^64-1), sde (major > 2^32-1), sdg (negative) are skipped;
    // sdf is tab separated with 11 counters; nvme0n1 has 20 counters of which 17 count.
    assert.deepEqual(devices, ['nvme0n1', 'sda', 'sdf']);
    assert.equal(value(f, 'node_disk_read_bytes_total', 'sdf'), 56 * 512);
    assert.equal(value(f, 'node_disk_discards_completed_total', 'sdf'), undefined);
    assert.equal(value(f, 'node_disk_flush_requests_time_seconds_total', 'nvme0n1'), 0);
  });

  test('no /proc/diskstats: the collector fails (node_scrape_collector_success 0 upstream)', async () => {
    await assert.rejects(
      collect({ proc: join(tmp, 'none'), sys: tmp, rootfs: tmp }),
      /couldn't get diskstats: ENOENT/,
    );
  });

  test('udev data: only E: lines, later keys win, CR dropped', () => {
    const m = parseUdevData('S:disk/by-id/x\nE:A=1\nE:B=x=y\r\nE:A=2\nE:NOEQUALS\nI:123\n');
    assert.deepEqual(
      [...m],
      [
        ['A', '2'],
        ['B', 'x=y'],
      ],
    );
  });

  test('a custom exclude regex replaces the default', async () => {
    const c = createDiskstatsCollector({ deviceExclude: /^(sd|sr|md)/g });
    const f = await collect(fixture('storage-net-host'), c);
    const devices = f.find((x) => x.name === 'node_disk_info')!.samples.map((s) => s.labels[0]![1]);
    assert.deepEqual(devices, ['dm-0', 'loop0', 'nvme0n1', 'nvme0n1p1', 'ram0', 'zram0']);
  });
});

test('this machine: every non-excluded /proc/diskstats device is collected', async (t) => {
  if (!existsSync('/proc/diskstats')) return t.skip('no /proc/diskstats on this machine');
  const live = { proc: '/proc', sys: '/sys', rootfs: '/' };
  const f = await collect(live);
  const want = parseDiskstats(readFileSync('/proc/diskstats', 'utf8'))
    .map((r) => r.device)
    .filter((d) => !/^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/.test(d))
    .sort();
  const got = (f.find((x) => x.name === 'node_disk_info')?.samples ?? []).map((s) => s.labels[0]![1]);
  assert.deepEqual(got, want);
});
