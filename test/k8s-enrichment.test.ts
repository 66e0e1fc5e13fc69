// Kubernetes metadata end to end: `watchingcat sim`, an agent for one simulated node (OTLP in,
// the node's container logs, k8sattributes + resourcedetection as the agent's defaults) and an
// OTLP sink. The OpenTelemetry JS SDK sends spans from a pod's IP (the simulated pod is given
// 127.0.0.1, the address the SDK connects from); the spans must arrive with that pod's metadata,
// workload and service.name, and the cluster's identity. Container log records must carry their
// pod's workload names. After the pod is deleted, its late spans must still be enriched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ResourceSpans } from '../src/model/traces.ts';
import { BIN, childEnv, freePort, startRole, until, type Running } from './helpers/process.ts';
import { attrsToJs, exportWith } from './helpers/sdk.ts';
import { OtlpSink } from './helpers/sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-k8s-enrich-'));
let sim: ChildProcess | undefined;
let simApi = '';
let agent: Running | undefined;
let agentOtlp = 0;
let node = '';
const sink = new OtlpSink();

interface Obj {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  };
  spec?: { nodeName?: string };
  status?: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await fetch(`${simApi}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Obj;
}

before(async () => {
  const simPort = await freePort();
  simApi = `http://127.0.0.1:${simPort}`;
  let out = '';
  sim = spawn(
    BIN,
    [
      'sim',
      ...['--nodes', '2', '--pods', '12', '--seed', '5', '--churn', '0'],
      ...['--listen', `127.0.0.1:${simPort}`, '--dir', join(dir, 'sim')],
    ],
    { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sim.stdout!.on('data', (d: Buffer) => (out += d));
  sim.stderr!.on('data', (d: Buffer) => (out += d));
  await until(
    'the simulator',
    () => out.includes('simulated cluster running') || sim!.exitCode !== null,
    30_000,
  );
  assert.equal(sim.exitCode, null, out);
  // A worker node whose pods write logs.
  const nodesDir = join(dir, 'sim', 'nodes');
  await until('node directories', () => existsSync(nodesDir) && readdirSync(nodesDir).length === 2);
  node = readdirSync(nodesDir).find((n) => !n.startsWith('control-plane'))!;
  assert.ok(node, 'a worker node');

  // The probe pod: a Deployment's pod whose IP is the address the SDK connects from.
  await call('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'probe-6b7c9d-x1',
      labels: { 'app.kubernetes.io/name': 'probe-app', 'pod-template-hash': '6b7c9d', tier: 'web' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'probe-6b7c9d',
          uid: 'rs-probe',
          controller: true,
        },
      ],
    },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'probe:2.0' }] },
  });
  const created = await call('GET', '/api/v1/namespaces/default/pods/probe-6b7c9d-x1');
  await call('PUT', '/api/v1/namespaces/default/pods/probe-6b7c9d-x1/status', {
    ...created,
    status: {
      phase: 'Running',
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: '2026-12-04T05:00:00Z',
      containerStatuses: [{ name: 'app', containerID: 'containerd://probe1', restartCount: 0, ready: true }],
    },
  });

  await sink.start();
  agentOtlp = await freePort();
  // The agent's default processors (src/roles/defaults.ts) with its OTLP receiver and filelog.
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${agentOtlp}
  filelog:
    start_at: beginning
    pod_metadata:
      node_name: ${node}
processors:
  k8sattributes:
    filter:
      node: ${node}
    extract:
      labels:
        - key: tier
  resourcedetection:
    detectors: [env, cluster, k8snode]
  batch:
    timeout: 100ms
exporters:
  otlphttp:
    endpoint: ${sink.url}
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [k8sattributes, resourcedetection, batch]
      exporters: [otlphttp]
    logs:
      receivers: [filelog]
      processors: [k8sattributes, resourcedetection, batch]
      exporters: [otlphttp]
