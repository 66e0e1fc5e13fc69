import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, nodeNameOf } from './defaults.ts';

type Obj = Record<string, unknown>;
const receiversOf = (c: Obj) => Object.keys(c.receivers as Obj).sort();
const metricsPipeline = (c: Obj) =>
  ((c.service as Obj).pipelines as Record<string, { receivers: string[] }>).metrics!.receivers.sort();

describe('role defaults', () => {
  it('the agent off Kubernetes collects host metrics only and says why the rest is off', () => {
    const { config, notes } = defaultConfig('agent', {}, {});
    const expected =
      process.platform === 'linux' ? ['hostmetrics', 'otlp', 'selfmetrics'] : ['otlp', 'selfmetrics'];
    assert.deepEqual(receiversOf(config), [...expected, 'filelog'].sort());
    assert.deepEqual(metricsPipeline(config), expected);
    // Container logs are on by default, in the logs pipeline only.
    const p = (config.service as Obj).pipelines as Record<string, { receivers: string[] }>;
    assert.deepEqual(p.logs!.receivers, ['otlp', 'filelog']);
    assert.deepEqual(p.traces!.receivers, ['otlp']);
    assert.ok(notes.some((n) => n.includes('K8S_NODE_NAME') && n.includes('container metrics')));
  });

  it('the agent on a known node adds cadvisor and kubeletstats aimed at that node’s kubelet', () => {
    const { config, notes } = defaultConfig('agent', {}, { K8S_NODE_NAME: 'node-7' });
    const r = config.receivers as Obj;
    assert.deepEqual(r.kubeletstats, { endpoint: 'node-7:10250' });
    assert.deepEqual(r.cadvisor, {});
    assert.ok(metricsPipeline(config).includes('cadvisor'));
    assert.ok(metricsPipeline(config).includes('kubeletstats'));
    const p = (config.service as Obj).pipelines as Record<string, { receivers: string[] }>;
    assert.deepEqual(p.traces!.receivers, ['otlp']);
    assert.deepEqual(p.logs!.receivers, ['otlp', 'filelog']);
    // The node's pods (annotations, workload names) are looked up for its container logs.
    assert.deepEqual(r.filelog, { pod_metadata: { node_name: 'node-7' } });
    assert.ok(!notes.some((n) => n.includes('container metrics')));
  });

  it('the node name: --node-name, then K8S_NODE_NAME, then NODE_NAME', () => {
    assert.equal(nodeNameOf({ nodeName: 'a' }, { K8S_NODE_NAME: 'b', NODE_NAME: 'c' }), 'a');
    assert.equal(nodeNameOf({}, { K8S_NODE_NAME: 'b', NODE_NAME: 'c' }), 'b');
    assert.equal(nodeNameOf({}, { NODE_NAME: 'c' }), 'c');
    assert.equal(nodeNameOf({ nodeName: '' }, { K8S_NODE_NAME: '' }), undefined);
  });

  it('the cluster role watches kube-state; the backend stores without a batch processor', () => {
    const cluster = defaultConfig('cluster', {}, {}).config;
    assert.deepEqual(receiversOf(cluster), ['k8s_events', 'kubestate', 'otlp', 'selfmetrics']);
    // One active replica: both follow the leader elector; events go down the logs pipeline.
    const r = cluster.receivers as Obj;
    assert.deepEqual(r.kubestate, { k8s_leader_elector: 'k8s_leader_elector' });
    assert.deepEqual(r.k8s_events, { k8s_leader_elector: 'k8s_leader_elector' });
    assert.deepEqual((cluster.extensions as Obj).k8s_leader_elector, { lease_name: 'watchingcat-cluster' });
    assert.ok(((cluster.service as Obj).extensions as string[]).includes('k8s_leader_elector'));
    const p = (cluster.service as Obj).pipelines as Record<string, { receivers: string[] }>;
    assert.deepEqual(p.logs!.receivers, ['otlp', 'k8s_events']);
    assert.deepEqual(p.metrics!.receivers, ['otlp', 'kubestate', 'selfmetrics']);
    const backend = defaultConfig('backend', {}, {}).config;
    assert.deepEqual(Object.keys(backend.exporters as Obj), ['storage']);
    assert.ok(!('batch' in (backend.processors as Obj)));
    assert.deepEqual(receiversOf(backend), ['otlp', 'selfmetrics'], 'the backend reports its own health too');
  });
});
