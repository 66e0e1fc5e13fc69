import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from './config.ts';

const parse = (v: unknown) => configSchema.safeParse(v);
const messages = (v: unknown): string => {
  const r = parse(v);
  assert.equal(r.success, false, 'expected a validation error');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

test('an empty entry gets kube-state-metrics defaults', () => {
  const c = configSchema.parse(null);
  assert.ok(c.resources.includes('pods') && c.resources.includes('nodes'));
  assert.ok(!c.resources.includes('roles'), 'roles are not in the default set');
  assert.equal(c.total_shards, 1);
  assert.equal(c.streaming.enabled, true);
  assert.equal(c.streaming.interval, 30_000);
  assert.equal(c.signal_metadata.enabled, true);
  assert.equal(c.metric_labels_allowlist, undefined);
});

test('allow-lists take KSM syntax or a mapping', () => {
  const a = configSchema.parse({ metric_labels_allowlist: 'pods=[app,team],*=[owner]' });
  assert.deepEqual(
    [...a.metric_labels_allowlist!],
    [
      ['pods', ['app', 'team']],
      ['*', ['owner']],
    ],
  );
  const b = configSchema.parse({ metric_annotations_allowlist: { deployments: ['owner'] } });
  assert.deepEqual([...b.metric_annotations_allowlist!], [['deployments', ['owner']]]);
});

test('bad values say what is wrong', () => {
  assert.match(
    messages({ metric_labels_allowlist: 'pods=app' }),
    /metric_labels_allowlist: invalid allow-list/,
  );
  assert.match(messages({ metric_labels_allowlist: 'pod=[app]' }), /unknown resource "pod"/);
  assert.match(messages({ metric_labels_allowlist: { pods: ['*a*'] } }), /only one wildcard/);
  assert.match(messages({ metric_allowlist: ['kube_pod_.*'], metric_denylist: ['x'] }), /exclusive/);
  assert.match(messages({ metric_denylist: ['('] }), /invalid regular expression "\("/);
  assert.match(messages({ shard: 3, total_shards: 3 }), /shard must be less than total_shards/);
  assert.match(messages({ resources: ['pod'] }), /resources\.0/);
  assert.match(messages({ auto_sharding: { enabled: true, pod_name: '', pod_namespace: '' } }), /POD_NAME/);
  assert.match(messages({ streaming: { interval: '10ms' } }), /at least 1s/);
  assert.match(messages({ unknown_key: 1 }), /unknown_key|Unrecognized/);
});
