import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { parsePsi, pressureCollector } from './pressure.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'pressure.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-pressure-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function host(name: string, files: Record<string, string>): HostPaths {
  const d = join(tmp, name);
  mkdirSync(join(d, 'proc', 'pressure'), { recursive: true });
  for (const [k, v] of Object.entries(files)) writeFileSync(join(d, 'proc', 'pressure', k), v);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
}

describe('pressure', () => {
  test('some/full totals in seconds for cpu, io, memory, irq (reviewed expected output)', async () => {
    const f = await pressureCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    assert.deepEqual(
      f.map((x) => [x.name, x.type, x.samples[0]!.value]),
      [
        ['node_pressure_cpu_waiting_seconds_total', 'counter', 2075.517528],
        ['node_pressure_io_stalled_seconds_total', 'counter', 60.435001],
        ['node_pressure_io_waiting_seconds_total', 'counter', 81.874172],
        ['node_pressure_irq_stalled_seconds_total', 'counter', 0.004711],
        ['node_pressure_memory_stalled_seconds_total', 'counter', 0.987654],
        ['node_pressure_memory_waiting_seconds_total', 'counter', 1.234567],
      ],
    );
    // The cpu file's "full" line is not reported.
    assert.ok(!f.some((x) => x.name.startsWith('node_pressure_cpu_stalled')));
  });

  test('microseconds → seconds as Go computes it: /1000 then /1000', async () => {
    // 0.1+0.2-style rounding: dividing twice differs from dividing by 1e6 for some totals.
    let differs = 0;
    for (let us = 1; us < 2000; us += 7) if (us / 1000 / 1000 !== us / 1e6) differs++;
    assert.ok(differs > 0, 'the two formulas must differ somewhere for this test to mean anything');
    for (const total of [1, 3, 7, 301, 1001, 123456789]) {
      const f = await pressureCollector.collect({
        paths: host(`us${total}`, {
          io: `some avg10=0 avg60=0 avg300=0 total=${total}\nfull avg10=0 avg60=0 avg300=0 total=${total}\n`,
        }),
        nowMs: 0,
      });
      assert.equal(f[0]!.samples[0]!.value, total / 1000 / 1000);
    }
  });

  test('malformed lines, and resources lacking their line, are skipped (reviewed expected output)', async () => {
    const f = await pressureCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(parsePsi('some avg10=1.00avg60=2.00  avg300=3.00 total=4 tail\n'), {
      some: { avg10: 1, avg60: 2, avg300: 3, total: 4 },
    });
    assert.deepEqual(
      parsePsi('some\tavg10=1 avg60=2 avg300=3 total=4\nfull avg10=1 avg60=2 avg300=3 total=-4\n'),
      {},
    );
  });

  test('no pressure files at all, or only unusable ones: "no data" failure, like upstream ErrNoData', async () => {
    await assert.rejects(pressureCollector.collect({ paths: host('none', {}), nowMs: 0 }), /no data/);
    await assert.rejects(
      pressureCollector.collect({ paths: host('bad', { cpu: 'garbage\n' }), nowMs: 0 }),
      /no data/,
    );
    // irq alone is enough (and missing irq alone is fine: see the fixture tests).
    const f = await pressureCollector.collect({
      paths: host('irq', { irq: 'full avg10=0.00 avg60=0.00 avg300=0.00 total=2000000\n' }),
      nowMs: 0,
    });
    assert.deepEqual(
      f.map((x) => [x.name, x.samples[0]!.value]),
      [['node_pressure_irq_stalled_seconds_total', 2]],
    );
  });

  test('a read error other than "not there" fails the collector', async (t) => {
    const p = host('eisdir', {});
    mkdirSync(join(p.proc, 'pressure', 'cpu'));
    await assert.rejects(
      pressureCollector.collect({ paths: p, nowMs: 0 }),
      /failed to retrieve pressure stats: EISDIR/,
    );
    let real: string | undefined;
    try {
      real = readFileSync('/proc/pressure/cpu', 'utf8');
    } catch {
      t.skip('this kernel has no PSI (/proc/pressure/cpu)');
      return;
    }
    assert.ok(parsePsi(real).some !== undefined, "the running kernel's cpu pressure file parses");
  });
});
