// k8sattributes against the simulator's API server: association (connection, uid, IP, name,
// container id), metadata and workloads, labels / annotations rules, service.name derivation,
// no overwriting, exclusion, passthrough, deleted pods, lazy lookups and own metrics.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { createKubeClient, type KubeClient } from '../../../k8s/client.ts';
import { acquirePodTable } from '../../../k8s/pod-table.ts';
import {
  NAMESPACES,
  PODS,
  plainConnection,
  startSim,
  until,
  type SimEnv,
} from '../../../k8s/testdata/sim-env.ts';
import type { KubeObject } from '../../../k8s/types.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { Consumer, CreateSettings, Host } from '../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { factory } from './factory.ts';

let sim: SimEnv;
let client: KubeClient;
before(async () => {
  sim = await startSim();
  client = createKubeClient(plainConnection(sim.proxy.url));
  sim.store.create(NAMESPACES, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { team: 'checkout' }, annotations: { owner: 'ana' } },
  });
  sim.store.create(
    { group: '', resource: 'nodes' },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'eu-1a' } },
    },
  );
});
after(() => sim.close());

let ipSeq = 1;
function makePod(
  name: string,
  meta: Partial<KubeObject['metadata']> = {},
  opts: { node?: string; ip?: string; image?: string; containers?: string[] } = {},
): KubeObject {
  const containers = opts.containers ?? ['app'];
  return sim.store.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', ...meta } as KubeObject['metadata'],
    spec: {
      nodeName: opts.node ?? 'node-1',
      containers: containers.map((c) => ({ name: c, image: opts.image ?? 'registry.local/shop/web:1.4.2' })),
    },
    status: {
      phase: 'Running',
      podIP: opts.ip ?? `10.0.1.${ipSeq++}`,
      startTime: '2026-12-04T10:00:00Z',
      containerStatuses: containers.map((c) => ({
        name: c,
        containerID: `containerd://${name}-${c}-1`,
        imageID: 'registry.local/shop/web@sha256:feed',
        restartCount: 1,
        lastState: { terminated: { containerID: `containerd://${name}-${c}-0` } },
      })),
    },
  });
}

const rsOwner = (rs: string) => [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true },
];

function settings(metrics = new SelfMetrics({ processMetrics: false })): CreateSettings {
  return {
    id: { type: 'k8sattributes', name: '', key: 'k8sattributes' },
    kind: 'processor',
    logger: silentLogger(),
    telemetry: metrics.forComponent('processor', 'k8sattributes'),
    dataDir: '/nonexistent',
  };
}

function host(kube = true): Host {
  return {
    getExtension: () => undefined,
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    kubernetes: async () =>
      kube
        ? { connection: plainConnection(sim.proxy.url), client, clusterName: undefined, nodeName: 'node-1' }
        : undefined,
  };
}

async function start<S extends Signal>(
  signal: S,
  yamlConfig: string,
  opts: { kube?: boolean; metrics?: SelfMetrics } = {},
) {
  const got: Array<SignalData<S>> = [];
  const next: Consumer<S> = {
    async consume(d) {
      got.push(d);
    },
  };
  const cfg = factory.configSchema.parse(parse(yamlConfig) ?? {});
  const p = factory.create(settings(opts.metrics), cfg, signal, next);
  await p.start(host(opts.kube ?? true));
  return { p, got };
}

function spans(...resources: Array<Record<string, string | number>>): TracesData {
  return {
    resourceSpans: resources.map((r) => ({
      resource: {
        attributes: Object.entries(r).map(([key, v]) => ({
          key,
          value: typeof v === 'number' ? { intValue: v } : { stringValue: v },
        })),
        droppedAttributesCount: 0,
      },
      scopeSpans: [],
      schemaUrl: '',
    })),
  };
}

function attrs(kvs: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs) {
    const v = kv.value as {
      stringValue?: string;
      intValue?: number;
      arrayValue?: { values: Array<{ stringValue: string }> };
    };
    out[kv.key] = v.stringValue ?? v.intValue ?? v.arrayValue?.values.map((x) => x.stringValue);
  }
  return out;
}

