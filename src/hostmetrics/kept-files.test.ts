import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { acquire, keepKernelFilesUnder, keptCount, resetKeptFiles } from './kept-files.ts';
import { readAttribute, readFileResult, readText } from './read.ts';

const linux = process.platform === 'linux';
const dir = mkdtempSync(join(tmpdir(), 'wc-kept-'));
after(() => {
  resetKeptFiles();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => resetKeptFiles());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kept kernel file descriptors', { skip: linux ? false : 'needs Linux procfs' }, () => {
  it('only procfs and sysfs directories are registered', () => {
    assert.equal(keepKernelFilesUnder('/proc'), true);
    assert.equal(keepKernelFilesUnder('/sys'), true);
    assert.equal(keepKernelFilesUnder(dir), false);
    assert.equal(keepKernelFilesUnder(join(dir, 'missing')), false);
  });

  it('a kept procfs descriptor reads fresh content every time', async () => {
    keepKernelFilesUnder('/proc');
    const first = readText('/proc/uptime')!;
    assert.equal(keptCount(), 1);
    await sleep(30);
    const second = readText('/proc/uptime')!;
    assert.equal(keptCount(), 1, 'the same descriptor is used again');
    assert.ok(Number(second.split(' ')[0]) > Number(first.split(' ')[0]), `${first} then ${second}`);
    // A long file read through several positioned reads is whole as well.
    const fresh = readFileResult('/proc/self/maps');
    assert.ok(fresh.ok && fresh.text.endsWith('\n') && !fresh.truncated);
  });

  it('regular files are never kept: a file replaced by rename is read anew', () => {
    keepKernelFilesUnder('/proc');
    const f = join(dir, 'value');
    writeFileSync(f, 'one\n');
    assert.equal(readAttribute(f), 'one');
    writeFileSync(f + '.new', 'two\n');
    renameSync(f + '.new', f);
    assert.equal(readAttribute(f), 'two');
    assert.equal(keptCount(), 0);
  });

  it('a kept descriptor that fails is replaced by a fresh open', () => {
    keepKernelFilesUnder('/proc');
    const { fd, kept } = acquire('/proc/loadavg');
    assert.equal(kept, true);
    closeSync(fd); // as if its file had gone away: the next read fails with EBADF
    const r = readFileResult('/proc/loadavg');
    assert.ok(r.ok, 'read again through a new descriptor');
    assert.match(r.text, /^\d+\.\d+ /);
    assert.equal(keptCount(), 1);
  });

  it('a missing file is an error code, and nothing is kept for it', () => {
    keepKernelFilesUnder('/proc');
    const r = readFileResult('/proc/no-such-file');
    assert.deepEqual(r, { ok: false, code: 'ENOENT' });
    assert.equal(keptCount(), 0);
  });

  it('at most the bound is kept: the least recently used descriptor is closed', () => {
    resetKeptFiles(3);
    keepKernelFilesUnder('/proc');
    for (const f of ['uptime', 'loadavg', 'meminfo', 'stat', 'version']) {
      assert.ok(readFileResult(`/proc/${f}`).ok, f);
      assert.ok(keptCount() <= 3);
    }
    assert.equal(keptCount(), 3);
    // The most recent ones stay kept: reading them again opens nothing new.
    const before = acquire('/proc/version');
    assert.equal(before.kept, true);
    assert.equal(keptCount(), 3);
  });
});
