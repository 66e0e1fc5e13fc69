import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { loadavgCollector, parseLoadavg } from './loadavg.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'loadavg.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-loadavg-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadavg', () => {
  test('node_load1/5/15 from the first three fields (reviewed expected output)', async () => {
    const f = await loadavgCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    assert.deepEqual(
      f.map((x) => [x.name, x.type, x.help, x.samples[0]!.value]),
      [
        ['node_load1', 'gauge', '1m load average.', 0.52],
        ['node_load15', 'gauge', '15m load average.', 0.59],
        ['node_load5', 'gauge', '5m load average.', 0.58],
      ],
    );
  });

  test('a malformed value is left out; a missing file fails', async () => {
    const f = await loadavgCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(parseLoadavg('1 2'), [1, 2, undefined]);
    assert.deepEqual(parseLoadavg(''), [undefined, undefined, undefined]);
    assert.deepEqual(parseLoadavg('\n 1e1\t+2 .5 9/9 1\n'), [10, 2, 0.5]);
    await assert.rejects(
      loadavgCollector.collect({ paths: { proc: join(tmp, 'proc'), sys: tmp, rootfs: tmp }, nowMs: 0 }),
      /couldn't get load: ENOENT/,
    );
  });
});