test('spans from a pod’s IP carry its metadata, workload, container and service.name', async (t) => {
  const pod = makePod(
    'web-5d8f7-abcde',
    { labels: { 'pod-template-hash': '5d8f7' }, ownerReferences: rsOwner('web-5d8f7') },
    { ip: '10.0.9.1' },
  );
  const { p, got } = await start(
    'traces',
    'wait_for_metadata: true\nextract:\n  metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.pod.start_time, k8s.pod.ip, k8s.node.name, k8s.replicaset.name, k8s.replicaset.uid, k8s.deployment.name, service.name, service.namespace, service.version, service.instance.id]',
  );
  t.after(() => p.shutdown());
  await p.consume(spans({ 'telemetry.sdk.language': 'nodejs' }), { clientAddress: '10.0.9.1' });
  assert.deepEqual(attrs(got[0]!.resourceSpans[0]!.resource.attributes), {
    'telemetry.sdk.language': 'nodejs',
    'k8s.pod.ip': '10.0.9.1',
    'k8s.namespace.name': 'shop',
    'k8s.pod.name': 'web-5d8f7-abcde',
    'k8s.pod.uid': pod.metadata.uid,
    'k8s.pod.start_time': '2026-12-04T10:00:00Z',
    'k8s.node.name': 'node-1',
    'k8s.replicaset.name': 'web-5d8f7',
    'k8s.replicaset.uid': 'uid-web-5d8f7',
    'k8s.deployment.name': 'web',
    'service.name': 'web',
    'service.namespace': 'shop',
  });
});

test('the default rules: by uid with the container from the log path, by container id, by name + namespace', async (t) => {
  const pod = makePod(
    'db-0',
    {
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'uid-db', controller: true },
      ],
    },
    { containers: ['postgres', 'exporter'], image: 'postgres:16.4' },
  );
  const { p, got } = await start('traces', 'wait_for_metadata: true');
  t.after(() => p.shutdown());
  const uid = pod.metadata.uid!;
  await p.consume(
    spans(
      { 'k8s.pod.uid': uid, 'k8s.container.name': 'exporter', 'k8s.container.restart_count': 0 },
      { 'container.id': 'db-0-postgres-1' },
      { 'k8s.pod.name': 'db-0', 'k8s.namespace.name': 'shop' },
      { 'k8s.pod.uid': 'not-a-pod' },
      {},
    ),
    {},
  );
  const [byUid, byContainer, byName, unknown, nothing] = got[0]!.resourceSpans.map((r) =>
    attrs(r.resource.attributes),
  );
  assert.deepEqual(byUid, {
    'k8s.pod.uid': uid,
    'k8s.container.name': 'exporter',
    'k8s.container.restart_count': 0,
    'k8s.namespace.name': 'shop',
    'k8s.pod.name': 'db-0',
    'k8s.pod.start_time': '2026-12-04T10:00:00Z',
    'k8s.node.name': 'node-1',
    'k8s.statefulset.name': 'db',
    'container.image.name': 'postgres',
    'container.image.tag': '16.4',
    'service.name': 'db',
  });
  assert.equal(byContainer!['k8s.container.name'], 'postgres');
  assert.equal(byContainer!['k8s.pod.uid'], uid);
  assert.equal(byName!['k8s.pod.uid'], uid);
  assert.equal(byName!['k8s.container.name'], undefined, 'no container without container attributes');
  assert.deepEqual(unknown, { 'k8s.pod.uid': 'not-a-pod' });
  assert.deepEqual(nothing, {});
});

test('container.id follows the restart count the resource names; repo digests; image without a tag', async (t) => {
  const pod = makePod('job-x', {}, { image: 'busybox' });
  const { p, got } = await start(
    'logs',
    'wait_for_metadata: true\nextract:\n  metadata: [k8s.container.name, container.id, container.image.name, container.image.tag, container.image.repo_digests, service.version]',
  );
  t.after(() => p.shutdown());
  const res = (extra: Record<string, number>) => ({
    resource: {
      attributes: [
        { key: 'k8s.pod.uid', value: { stringValue: pod.metadata.uid! } },
        { key: 'k8s.container.name', value: { stringValue: 'app' } },
        ...Object.entries(extra).map(([key, v]) => ({ key, value: { intValue: v } })),
      ],
      droppedAttributesCount: 0,
    },
    scopeLogs: [],
    schemaUrl: '',
  });
  await p.consume({ resourceLogs: [res({ 'k8s.container.restart_count': 0 }), res({})] }, {});
  const [previous, current] = got[0]!.resourceLogs.map((r) => attrs(r.resource.attributes));
  assert.equal(previous!['container.id'], 'job-x-app-0');
  assert.equal(current!['container.id'], 'job-x-app-1');
  assert.equal(current!['container.image.name'], 'busybox');
  assert.equal(current!['container.image.tag'], 'latest');
  assert.equal(current!['service.version'], undefined, '"latest" is not a version');
  assert.deepEqual(current!['container.image.repo_digests'], ['registry.local/shop/web@sha256:feed']);
});

