import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateSettings, Host } from '../../pipeline/component.ts';
import { silentLogger } from '../../telemetry/logger.ts';
import { SelfMetrics } from '../../telemetry/self-metrics.ts';
import { ExpositionRegistry } from '../../telemetry/exposition.ts';
import { factory as healthCheck } from './health_check/factory.ts';
import { factory as fileStorage, safeName } from './file_storage/factory.ts';
import { factory as bearer } from './bearertokenauth/factory.ts';

const settings = (type: string, dataDir = '/tmp'): CreateSettings => ({
  id: { type, name: '', key: type },
  kind: 'extension',
  logger: silentLogger(),
  telemetry: new SelfMetrics({ processMetrics: false }).forComponent('extension', type),
  dataDir,
});

test('health_check answers 503 until ready, 200 when ready, 404 elsewhere', async () => {
  let ready = false;
  const host: Host = {
    getExtension: () => undefined,
    isReady: () => ready,
    exposition: new ExpositionRegistry(),
  };
  const ext = healthCheck.create(
    settings('health_check'),
    healthCheck.configSchema.parse({ endpoint: '127.0.0.1:0', path: '/health' }),
  );
  await ext.start(host);
  try {
    const port = (ext as unknown as { address: { port: number } }).address.port;
    const r1 = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(r1.status, 503);
    assert.equal(((await r1.json()) as { status: string }).status, 'Server not available');
    ready = true;
    const r2 = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(r2.status, 200);
    assert.equal(((await r2.json()) as { status: string }).status, 'Server available');
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    await ext.shutdown();
  }
});

test('file_storage gives each component its own directory under <data-dir>/file_storage by default', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wc-fs-'));
  const ext = fileStorage.create(settings('file_storage', dataDir), fileStorage.configSchema.parse(null));
  await ext.start({} as Host);
  const dir = await ext.storage!.directoryFor('exporter', {
    type: 'otlphttp',
    name: 'a/b',
    key: 'otlphttp/a/b',
  });
  assert.equal(dir, join(dataDir, 'file_storage', 'exporter_otlphttp_a~002Fb'));
  assert.ok(existsSync(dir));
  assert.equal(safeName('ok-name_1.x'), 'ok-name_1.x');
  assert.equal(ext.storage!.fsync, false);
});

test('file_storage with create_directory: false refuses a missing directory and says what to do', async () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'wc-fs-')), 'nope');
  const ext = fileStorage.create(
    settings('file_storage'),
    fileStorage.configSchema.parse({ directory: missing, create_directory: false }),
  );
  await assert.rejects(
    ext.start({} as Host),
    /cannot use storage directory .*nope: ENOENT \(create it, or set create_directory: true\)/,
  );
});

test('bearertokenauth checks the scheme and token, and re-reads a rotated token file', async () => {
  const ext = bearer.create(settings('bearertokenauth'), bearer.configSchema.parse({ tokens: ['t1', 't2'] }));
  const a = ext.authenticator!;
  assert.equal(a.authenticate('Bearer t1'), true);
  assert.equal(a.authenticate('Bearer t2'), true);
  assert.equal(a.authenticate('Bearer t3'), false);
  assert.equal(a.authenticate('Basic t1'), false);
  assert.equal(a.authenticate(undefined), false);
  assert.deepEqual(a.clientHeaders(), { authorization: 'Bearer t1' });

  const file = join(mkdtempSync(join(tmpdir(), 'wc-tok-')), 'token');
  writeFileSync(file, 'first\n');
  const fromFile = bearer.create(settings('bearertokenauth'), bearer.configSchema.parse({ filename: file }));
  await fromFile.start({} as Host);
  assert.equal(fromFile.authenticator!.authenticate('Bearer first'), true);
  writeFileSync(file, 'second\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000)); // make sure the mtime changes
  assert.equal(fromFile.authenticator!.authenticate('Bearer first'), false);
  assert.equal(fromFile.authenticator!.authenticate('Bearer second'), true);

  assert.throws(() => bearer.configSchema.parse({}), /one of token, tokens or filename is required/);
});
