// Device names for the `device` label: /dev/<name> of /sys/block entries, loop/ram/sr excluded.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockDevices, readBlockDevices } from './devices.ts';

const sys = mkdtempSync(join(tmpdir(), 'wc-cadvisor-sys-'));
after(() => rmSync(sys, { recursive: true, force: true }));

function disk(name: string, dev: string): void {
  mkdirSync(join(sys, 'block', name), { recursive: true });
  writeFileSync(join(sys, 'block', name, 'dev'), `${dev}\n`);
}

test('maps major:minor of whole disks; loop, ram and sr devices and junk are left out', () => {
  disk('vda', '253:0');
  disk('nvme0n1', '259:0');
  disk('dm-0', '252:0');
  disk('loop0', '7:0');
  disk('ram0', '1:0');
  disk('sr0', '11:0');
  disk('weird', 'not-a-number');
  assert.deepEqual([...readBlockDevices(sys)].sort(), [
    ['252:0', '/dev/dm-0'],
    ['253:0', '/dev/vda'],
    ['259:0', '/dev/nvme0n1'],
  ]);
  assert.deepEqual([...readBlockDevices(join(sys, 'missing'))], []);
});

test('unknown numbers are "" and trigger an early re-read (a disk was attached)', () => {
  const d = new BlockDevices(sys, 300_000, 60_000);
  d.refresh(0);
  assert.equal(d.name('253:0'), '/dev/vda');
  assert.equal(d.name('8:0'), '');
  disk('sda', '8:0');
  d.refresh(30_000);
  assert.equal(d.name('8:0'), '', 'not before unknownRefreshMs');
  d.refresh(60_000);
  assert.equal(d.name('8:0'), '/dev/sda');
});
