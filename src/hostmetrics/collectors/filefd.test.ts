import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { filefdCollector, parseFileNr } from './filefd.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'filefd.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-filefd-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('filefd', () => {
  test('allocated and maximum from file-nr, the middle value skipped (reviewed expected output)', async () => {
    const f = await filefdCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    assert.deepEqual(
      f.map((x) => [x.name, x.type, x.help, x.samples[0]!.value]),
      [
        ['node_filefd_allocated', 'gauge', 'File descriptor statistics: allocated.', 3040],
        // LONG_MAX (the default fs.file-max of current kernels) rounds to 2^63 as a float64.
        ['node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.', 2 ** 63],
      ],
    );
    assert.match(renderFamilies(f), /node_filefd_maximum 9\.223372036854776e\+18\n/);
  });

  test('a malformed value is left out; split on tabs only, like upstream; a missing file fails', async () => {
    const f = await filefdCollector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(parseFileNr('1 0 2\n'), {});
    assert.deepEqual(parseFileNr(' 1\t0\t2\t\n'), { allocated: 1, maximum: 2 });
    await assert.rejects(
      filefdCollector.collect({ paths: { proc: join(tmp, 'proc'), sys: tmp, rootfs: tmp }, nowMs: 0 }),
      /couldn't get file-nr: ENOENT/,
    );
  });
});