`,
  );
  agent = await startRole(
    [
      'agent',
      ...['--config', config, '--data-dir', join(dir, 'agent'), '--root-path', join(nodesDir, node)],
      ...['--kubeconfig', join(dir, 'sim', 'kubeconfig'), '--node-name', node],
      ...['--cluster-name', 'e2e-cluster', '--region', 'eu-test-1', '--environment', 'staging'],
      ...['--metrics-address', `127.0.0.1:${await freePort()}`],
    ],
    { healthPort: await freePort(), timeoutMs: 30_000 },
  );
});

after(async () => {
  await agent?.stop();
  sim?.kill('SIGTERM');
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends spans through the real SDK exporter; resolves with the sink's resource for them. */
async function sendSpans(name: string): Promise<Record<string, unknown>> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    // What the SDK sends when the app sets no service name.
    resource: resourceFromAttributes({
      'service.name': 'unknown_service:node',
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  provider.getTracer('e2e').startSpan(name).end();
  const r = await exportWith(
    new OTLPTraceExporter({ url: `http://127.0.0.1:${agentOtlp}/v1/traces` }),
    memory.getFinishedSpans(),
  );
  assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
  let found: ResourceSpans | undefined;
  await until(`span ${name} at the sink`, () => {
    found = sink.received.traces
      .flatMap((d) => d.resourceSpans)
      .find((rs) => rs.scopeSpans.some((s) => s.spans.some((sp) => sp.name === name)));
    return found !== undefined;
  });
  return attrsToJs(found!.resource.attributes);
}

test('spans sent from a pod’s IP carry the pod’s metadata, workload, labels, service.name and the cluster’s identity', async () => {
  const pod = await call('GET', '/api/v1/namespaces/default/pods/probe-6b7c9d-x1');
  const nodeObj = await call('GET', `/api/v1/nodes/${node}`);
  const got = await sendSpans('live');
  assert.deepEqual(got, {
    'service.name': 'probe-app',
    'telemetry.sdk.language': 'nodejs',
    'k8s.pod.ip': '127.0.0.1',
    'k8s.namespace.name': 'default',
    'k8s.pod.name': 'probe-6b7c9d-x1',
    'k8s.pod.uid': pod.metadata.uid,
    'k8s.pod.start_time': '2026-12-04T05:00:00Z',
    'k8s.node.name': node,
    'k8s.deployment.name': 'probe',
    'k8s.pod.label.tier': 'web',
    'k8s.cluster.name': 'e2e-cluster',
    'cloud.region': 'eu-test-1',
    'deployment.environment.name': 'staging',
    'k8s.node.uid': nodeObj.metadata.uid,
  });
});

test('container log records carry their pod’s workload names and service.name', async () => {
  const pods = (await call('GET', `/api/v1/pods?fieldSelector=spec.nodeName=${node}`)) as unknown as {
    items: Obj[];
  };
  const byUid = new Map(pods.items.map((p) => [p.metadata.uid!, p]));
  await until('container logs at the sink', () => sink.received.logs.length > 0, 30_000);
  const resources = sink.received.logs
    .flatMap((d) => d.resourceLogs)
    .map((r) => attrsToJs(r.resource.attributes));
  let checked = 0;
  for (const r of resources) {
    const pod = byUid.get(r['k8s.pod.uid'] as string);
    if (!pod) continue;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    assert.equal(r['k8s.node.name'], node);
    assert.equal(r['k8s.cluster.name'], 'e2e-cluster');
    assert.equal(typeof r['service.name'], 'string');
    if (owner?.kind === 'ReplicaSet') {
      const hash = pod.metadata.labels?.['pod-template-hash'];
      assert.equal(r['k8s.replicaset.name'], owner.name);
      assert.equal(r['k8s.deployment.name'], owner.name.slice(0, -(hash!.length + 1)));
      checked++;
    } else if (owner?.kind === 'DaemonSet' || owner?.kind === 'StatefulSet') {
      assert.equal(r[`k8s.${owner.kind.toLowerCase()}.name`], owner.name);
      checked++;
    }
  }
  assert.ok(checked > 0, `no log record from a workload's pod among ${resources.length} resources`);
});

test('late spans from a deleted pod are still enriched', async () => {
  await fetch(`${simApi}/api/v1/namespaces/default/pods/probe-6b7c9d-x1`, { method: 'DELETE' });
  const res = await fetch(`${simApi}/api/v1/namespaces/default/pods/probe-6b7c9d-x1`);
  assert.equal(res.status, 404);
  await new Promise((r) => setTimeout(r, 300)); // the agent's watch sees the delete
  const got = await sendSpans('late');
  assert.equal(got['k8s.pod.name'], 'probe-6b7c9d-x1');
  assert.equal(got['k8s.deployment.name'], 'probe');
  assert.equal(got['service.name'], 'probe-app');
});
