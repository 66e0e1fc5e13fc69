import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { createUnameCollector, readUname, unameCollector } from './uname.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const tmp = mkdtempSync(join(tmpdir(), 'wc-uname-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the host fixture whose pid 1 is in UTS namespace `hostNs`, and a /proc/self in `selfNs`. */
function namespaces(
  name: string,
  hostNs: string | undefined,
  selfNs: string,
): { paths: HostPaths; selfProc: string } {
  const d = join(tmp, name);
  cpSync(join(TESTDATA, 'system-host'), d, { recursive: true, verbatimSymlinks: true });
  if (hostNs !== undefined) {
    mkdirSync(join(d, 'proc', '1', 'ns'), { recursive: true });
    symlinkSync(hostNs, join(d, 'proc', '1', 'ns', 'uts'));
  }
  const selfProc = join(d, 'selfproc');
  mkdirSync(join(selfProc, 'self', 'ns'), { recursive: true });
  symlinkSync(selfNs, join(selfProc, 'self', 'ns', 'uts'));
  return { paths: { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') }, selfProc };
}

describe('uname', () => {
  test('node_uname_info from the host procfs, labels in name order (reviewed expected output)', async () => {
    const f = await unameCollector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(
      renderFamilies(f),
      readFileSync(join(TESTDATA, 'system-host', 'expected', 'uname.prom'), 'utf8'),
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]!.type, 'gauge');
    assert.equal(f[0]!.help, 'Labeled system information as provided by the uname system call.');
    assert.deepEqual(f[0]!.samples, [
      {
        labels: [
          ['domainname', '(none)'],
          ['machine', 'x86_64'],
          ['nodename', 'ip-10-0-12-34.ec2.internal'],
          ['release', '6.8.0-1015-aws'],
          ['sysname', 'Linux'],
          ['version', '#16~22.04.1-Ubuntu SMP Mon Aug 19 19:38:17 UTC 2024'],
        ],
        value: 1,
      },
    ]);
  });

  test("the host's /etc/hostname names the node when this process is in another UTS namespace", () => {
    const foreign = namespaces('foreign', 'uts:[4026531838]', 'uts:[4026532451]');
    assert.equal(readUname(foreign.paths, foreign.selfProc).nodename, 'ip-10-0-12-34');
    // Same namespace (a hostNetwork pod): procfs's value, which is the host's.
    const same = namespaces('same', 'uts:[4026531838]', 'uts:[4026531838]');
    assert.equal(readUname(same.paths, same.selfProc).nodename, 'ip-10-0-12-34.ec2.internal');
    // pid 1's link unreadable: cannot tell, so procfs's value, as uname(2) would give.
    const unknown = namespaces('unknown', undefined, 'uts:[4026532451]');
    assert.equal(readUname(unknown.paths, unknown.selfProc).nodename, 'ip-10-0-12-34.ec2.internal');
  });

  test('missing files fall back to what Node knows of the shared kernel', async () => {
    const f = await createUnameCollector().collect({ paths: fixture('system-malformed'), nowMs: 0 });
    const labels = Object.fromEntries(f[0]!.samples[0]!.labels);
    assert.deepEqual(labels, {
      domainname: '(none)',
      machine: os.machine(),
      nodename: 'node-a',
      release: os.release(),
      sysname: 'Linux',
      version: os.version(),
    });
  });

  test('this machine: the same labels as uname(2) gives Node', async (t) => {
    if (process.platform !== 'linux') {
      t.skip('not Linux');
      return;
    }
    const f = await unameCollector.collect({ paths: { proc: '/proc', sys: '/sys', rootfs: '/' }, nowMs: 0 });
    const labels = Object.fromEntries(f[0]!.samples[0]!.labels);
    assert.equal(labels.sysname, os.type());
    assert.equal(labels.release, os.release());
    assert.equal(labels.version, os.version());
    assert.equal(labels.machine, os.machine());
    assert.equal(labels.nodename, os.hostname());
  });
});
