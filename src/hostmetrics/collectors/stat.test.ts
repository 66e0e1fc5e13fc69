import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { statCollector } from './stat.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'stat.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-stat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('stat', () => {
  test('the six /proc/stat families with upstream names, types and HELP (reviewed expected output)', async () => {
    const f = await statCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    assert.deepEqual(
      f.map((x) => [x.name, x.type, x.samples[0]!.value]),
      [
        ['node_boot_time_seconds', 'gauge', 1717171717],
        ['node_context_switches_total', 'counter', 2308871441],
        ['node_forks_total', 'counter', 6712094],
        ['node_intr_total', 'counter', 1183240915],
        ['node_procs_blocked', 'gauge', 1],
        ['node_procs_running', 'gauge', 3],
      ],
    );
    // softirqs are behind a flag that is off by default.
    assert.ok(!f.some((x) => x.name === 'node_softirqs_total'));
  });

  test('malformed or missing lines leave their family out; the intr per-IRQ counts do not matter', async () => {
    const f = await statCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(
      f.map((x) => [x.name, x.samples[0]!.value]),
      [
        ['node_intr_total', 4242],
        ['node_procs_blocked', 0],
      ],
    );
  });

  test('no /proc/stat fails the collector', async () => {
    await assert.rejects(
      statCollector.collect({
        paths: { proc: join(tmp, 'proc'), sys: join(tmp, 'sys'), rootfs: tmp },
        nowMs: 0,
      }),
      /ENOENT/,
    );
  });
});
