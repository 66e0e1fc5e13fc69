import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../../pipeline/component.ts';
import { extensionSettings } from '../testdata/settings.ts';
import { factory, safeName } from './factory.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'wc-fs-'));
const create = (cfg: unknown, dataDir = '/nonexistent') =>
  factory.create(extensionSettings('file_storage', dataDir), factory.configSchema.parse(cfg));

test('each component gets its own directory under <data-dir>/file_storage by default', async () => {
  const dataDir = tmp();
  const ext = create(null, dataDir);
  await ext.start({} as Host);
  assert.ok(statSync(join(dataDir, 'file_storage')).isDirectory(), 'start creates the root');
  const s = ext.storage!;
  const q = await s.directoryFor(
    'exporter',
    { type: 'otlphttp', name: 'a/b', key: 'otlphttp/a/b' },
    'traces',
  );
  assert.equal(q, join(dataDir, 'file_storage', 'exporter_otlphttp_a~002Fb_traces'));
  assert.ok(existsSync(q));
  const r = await s.directoryFor('receiver', { type: 'filelog', name: '', key: 'filelog' });
  assert.equal(r, join(dataDir, 'file_storage', 'receiver_filelog'));
  assert.equal(
    await s.directoryFor('receiver', { type: 'filelog', name: '', key: 'filelog' }),
    r,
    'idempotent',
  );
  assert.equal(s.fsync, false);
  await ext.shutdown();
});

test('directory and fsync are honoured; Collector compaction options are accepted', async () => {
  const dir = join(tmp(), 'nested', 'store');
  const ext = create({
    directory: dir,
    fsync: true,
    timeout: '2s',
    compaction: { on_start: true, directory: '/tmp' },
  });
  await ext.start({} as Host);
  assert.ok(statSync(dir).isDirectory(), 'create_directory defaults to true here');
  assert.equal(ext.storage!.fsync, true);
  assert.equal(
    await ext.storage!.directoryFor('exporter', { type: 'otlp', name: '', key: 'otlp' }),
    join(dir, 'exporter_otlp'),
  );
  await ext.shutdown();
  assert.equal(factory.configSchema.parse({ timeout: '2s' }).timeout, 2000);
  assert.equal(factory.configSchema.safeParse({ compaction: { bogus: 1 } }).success, false);
});

test('create_directory: false refuses a missing directory, and any path that is not a directory', async () => {
  const missing = join(tmp(), 'nope');
  await assert.rejects(
    create({ directory: missing, create_directory: false }).start({} as Host),
    /cannot use storage directory .*nope: ENOENT \(create it, or set create_directory: true\)/,
  );
  const file = join(tmp(), 'plain-file');
  writeFileSync(file, 'x');
  await assert.rejects(create({ directory: file, create_directory: false }).start({} as Host), /ENOTDIR/);
  await assert.rejects(
    create({ directory: join(file, 'sub') }).start({} as Host),
    /cannot use storage directory/,
  );
  const existing = tmp();
  await create({ directory: existing, create_directory: false }).start({} as Host);
});

test('safe names keep [A-Za-z0-9._-] and escape everything else as ~XXXX', () => {
  assert.equal(safeName('ok-name_1.x'), 'ok-name_1.x');
  assert.equal(safeName('a/b c'), 'a~002Fb~0020c');
  assert.equal(safeName('ü'), '~00FC');
});