test('service.name: annotation, then app.kubernetes.io/instance, then name, then workload, then pod', async (t) => {
  const base = { labels: { 'pod-template-hash': 'h1' }, ownerReferences: rsOwner('api-h1') };
  const annotated = makePod('api-h1-a', {
    ...base,
    labels: { ...base.labels, 'app.kubernetes.io/instance': 'inst', 'app.kubernetes.io/name': 'nm' },
    annotations: { 'resource.opentelemetry.io/service.name': 'from-annotation' },
  });
  const instance = makePod('api-h1-b', {
    ...base,
    labels: { ...base.labels, 'app.kubernetes.io/instance': 'inst', 'app.kubernetes.io/name': 'nm' },
  });
  const named = makePod('api-h1-c', { ...base, labels: { ...base.labels, 'app.kubernetes.io/name': 'nm' } });
  const workload = makePod('api-h1-d', base);
  const bare = makePod('lonely', {});
  const { p, got } = await start('traces', 'wait_for_metadata: true');
  t.after(() => p.shutdown());
  const uids = [annotated, instance, named, workload, bare].map((x) => x.metadata.uid!);
  await p.consume(spans(...uids.map((u) => ({ 'k8s.pod.uid': u }))), {});
  assert.deepEqual(
    got[0]!.resourceSpans.map((r) => attrs(r.resource.attributes)['service.name']),
    ['from-annotation', 'inst', 'nm', 'api', 'lonely'],
  );
});

test('existing attributes win; the SDK’s unknown_service placeholder does not', async (t) => {
  const pod = makePod('keep-1', { ownerReferences: rsOwner('keep') });
  const { p, got } = await start('traces', 'wait_for_metadata: true');
  t.after(() => p.shutdown());
  const uid = pod.metadata.uid!;
  await p.consume(
    spans(
      { 'k8s.pod.uid': uid, 'service.name': 'mine', 'k8s.pod.name': 'as-sent' },
      { 'k8s.pod.uid': uid, 'service.name': 'unknown_service:node' },
    ),
    {},
  );
  const [mine, placeholder] = got[0]!.resourceSpans.map((r) => attrs(r.resource.attributes));
  assert.equal(mine!['service.name'], 'mine');
  assert.equal(mine!['k8s.pod.name'], 'as-sent');
  assert.equal(placeholder!['service.name'], 'keep', 'the ReplicaSet (no pod-template-hash: no Deployment)');
  assert.equal(
    got[0]!.resourceSpans[1]!.resource.attributes.filter((kv) => kv.key === 'service.name').length,
    1,
    'replaced, not added twice',
  );
});

test('labels and annotations rules: key, key_regex with $1, from namespace and node, otel_annotations', async (t) => {
  const pod = makePod('lab-1', {
    labels: { app: 'lab', 'app.kubernetes.io/component': 'frontend', 'team.io/owner': 'ops' },
    annotations: { 'resource.opentelemetry.io/deployment.environment.name': 'staging', note: 'hi' },
  });
  const { p, got } = await start(
    'metrics',
    `
wait_for_metadata: true
extract:
  metadata: [k8s.pod.name]
  otel_annotations: true
  labels:
    - key: app
    - tag_name: component
      key: app.kubernetes.io/component
    - tag_name: team.$1
      key_regex: team\\.io/(.*)
    - key: team
      from: namespace
    - tag_name: zone
      key: topology.kubernetes.io/zone
      from: node
  annotations:
    - key: note
    - tag_name: ns.owner
      key: owner
      from: namespace
`,
  );
  t.after(() => p.shutdown());
  await p.consume(
    {
      resourceMetrics: [
        {
          resource: {
            attributes: [{ key: 'k8s.pod.uid', value: { stringValue: pod.metadata.uid! } }],
            droppedAttributesCount: 0,
          },
          scopeMetrics: [],
          schemaUrl: '',
        },
      ],
    },
    {},
  );
  assert.deepEqual(attrs(got[0]!.resourceMetrics[0]!.resource.attributes), {
    'k8s.pod.uid': pod.metadata.uid,
    'deployment.environment.name': 'staging',
    'k8s.pod.name': 'lab-1',
    'k8s.pod.label.app': 'lab',
    component: 'frontend',
    'team.owner': 'ops',
    'k8s.namespace.label.team': 'checkout',
    zone: 'eu-1a',
    'k8s.pod.annotation.note': 'hi',
    'ns.owner': 'ana',
  });
});

test('excluded pods, passthrough and no Kubernetes: only k8s.pod.ip from the connection', async (t) => {
  makePod('jaeger-agent', {}, { ip: '10.0.9.50' });
  const excluded = await start('traces', 'wait_for_metadata: true');
  t.after(() => excluded.p.shutdown());
  await excluded.p.consume(spans({}), { clientAddress: '10.0.9.50' });
  assert.deepEqual(
    attrs(excluded.got[0]!.resourceSpans[0]!.resource.attributes),
    {},
    'jaeger-agent is excluded by default',
  );

  const pass = await start('traces', 'passthrough: true');
  await pass.p.consume(spans({}, { 'k8s.pod.ip': '10.9.9.9' }), { clientAddress: '10.0.9.50' });
  assert.deepEqual(
    pass.got[0]!.resourceSpans.map((r) => attrs(r.resource.attributes)),
    [{ 'k8s.pod.ip': '10.0.9.50' }, { 'k8s.pod.ip': '10.9.9.9' }],
  );
  const none = await start('traces', '{}', { kube: false });
  await none.p.consume(spans({}), { clientAddress: '10.0.9.51' });
  assert.deepEqual(attrs(none.got[0]!.resourceSpans[0]!.resource.attributes), { 'k8s.pod.ip': '10.0.9.51' });
});

