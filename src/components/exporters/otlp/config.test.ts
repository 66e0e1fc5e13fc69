import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, parseEndpoint, usesTls } from './config.ts';

test('defaults are the Collector’s: gzip, 5 s timeout, round_robin, TLS on', () => {
  const c = configSchema.parse({ endpoint: 'collector:4317' });
  assert.equal(c.compression, 'gzip');
  assert.equal(c.timeout, 5000);
  assert.equal(c.balancer_name, 'round_robin');
  assert.equal(c.keepalive, undefined);
  assert.equal(c.wait_for_ready, false);
  assert.equal(c.sending_queue.num_consumers, 10);
  assert.equal(c.retry_on_failure.max_elapsed_time, 300_000);
  assert.equal(usesTls(c), true);
});

test('TLS: tls.insecure turns it off; an http/https scheme decides regardless', () => {
  const tls = (endpoint: string, insecure: boolean) =>
    usesTls(configSchema.parse({ endpoint, tls: { insecure } }));
  assert.equal(tls('collector:4317', true), false);
  assert.equal(tls('http://collector:4317', false), false);
  assert.equal(tls('https://collector:4317', true), true);
  assert.equal(tls('dns:///collector:4317', false), true);
});

test('endpoint forms: host:port, [v6]:port, URLs and gRPC targets', () => {
  assert.deepEqual(parseEndpoint('c:4317'), { target: 'c:4317', secureByScheme: undefined });
  assert.deepEqual(parseEndpoint('[::1]:4317'), { target: '[::1]:4317', secureByScheme: undefined });
  assert.deepEqual(parseEndpoint('https://c:4317'), { target: 'c:4317', secureByScheme: true });
  assert.deepEqual(parseEndpoint('http://c:4317/'), { target: 'c:4317', secureByScheme: false });
  assert.deepEqual(parseEndpoint('dns:///c:4317'), { target: 'dns:///c:4317', secureByScheme: undefined });
  assert.equal(parseEndpoint('c'), undefined);
  assert.equal(parseEndpoint('http://c:4317/v1/traces'), undefined);
});

test('invalid values are reported at their path', () => {
  const cases: Array<[Record<string, unknown>, (string | number)[]]> = [
    [{}, ['endpoint']],
    [{ endpoint: 'collector' }, ['endpoint']],
    [{ endpoint: 'c:4317', balancer_name: 'random' }, ['balancer_name']],
    [{ endpoint: 'c:4317', keepalive: { time: 'x' } }, ['keepalive', 'time']],
    [{ endpoint: 'c:4317', tls: { insecure: 'yes' } }, ['tls', 'insecure']],
    [{ endpoint: 'c:4317', headers: { a: 1 } }, ['headers', 'a']],
  ];
  for (const [input, path] of cases) {
    const r = configSchema.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    assert.deepEqual(r.error!.issues[0]!.path, path, JSON.stringify(input));
  }
  const k = configSchema.parse({ endpoint: 'c:4317', keepalive: null });
  assert.deepEqual(k.keepalive, { time: 10_000, timeout: 10_000, permit_without_stream: false });
});
