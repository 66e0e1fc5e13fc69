import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from './defaults.ts';
import { addDemoToConfig, ownOtlpHttpUrl, type DemoCluster } from './demo.ts';

const demo = {
  sim: { kubeconfig: '/d/kubeconfig' },
  nodes: [
    { name: 'n-a', root: '/d/nodes/n-a', kubelet: 'http://127.0.0.1:1001' },
    { name: 'n-b', root: '/d/nodes/n-b', kubelet: 'http://127.0.0.1:1002' },
  ],
} as unknown as DemoCluster;

test('the demo adds the cluster’s receivers, enrichment first, to the up role’s pipelines', () => {
  const raw = defaultConfig('up', {}, {}).config;
  addDemoToConfig(raw, demo);
  const r = raw as {
    receivers: Record<string, Record<string, unknown>>;
    processors: Record<string, unknown>;
    service: {
      kubernetes: Record<string, string>;
      pipelines: Record<string, { receivers: string[]; processors: string[] }>;
    };
  };
  assert.equal(r.service.kubernetes.kubeconfig, '/d/kubeconfig');
  assert.equal(r.service.kubernetes.cluster_name, 'demo');
  assert.deepEqual(r.receivers['cadvisor/node1'], {
    root_path: '/d/nodes/n-b',
    node_name: 'n-b',
    collection_interval: '10s',
    exposition: false,
    kubelet: { endpoint: 'http://127.0.0.1:1002', auth_type: 'none' },
  });
  assert.deepEqual(r.receivers['filelog/node0'], {
    root_path: '/d/nodes/n-a',
    start_at: 'beginning',
    pod_metadata: { node_name: 'n-a' },
  });
  const p = r.service.pipelines;
  assert.ok(p.metrics!.receivers.includes('kubestate') && p.metrics!.receivers.includes('cadvisor/node0'));
  assert.ok(p.logs!.receivers.includes('k8s_events') && p.logs!.receivers.includes('filelog/node1'));
  for (const name of ['traces', 'metrics', 'logs']) assert.equal(p[name]!.processors[1], 'k8sattributes');
  assert.equal(p.traces!.processors[0], 'memory_limiter');
  if (r.processors.resourcedetection)
    assert.deepEqual(r.processors.resourcedetection, { detectors: ['env', 'cluster'] }, 'no local host.name');
  const named = defaultConfig('up', {}, {}).config as { service: { kubernetes?: Record<string, string> } };
  named.service.kubernetes = { cluster_name: 'mine' };
  addDemoToConfig(named, demo);
  assert.equal(named.service.kubernetes.cluster_name, 'mine', 'a --cluster-name is kept');
});

test('the demo application sends to the up role’s own OTLP/HTTP receiver', () => {
  assert.equal(ownOtlpHttpUrl(defaultConfig('up', {}, {}).config), 'http://127.0.0.1:4318');
  assert.equal(
    ownOtlpHttpUrl({ receivers: { otlp: { protocols: { http: { endpoint: '[::1]:5000' } } } } }),
    'http://[::1]:5000',
  );
  assert.equal(
    ownOtlpHttpUrl({ receivers: { otlp: { protocols: { http: { endpoint: 'localhost:9' } } } } }),
    'http://localhost:9',
  );
});