test('late data from a deleted pod is still enriched; a pod the table has not seen is looked up once', async (t) => {
  const metrics = new SelfMetrics({ processMetrics: false });
  const { p, got } = await start('traces', 'wait_for_metadata: true\nfilter:\n  node: node-1', { metrics });
  t.after(() => p.shutdown());
  makePod('gone-1', { ownerReferences: rsOwner('gone') }, { ip: '10.0.9.60' });
  // The processor's table (shared per client and filter): wait until the informer delivered the
  // pod, so the lazy lookup counted below is the visitor's only.
  const shared = acquirePodTable({ client, filter: { node: 'node-1' } });
  t.after(() => shared.release());
  await until(() => shared.table.lookup({ kind: 'ip', ip: '10.0.9.60' }) !== undefined, 'the informer');
  await p.consume(spans({}), { clientAddress: '10.0.9.60' });
  sim.store.delete(PODS, 'shop', 'gone-1');
  await until(() => shared.table.deletedKept === 1, 'the delete');
  await p.consume(spans({}), { clientAddress: '10.0.9.60' });
  assert.equal(attrs(got[1]!.resourceSpans[0]!.resource.attributes)['k8s.pod.name'], 'gone-1');

  // A pod on another node sending to this agent: not in the node's table, found by a lazy lookup.
  makePod('visitor', {}, { node: 'node-2', ip: '10.0.9.61' });
  await p.consume(spans({}, {}), { clientAddress: '10.0.9.61' });
  assert.deepEqual(
    got[2]!.resourceSpans.map((r) => attrs(r.resource.attributes)['k8s.pod.name']),
    ['visitor', 'visitor'],
  );
  await p.consume(spans({}), { clientAddress: '10.0.9.99' }); // nobody's IP
  await p.consume(spans({}), { clientAddress: '10.0.9.99' });
  assert.deepEqual(attrs(got[4]!.resourceSpans[0]!.resource.attributes), {}, 'not a pod: nothing added');
  const text = await metrics.exposition();
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(value('watchingcat_processor_k8sattributes_lazy_lookups_total'), 1);
  assert.equal(
    value('watchingcat_processor_k8sattributes_lazy_lookup_failures_total'),
    1,
    'the unknown IP was asked once',
  );
  assert.equal(value('watchingcat_processor_k8sattributes_pod_lookup_misses_total'), 2);
  assert.ok(value('watchingcat_processor_k8sattributes_pod_lookups_total') >= 4);
  assert.ok(value('watchingcat_processor_k8sattributes_pod_table_size') >= 1);
});

test('configuration errors name the problem', () => {
  const bad = (y: string) => {
    const r = factory.configSchema.safeParse(parse(y));
    assert.equal(r.success, false, y);
    return (r.error?.issues ?? []).map((i) => i.message).join('\n');
  };
  assert.match(
    bad('extract: {metadata: [k8s.deployment.uid]}'),
    /not supported: needs a watch on every ReplicaSet/,
  );
  assert.match(bad('extract: {metadata: [k8s.pod.nme]}'), /unknown metadata "k8s.pod.nme"; allowed: /);
  assert.match(bad('extract: {labels: [{key: a, from: deployment}]}'), /from: deployment is not supported/);
  assert.match(bad('extract: {labels: [{tag_name: x}]}'), /exactly one of key and key_regex/);
  assert.match(bad('extract: {labels: [{key_regex: "a("}]}'), /not a valid regular expression/);
  assert.match(
    bad('pod_association: [{sources: [{from: resource_attribute, name: k8s.pod.name}]}]'),
    /only together/,
  );
  assert.match(bad('pod_association: [{sources: [{from: resource_attribute}]}]'), /needs name: one of/);
  assert.match(bad('filter: {labels: [{key: a, op: like}]}'), /equals/);
});

test('the seed snippets validate as written', () => {
  for (const y of [
    'extract:\n  metadata:\n    - k8s.namespace.name\n    - k8s.deployment.name\n    - k8s.pod.name\n    - k8s.pod.uid\n    - k8s.node.name\n',
    'auth_type: "serviceAccount"\npassthrough: false\nextract:\n  metadata:\n    - k8s.namespace.name\n    - k8s.deployment.name\n    - k8s.pod.name\n    - k8s.node.name\n',
  ])
    assert.equal(factory.configSchema.safeParse(parse(y)).success, true);
});
