// The filelog receiver with this node's pods from the simulator's API server: the opt-out and
// multi-line annotations, and node and workload names on the records' resource.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createKubeClient } from '../../../k8s/client.ts';
import { workloadsOf } from '../../../k8s/pod-info.ts';
import {
  PODS,
  plainConnection,
  seedNamespaces,
  startSim,
  type SimEnv,
} from '../../../k8s/testdata/sim-env.ts';
import type { KubeObject } from '../../../k8s/types.ts';
import type { LogRecord, LogsData } from '../../../model/logs.ts';
import { configSchema } from './config.ts';
import { FileLogReceiver, multilineAnnotation } from './receiver.ts';
import { plainHost, receiverSettings } from './testing/harness.ts';

let sim: SimEnv;
const root = mkdtempSync(join(tmpdir(), 'wc-filelog-pods-'));
before(async () => {
  sim = await startSim();
  seedNamespaces(sim.store, 'shop');
});
after(async () => {
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

function pod(
  name: string,
  node: string,
  extra: Partial<KubeObject['metadata']> & Record<string, unknown>,
): KubeObject {
  return sim.store.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', ...extra } as KubeObject['metadata'],
    spec: { nodeName: node, containers: [{ name: 'app', image: 'shop:1' }] },
    status: { phase: 'Running' },
  });
}

let second = 0;
/** A pod's log file; each file's lines get their own second (identical files would be one file to the tailer). */
function logFile(p: KubeObject, container: string, lines: string[]): void {
  const ts = `2026-12-04T10:00:${String(second++).padStart(2, '0')}.000000001Z`;
  const md = p.metadata as { name: string; uid: string };
  const dir = join(root, 'var', 'log', 'pods', `shop_${md.name}_${md.uid}`, container);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0.log'), lines.map((l) => `${ts} stdout F ${l}\n`).join(''));
}

test('annotations opt out and override multi-line; records carry the node and the workload', async () => {
  const web = pod('web-7d9f8-x2v9q', 'node-7', {
    labels: { 'pod-template-hash': '7d9f8' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8', uid: 'rs1', controller: true },
    ],
    annotations: { 'watchingcat.io/multiline.app': 'off' },
  });
  const quiet = pod('quiet-0', 'node-7', {
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'quiet', uid: 'ss1', controller: true },
    ],
    annotations: { 'watchingcat.io/logs': 'false' },
  });
  const report = pod('report-29412345-abcde', 'node-7', {
    ownerReferences: [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'report-29412345', uid: 'j1', controller: true },
    ],
    annotations: { 'watchingcat.io/multiline': 'start:^\\d{4}-' },
  });
  const elsewhere = pod('other-1', 'node-8', {});
  const trace = ['ERROR failed', 'java.lang.IllegalStateException: boom', '\tat a.B.c(B.java:1)'];
  logFile(web, 'app', trace);
  logFile(web, 'sidecar', trace); // the override names only "app"
  logFile(quiet, 'app', ['secret']);
  logFile(report, 'app', ['2026-12-04 run', 'step 1', 'step 2', '2026-12-04 done']);
  logFile(elsewhere, 'app', ['not on this node: still read, no metadata']);

  const got: { resource: Record<string, string>; record: LogRecord }[] = [];
  const connection = plainConnection(sim.server.url);
  const client = createKubeClient(connection);
  const host = plainHost({
    kubernetes: async () => ({ connection, client, clusterName: undefined, nodeName: undefined }),
  });
  process.env.WC_TEST_NODE = 'node-7';
  const r = new FileLogReceiver(
    receiverSettings(root, join(root, 'data')),
    configSchema.parse({ start_at: 'beginning', pod_metadata: { node_from_env_var: 'WC_TEST_NODE' } }),
    {
      async consume(d: LogsData) {
        for (const rl of d.resourceLogs) {
          const resource = Object.fromEntries(
            rl.resource.attributes.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]),
          );
          for (const sl of rl.scopeLogs) for (const record of sl.logRecords) got.push({ resource, record });
        }
      },
    },
  );
  try {
    await r.start(host);
    await r.pollOnce();
    await r.shutdown();
  } finally {
    delete process.env.WC_TEST_NODE;
  }
  const bodies = (pod: string, container: string) =>
    got
      .filter((g) => g.resource['k8s.pod.name'] === pod && g.resource['k8s.container.name'] === container)
      .map((g) => (g.record.body as { stringValue: string }).stringValue);
  assert.deepEqual(bodies('web-7d9f8-x2v9q', 'app'), trace, 'multi-line off for app: a record per line');
  assert.deepEqual(bodies('web-7d9f8-x2v9q', 'sidecar'), [trace.join('\n')], 'auto for the others');
  assert.deepEqual(bodies('quiet-0', 'app'), [], 'opted out');
  assert.deepEqual(bodies('report-29412345-abcde', 'app'), [
    '2026-12-04 run\nstep 1\nstep 2',
    '2026-12-04 done',
  ]);
  assert.deepEqual(bodies('other-1', 'app'), ['not on this node: still read, no metadata']);
  const res = (pod: string) => got.find((g) => g.resource['k8s.pod.name'] === pod)!.resource;
  assert.equal(res('web-7d9f8-x2v9q')['k8s.node.name'], 'node-7');
  assert.equal(res('web-7d9f8-x2v9q')['k8s.deployment.name'], 'web');
  assert.equal(res('web-7d9f8-x2v9q')['k8s.replicaset.name'], 'web-7d9f8');
  assert.equal(res('report-29412345-abcde')['k8s.job.name'], 'report-29412345');
  assert.equal(res('report-29412345-abcde')['k8s.cronjob.name'], 'report');
  assert.equal(res('other-1')['k8s.node.name'], undefined);
});

test('workloads from owner references; multi-line annotation values', () => {
  assert.deepEqual(
    workloadsOf([{ kind: 'ReplicaSet', name: 'api-5c4f', controller: true }], {
      'pod-template-hash': '5c4f',
    }),
    [
      { kind: 'ReplicaSet', name: 'api-5c4f' },
      { kind: 'Deployment', name: 'api' },
    ],
  );
  assert.deepEqual(workloadsOf([{ kind: 'ReplicaSet', name: 'bare', controller: true }], {}), [
    { kind: 'ReplicaSet', name: 'bare' },
  ]);
  assert.deepEqual(workloadsOf([{ kind: 'DaemonSet', name: 'node-agent' }], {}), [
    { kind: 'DaemonSet', name: 'node-agent' },
  ]);
  assert.deepEqual(workloadsOf(undefined, {}), []);
  assert.equal(multilineAnnotation(' Auto '), 'auto');
  assert.equal(multilineAnnotation('off'), 'off');
  assert.deepEqual(multilineAnnotation('end:;$'), { lineEnd: /;$/ });
  assert.equal(multilineAnnotation('start:('), undefined);
  assert.equal(multilineAnnotation('sometimes'), undefined);
});
