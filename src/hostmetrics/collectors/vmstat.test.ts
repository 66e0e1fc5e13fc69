import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { VMSTAT_DEFAULT_FIELDS, createVmstatCollector, parseVmstat, vmstatCollector } from './vmstat.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'vmstat.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-vmstat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('vmstat', () => {
  test('exactly the fields the default regex selects, untyped (reviewed expected output)', async () => {
    const f = await vmstatCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    const all = parseVmstat(readFileSync(join(TESTDATA, 'system-host', 'proc', 'vmstat'), 'utf8'));
    assert.ok(all.length > 150);
    assert.deepEqual(
      f.map((x) => x.name.slice('node_vmstat_'.length)),
      all
        .map(([k]) => k)
        .filter((k) => VMSTAT_DEFAULT_FIELDS.test(k))
        .sort(),
    );
    assert.deepEqual(
      f.map((x) => x.name),
      [
        'node_vmstat_oom_kill',
        'node_vmstat_pgfault',
        'node_vmstat_pgmajfault',
        'node_vmstat_pgpgin',
        'node_vmstat_pgpgout',
        'node_vmstat_pswpin',
        'node_vmstat_pswpout',
      ],
    );
    const oom = f[0]!;
    assert.equal(oom.type, 'untyped');
    assert.equal(oom.help, '/proc/vmstat information field oom_kill.');
    assert.equal(oom.samples[0]!.value, 2);
  });

  test('a fields option replaces the default regex', async () => {
    const f = await createVmstatCollector({ fields: /^nr_(free|dirty)_/g }).collect({
      paths: fixture('system-host'),
      nowMs: 0,
    });
    assert.deepEqual(
      f.map((x) => x.name),
      [
        'node_vmstat_nr_dirty_background_threshold',
        'node_vmstat_nr_dirty_threshold',
        'node_vmstat_nr_free_cma',
        'node_vmstat_nr_free_pages',
        'node_vmstat_nr_free_pages_blocks',
      ],
    );
  });

  test('malformed lines and unusable names are skipped; the first duplicate wins; missing file fails', async () => {
    const f = await vmstatCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(
      f.map((x) => [x.name, x.samples[0]!.value]),
      [
        ['node_vmstat_oom_kill', 3],
        ['node_vmstat_pgpgin', 1000],
        ['node_vmstat_pgpgout', 2 ** 64],
        ['node_vmstat_pswpin', 4],
      ],
    );
    await assert.rejects(
      vmstatCollector.collect({ paths: { proc: join(tmp, 'proc'), sys: tmp, rootfs: tmp }, nowMs: 0 }),
      /ENOENT/,
    );
  });
});
