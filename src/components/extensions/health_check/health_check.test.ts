import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Host } from '../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { extensionSettings } from '../testdata/settings.ts';
import { factory } from './factory.ts';

function hostWith(ready: { value: boolean }): Host {
  return { getExtension: () => undefined, isReady: () => ready.value, exposition: new ExpositionRegistry() };
}
const portOf = (ext: unknown) => (ext as { address: { port: number } }).address.port;

test('503 "Server not available" until ready, then 200 "Server available" with upSince and uptime', async () => {
  const ready = { value: false };
  const ext = factory.create(
    extensionSettings('health_check'),
    factory.configSchema.parse({ endpoint: '127.0.0.1:0', path: '/health' }),
  );
  await ext.start(hostWith(ready));
  try {
    const url = `http://127.0.0.1:${portOf(ext)}`;
    const r1 = await fetch(`${url}/health`);
    assert.equal(r1.status, 503);
    assert.equal(r1.headers.get('content-type'), 'application/json');
    const b1 = (await r1.json()) as { status: string; upSince: string };
    assert.equal(b1.status, 'Server not available');
    assert.ok(!Number.isNaN(Date.parse(b1.upSince)));
    ready.value = true;
    const r2 = await fetch(`${url}/health?verbose=1`);
    assert.equal(r2.status, 200, 'the query string does not change the path');
    const b2 = (await r2.json()) as { status: string; uptime: string };
    assert.equal(b2.status, 'Server available');
    assert.match(b2.uptime, /^\d+\.\d{3}s$/);
    const r3 = await fetch(`${url}/`);
    assert.equal(r3.status, 404);
    assert.match(await r3.text(), /the health check is at \/health/);
  } finally {
    await ext.shutdown();
  }
});

test('defaults to the Collector endpoint and path; shutdown releases the port', async () => {
  assert.deepEqual(factory.configSchema.parse(null), { endpoint: '0.0.0.0:13133', path: '/' });
  assert.equal(factory.configSchema.safeParse({ path: 'health' }).success, false);
  assert.equal(factory.configSchema.safeParse({ endpoint: 'localhost' }).success, false);
  const ext = factory.create(
    extensionSettings('health_check'),
    factory.configSchema.parse({ endpoint: '127.0.0.1:0' }),
  );
  await ext.start(hostWith({ value: true }));
  const port = portOf(ext);
  assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
  await ext.shutdown();
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
});

test('a port in use fails start with the address and what to change', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const ext = factory.create(
      extensionSettings('health_check'),
      factory.configSchema.parse({ endpoint: `127.0.0.1:${port}` }),
    );
    await assert.rejects(
      ext.start(hostWith({ value: true })),
      /cannot listen on 127\.0\.0\.1:\d+: address already in use/,
    );
    await ext.shutdown();
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});
