import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupRootOf, configSchema, defaultEndpoint } from './config.ts';

const messages = (v: unknown): string => {
  const r = configSchema.safeParse(v);
  assert.equal(r.success, false, 'expected a validation error');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

test('an empty entry gets our defaults', () => {
  const c = configSchema.parse(null);
  assert.equal(c.collection_interval, 30_000);
  assert.equal(c.auth_type, 'serviceAccount');
  assert.equal(c.insecure_skip_verify, false);
  assert.deepEqual(c.metric_groups, ['pod', 'container', 'volume']);
  assert.equal(c.cpu_memory, 'auto');
  assert.equal(c.timeout, 10_000);
  assert.equal(c.exposition, true);
  assert.equal(c.endpoint, undefined, 'resolved at start from the environment');
});

test('the Collector option names parse', () => {
  const c = configSchema.parse({
    collection_interval: '10s',
    endpoint: 'https://node-1:10250',
    auth_type: 'tls',
    ca_file: '/etc/kubelet/ca.crt',
    cert_file: '/etc/kubelet/client.crt',
    key_file: '/etc/kubelet/client.key',
    insecure_skip_verify: true,
    metric_groups: ['node', 'volume'],
  });
  assert.equal(c.collection_interval, 10_000);
  assert.deepEqual(c.metric_groups, ['node', 'volume']);
});

test('invalid settings are explained', () => {
  assert.match(messages({ auth_type: 'tls' }), /auth_type: auth_type tls needs cert_file and key_file/);
  assert.match(messages({ auth_type: 'kubeConfig' }), /auth_type/);
  assert.match(messages({ metric_groups: ['pods'] }), /metric_groups\.0/);
  assert.match(messages({ metric_groups: ['pod', 'pod'] }), /lists a group twice/);
  assert.match(messages({ collection_interval: '100ms' }), /at least 1s/);
  assert.match(messages({ cpu_memory: 'sometimes' }), /cpu_memory/);
  assert.match(messages({ unknown_key: 1 }), /unknown_key|Unrecognized/);
});

test('default endpoint and cgroup root', () => {
  assert.equal(defaultEndpoint({ K8S_NODE_NAME: 'node-1', NODE_NAME: 'x' }), 'node-1:10250');
  assert.equal(defaultEndpoint({ NODE_NAME: 'node-2' }), 'node-2:10250');
  assert.match(defaultEndpoint({}), /^.+:10250$/, 'the host name, as the Collector does');
  const c = configSchema.parse({});
  assert.equal(cgroupRootOf(c, undefined), '/sys/fs/cgroup');
  assert.equal(cgroupRootOf(c, '/hostfs'), '/hostfs/sys/fs/cgroup');
  assert.equal(cgroupRootOf(configSchema.parse({ root_path: '/r' }), '/hostfs'), '/r/sys/fs/cgroup');
  assert.equal(cgroupRootOf(configSchema.parse({ cgroup_root: '/cg' }), '/hostfs'), '/cg');
});
