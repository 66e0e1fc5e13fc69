import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  parseUintRange,
  parseUptime,
} from './parse.ts';

describe('parseSingle / parseSingleInt', () => {
  it('reads a number with the kernel trailing newline, and "max"', () => {
    assert.equal(parseSingle('268435456\n'), 268435456);
    assert.equal(parseSingle('max\n'), 'max');
    assert.equal(parseSingle('  42  '), 42);
    assert.equal(parseSingle('0\n'), 0);
  });
  it('keeps v1 "unlimited" as a (rounded) number above 2^62', () => {
    const v = parseSingle('9223372036854771712\n');
    assert.ok(typeof v === 'number' && v > 2 ** 62);
  });
  it('rejects junk', () => {
    assert.equal(parseSingle(''), undefined);
    assert.equal(parseSingle('-1\n'), undefined);
    assert.equal(parseSingle('12a\n'), undefined);
    assert.equal(parseSingle('maximum'), undefined);
    assert.equal(parseSingle('1 2'), undefined);
  });
  it('parseSingleInt accepts the -1 of cpu.cfs_quota_us', () => {
    assert.equal(parseSingleInt('-1\n'), -1);
    assert.equal(parseSingleInt('50000\n'), 50000);
    assert.equal(parseSingleInt('-\n'), undefined);
    assert.equal(parseSingleInt('--1'), undefined);
  });
  it('parseUintRange is strict about digits', () => {
    assert.equal(parseUintRange('a123b', 1, 4), 123);
    assert.ok(Number.isNaN(parseUintRange('a123b', 0, 4)));
    assert.ok(Number.isNaN(parseUintRange('123', 2, 2)));
  });
});

describe('parseFlatKeyed', () => {
  const want = new Set(['total_rss', 'total_inactive_file', 'rss', 'oom_kill']);
  it('returns only the wanted keys of a v1 memory.stat', () => {
    const text =
      'cache 100\nrss 2000\nrss_huge 0\ninactive_file 7\nhierarchical_memory_limit 9223372036854771712\n' +
      'total_cache 100\ntotal_rss 150994944\ntotal_inactive_file 33554432\n';
    const kv = parseFlatKeyed(text, want);
    assert.deepEqual([...kv].sort(), [
      ['rss', 2000],
      ['total_inactive_file', 33554432],
      ['total_rss', 150994944],
    ]);
  });
  it('does not confuse a key with its prefix or suffix (rss vs rss_huge vs total_rss)', () => {
    const kv = parseFlatKeyed('rss_huge 5\ntotal_rss_huge 6\nrss 1\n', want);
    assert.deepEqual([...kv], [['rss', 1]]);
  });
  it('skips malformed lines, keeps the first of repeated keys, tolerates CRLF and no final newline', () => {
    const kv = parseFlatKeyed('rss\nrss x\n rss 3\nrss 4\r\nrss 5\noom_kill 9', want);
    assert.equal(kv.get('rss'), 4);
    assert.equal(kv.get('oom_kill'), 9);
  });
  it('skips negative values (kernel accounting underflow)', () => {
    assert.equal(parseFlatKeyed('total_rss -4096\n', want).size, 0);
  });
});

describe('parseIoStat (v2 io.stat)', () => {
  it('reads rbytes/wbytes/rios/wios per device and ignores other keys', () => {
    const rows = parseIoStat(
      '253:0 rbytes=1073741824 wbytes=2147483648 rios=65536 wios=131072 dbytes=0 dios=0\n' +
        '8:16 rbytes=4096 wbytes=0 rios=1 wios=0 cost.usage=5\n',
    );
    assert.deepEqual(rows, [
      { device: '253:0', readBytes: 1073741824, writeBytes: 2147483648, reads: 65536, writes: 131072 },
      { device: '8:16', readBytes: 4096, writeBytes: 0, reads: 1, writes: 0 },
    ]);
  });
  it('skips lines without a MAJ:MIN and values that are not numbers', () => {
    assert.deepEqual(
      parseIoStat('Total 5\nfoo rbytes=1\n8:0 rbytes=x wbytes=2\n:1 rbytes=1\n1: rbytes=1\n'),
      [{ device: '8:0', readBytes: 0, writeBytes: 2, reads: 0, writes: 0 }],
    );
  });
  it('is empty for an empty file (no I/O yet)', () => {
    assert.deepEqual(parseIoStat(''), []);
  });
});

