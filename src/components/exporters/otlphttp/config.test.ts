import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, signalUrl } from './config.ts';

test('defaults are the Collector’s: gzip, proto, 30 s timeout, retries and a 1000-request queue', () => {
  const c = configSchema.parse({ endpoint: 'http://collector:4318' });
  assert.equal(c.compression, 'gzip');
  assert.equal(c.encoding, 'proto');
  assert.equal(c.timeout, 30_000);
  assert.deepEqual(c.headers, {});
  assert.equal(c.auth, undefined);
  assert.deepEqual(c.retry_on_failure, {
    enabled: true,
    initial_interval: 5000,
    randomization_factor: 0.5,
    multiplier: 1.5,
    max_interval: 30_000,
    max_elapsed_time: 300_000,
  });
  assert.equal(c.sending_queue.enabled, true);
  assert.equal(c.sending_queue.num_consumers, 10);
  assert.equal(c.sending_queue.queue_size, 1000);
  assert.equal(c.sending_queue.sizer, 'requests');
  assert.equal(c.tls.insecure_skip_verify, false);
});

test('an endpoint is required, and the error names the field', () => {
  const r = configSchema.safeParse({});
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['endpoint']);
  assert.ok(configSchema.safeParse({ logs_endpoint: 'https://logs.example:443/ingest' }).success);
});

test('invalid values are reported at their path', () => {
  const cases: Array<[Record<string, unknown>, (string | number)[]]> = [
    [{ endpoint: 'collector:4318' }, ['endpoint']],
    [{ endpoint: 'http://c:4318', compression: 'zstd2' }, ['compression']],
    [{ endpoint: 'http://c:4318', encoding: 'xml' }, ['encoding']],
    [{ endpoint: 'http://c:4318', timeout: 'soon' }, ['timeout']],
    [
      { endpoint: 'http://c:4318', retry_on_failure: { initial_interval: 'x' } },
      ['retry_on_failure', 'initial_interval'],
    ],
    [{ endpoint: 'http://c:4318', sending_queue: { queue_size: 0 } }, ['sending_queue', 'queue_size']],
    [{ endpoint: 'http://c:4318', auth: {} }, ['auth', 'authenticator']],
    [{ endpoint: 'http://c:4318', headres: {} }, []],
  ];
  for (const [input, path] of cases) {
    const r = configSchema.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    assert.deepEqual(r.error!.issues[0]!.path, path, JSON.stringify(input));
  }
});

test('signal URLs: endpoint + /v1/<signal> (keeping a base path); per-signal URLs win', () => {
  const c = configSchema.parse({
    endpoint: 'https://gw.example/otlp/',
    logs_endpoint: 'https://logs.example/custom/path',
  });
  assert.equal(signalUrl(c, 'traces')!.toString(), 'https://gw.example/otlp/v1/traces');
  assert.equal(signalUrl(c, 'metrics')!.toString(), 'https://gw.example/otlp/v1/metrics');
  assert.equal(signalUrl(c, 'logs')!.toString(), 'https://logs.example/custom/path');
  const bare = configSchema.parse({ endpoint: 'http://c:4318' });
  assert.equal(signalUrl(bare, 'traces')!.toString(), 'http://c:4318/v1/traces');
  const only = configSchema.parse({ traces_endpoint: 'http://t:1/x' });
  assert.equal(signalUrl(only, 'metrics'), undefined);
});
