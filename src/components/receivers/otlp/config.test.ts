import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from './config.ts';

test('an empty entry enables both protocols on the Collector default endpoints', () => {
  for (const raw of [null, undefined, {}, { protocols: null }, { protocols: {} }]) {
    const c = configSchema.parse(raw);
    assert.equal(c.protocols.grpc?.endpoint, '0.0.0.0:4317', JSON.stringify(raw));
    assert.equal(c.protocols.http?.endpoint, '0.0.0.0:4318', JSON.stringify(raw));
  }
});

test('naming one protocol enables only that one, with defaults filled', () => {
  const g = configSchema.parse({ protocols: { grpc: null } });
  assert.equal(g.protocols.http, undefined);
  assert.deepEqual(g.protocols.grpc, {
    endpoint: '0.0.0.0:4317',
    max_recv_msg_size_mib: 4,
    include_metadata: false,
  });

  const h = configSchema.parse({ protocols: { http: null } });
  assert.equal(h.protocols.grpc, undefined);
  assert.deepEqual(h.protocols.http, {
    endpoint: '0.0.0.0:4318',
    traces_url_path: '/v1/traces',
    metrics_url_path: '/v1/metrics',
    logs_url_path: '/v1/logs',
    max_request_body_size: 20 * 1024 * 1024,
    include_metadata: false,
  });
});

test('options in the Collector names are parsed; url paths get a leading slash', () => {
  const c = configSchema.parse({
    protocols: {
      grpc: {
        endpoint: '127.0.0.1:5317',
        max_recv_msg_size_mib: 16,
        auth: { authenticator: 'bearertokenauth' },
        tls: { cert_file: 'c.pem', key_file: 'k.pem', client_ca_file: 'ca.pem' },
        include_metadata: true,
      },
      http: {
        endpoint: '[::1]:5318',
        traces_url_path: 'otlp/t',
        max_request_body_size: 1024,
        cors: { allowed_origins: ['https://*.example.com'], max_age: 600 },
      },
    },
  });
  assert.equal(c.protocols.grpc?.max_recv_msg_size_mib, 16);
  assert.equal(c.protocols.grpc?.auth?.authenticator, 'bearertokenauth');
  assert.equal(c.protocols.grpc?.tls?.client_ca_file, 'ca.pem');
  assert.equal(c.protocols.grpc?.tls?.min_version, '1.2');
  assert.equal(c.protocols.http?.traces_url_path, '/otlp/t');
  assert.equal(c.protocols.http?.metrics_url_path, '/v1/metrics');
  assert.deepEqual(c.protocols.http?.cors, {
    allowed_origins: ['https://*.example.com'],
    allowed_headers: [],
    max_age: 600,
  });
});

test('bad values and unknown keys are rejected with their path', () => {
  const bad: Array<[unknown, string]> = [
    [{ protocols: { grpc: { endpoint: 'nope' } } }, 'protocols.grpc.endpoint'],
    [{ protocols: { http: { endpoint: 'localhost:99999' } } }, 'protocols.http.endpoint'],
    [{ protocols: { http: { max_request_body_size: 0 } } }, 'protocols.http.max_request_body_size'],
    [{ protocols: { grpc: { max_recv_msg_size_mib: -1 } } }, 'protocols.grpc.max_recv_msg_size_mib'],
    [{ protocols: { thrift: {} } }, 'protocols'],
    [{ protocols: { http: { colour: 'red' } } }, 'protocols.http'],
    [{ protocols: { http: { tls: { cert_file: 'c.pem' } } } }, 'protocols.http.tls.key_file'],
    [{ protocols: { grpc: { auth: {} } } }, 'protocols.grpc.auth.authenticator'],
    [{ protocols: { http: { traces_url_path: '/v1/traces?x=1' } } }, 'protocols.http.traces_url_path'],
    [
      { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4317' } } },
      'protocols.http.endpoint',
    ],
  ];
  for (const [raw, path] of bad) {
    const r = configSchema.safeParse(raw);
    assert.equal(r.success, false, `accepted ${JSON.stringify(raw)}`);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes(path), `${JSON.stringify(raw)}: issues at ${paths.join(' | ')}, wanted ${path}`);
  }
});

test('port 0 for both protocols is allowed (each gets its own free port)', () => {
  const c = configSchema.parse({
    protocols: { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } },
  });
  assert.ok(c.protocols.grpc && c.protocols.http);
});
