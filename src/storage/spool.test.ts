import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spoolDir } from './connection.ts';

test('spool directories of dead processes are removed; live ones and foreign names are kept', () => {
  const shm = mkdtempSync(join(tmpdir(), 'wc-spool-'));
  try {
    // A pid that has exited: a child that ran and ended.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const deadDir = join(shm, `watchingcat-insert-${dead}-abc`);
    mkdirSync(deadDir);
    writeFileSync(join(deadDir, '7.native'), 'left by a crash');
    const liveDir = join(shm, `watchingcat-insert-${process.pid}-xyz`);
    mkdirSync(liveDir);
    mkdirSync(join(shm, 'something-else'));
    const mine = spoolDir(join(shm, 'data'), shm);
    assert.ok(!existsSync(deadDir), 'the dead process spool is gone');
    assert.ok(existsSync(liveDir), 'a live process keeps its spool');
    assert.ok(existsSync(join(shm, 'something-else')));
    assert.match(mine, new RegExp(`watchingcat-insert-${process.pid}-`));
    assert.equal(readdirSync(shm).length, 3);
  } finally {
    rmSync(shm, { recursive: true, force: true });
  }
});

test('without a writable RAM directory the spool lives under the data directory', () => {
  const data = mkdtempSync(join(tmpdir(), 'wc-spool-data-'));
  try {
    const dir = spoolDir(data, join(data, 'no-such-dir'));
    assert.ok(dir.startsWith(join(data, 'spool')));
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