describe('parseBlkio (v1 blkio io_serviced / io_service_bytes)', () => {
  it('keeps Read and Write per device, skips Sync/Async/Discard/Total', () => {
    const text =
      '8:0 Read 40960\n8:0 Write 81920\n8:0 Sync 81920\n8:0 Async 40960\n8:0 Discard 0\n8:0 Total 122880\n' +
      '253:0 Read 1\n253:0 Write 2\nTotal 122883\n';
    assert.deepEqual(parseBlkio(text), [
      { device: '8:0', read: 40960, write: 81920 },
      { device: '253:0', read: 1, write: 2 },
    ]);
  });
  it('is empty for "Total 0" (runc then tries the next file group)', () => {
    assert.deepEqual(parseBlkio('Total 0\n'), []);
  });
});

describe('parseCpuMax (v2 cpu.max)', () => {
  it('reads quota and period, "max" = no quota', () => {
    assert.deepEqual(parseCpuMax('max 100000\n'), { period: 100000 });
    assert.deepEqual(parseCpuMax('50000 100000\n'), { quota: 50000, period: 100000 });
  });
  it('rejects malformed content', () => {
    assert.equal(parseCpuMax('max\n'), undefined);
    assert.equal(parseCpuMax('x 100000'), undefined);
    assert.equal(parseCpuMax('100 y'), undefined);
    assert.equal(parseCpuMax(''), undefined);
  });
});

describe('parseProcs', () => {
  it('returns the first pids in file order', () => {
    assert.deepEqual(parseProcs('7001\n7002\n7003\n', 2), [7001, 7002]);
    assert.deepEqual(parseProcs('', 8), []);
    assert.deepEqual(parseProcs('1\nx\n0\n3', 8), [1, 3]);
  });
});

describe('parseMeminfo / parseUptime', () => {
  it('converts kB to bytes', () => {
    const kv = parseMeminfo(
      'MemTotal:       16318412 kB\nMemFree:  1 kB\nSwapTotal:             0 kB\nHugePages_Total:       0\n',
      new Set(['MemTotal', 'SwapTotal', 'HugePages_Total']),
    );
    assert.equal(kv.get('MemTotal'), 16318412 * 1024);
    assert.equal(kv.get('SwapTotal'), 0);
    assert.equal(kv.get('HugePages_Total'), 0);
  });
  it('reads uptime seconds', () => {
    assert.equal(parseUptime('3600.55 7000.00\n'), 3600.55);
    assert.equal(parseUptime('12\n'), 12);
    assert.equal(parseUptime('x.5 1'), undefined);
    assert.equal(parseUptime(''), undefined);
  });
});

describe('parseMountinfo', () => {
  it('reads cgroup mounts with their super options and decodes escapes', () => {
    const text =
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
      '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct\n' +
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n' +
      '50 22 0:40 /x /mnt/with\\040space rw - ext4 /dev/vdb rw\n' +
      'garbage line\n';
    const m = parseMountinfo(text);
    assert.equal(m.length, 4);
    assert.deepEqual(m[1], {
      root: '/',
      mountPoint: '/sys/fs/cgroup/cpu,cpuacct',
      fsType: 'cgroup',
      superOptions: ['rw', 'cpu', 'cpuacct'],
    });
    assert.equal(m[2]?.fsType, 'cgroup2');
    assert.equal(m[3]?.mountPoint, '/mnt/with space');
  });
});
