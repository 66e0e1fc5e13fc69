import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { meminfoCollector, parseMeminfo } from './meminfo.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'meminfo.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-meminfo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('meminfo', () => {
  test('node_memory_* gauges, kB → bytes, upstream 1.9.1 names (reviewed expected output)', async () => {
    const f = await meminfoCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    const m = new Map(f.map((x) => [x.name, x]));
    assert.equal(m.get('node_memory_MemTotal_bytes')!.samples[0]!.value, 24683584 * 1024);
    assert.equal(m.get('node_memory_MemTotal_bytes')!.help, 'Memory information field MemTotal_bytes.');
    assert.equal(m.get('node_memory_Active_anon_bytes')!.samples[0]!.value, 1520 * 1024);
    assert.equal(m.get('node_memory_Inactive_file_bytes')!.samples[0]!.value, 1004792 * 1024);
    assert.equal(m.get('node_memory_VmallocTotal_bytes')!.samples[0]!.value, 34359738367 * 1024);
    // Page counts keep their names and values.
    assert.equal(m.get('node_memory_HugePages_Total')!.samples[0]!.value, 16);
    assert.equal(m.get('node_memory_HugePages_Free')!.samples[0]!.value, 12);
    assert.equal(m.get('node_memory_Hugepagesize_bytes')!.samples[0]!.value, 2048 * 1024);
    for (const x of f) assert.equal(x.type, 'gauge');
    // Fields node_exporter 1.9.1 does not report (1.5.0 did), though the file has them.
    for (const gone of [
      'Zswap_bytes',
      'KReclaimable_bytes',
      'FileHugePages_bytes',
      'Hugetlb_bytes',
      'SecPageTables_bytes',
    ])
      assert.ok(!m.has(`node_memory_${gone}`), gone);
    assert.equal(f.length, 46);
  });

  test('malformed lines are skipped; Go integer literals accepted; the last duplicate wins', async () => {
    const f = await meminfoCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(
      [...parseMeminfo(readFileSync(join(TESTDATA, 'system-malformed', 'proc', 'meminfo'), 'utf8'))].sort(),
      [
        ['HugePages_Free', 2], // a page count with a kB unit is still a count
        ['HugePages_Total', 3],
        ['Hugepagesize_bytes', 2097152],
        ['Inactive_file_bytes', 16384], // 0x10 kB
        ['MemTotal_bytes', 2048000],
        ['SwapTotal_bytes', 7], // no unit: the value as is
      ],
    );
  });

  test('no /proc/meminfo fails the collector', async () => {
    await assert.rejects(
      meminfoCollector.collect({
        paths: { proc: join(tmp, 'proc'), sys: join(tmp, 'sys'), rootfs: tmp },
        nowMs: 0,
      }),
      /couldn't get meminfo: ENOENT/,
    );
  });
});
