import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { createKubeClient } from '../../../k8s/client.ts';
import { plainConnection, startSim, type SimEnv } from '../../../k8s/testdata/sim-env.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { CreateSettings, Host } from '../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { parseResourceAttributes } from './env-attributes.ts';
import { applyDetected, detect, factory } from './factory.ts';

let sim: SimEnv;
before(async () => {
  sim = await startSim();
  sim.store.create(
    { group: '', resource: 'nodes' },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-9' } },
  );
});
after(() => sim.close());

const errors: unknown[] = [];
function settings(identity: CreateSettings['identity'] = {}): CreateSettings {
  const logger = silentLogger();
  logger.error = ((o: unknown) => void errors.push(o)) as never;
  return {
    id: { type: 'resourcedetection', name: '', key: 'resourcedetection' },
    kind: 'processor',
    logger,
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('processor', 'resourcedetection'),
    dataDir: '/nonexistent',
    identity,
  };
}

function host(withKube: boolean): Host {
  const client = createKubeClient(plainConnection(sim.proxy.url));
  return {
    getExtension: () => undefined,
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    kubernetes: async () =>
      withKube
        ? { connection: plainConnection(sim.proxy.url), client, clusterName: 'c', nodeName: 'node-9' }
        : undefined,
  };
}

const flat = (kvs: KeyValue[]) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, (kv.value as { stringValue: string }).stringValue]));

test('OTEL_RESOURCE_ATTRIBUTES: pairs, trimming, percent-decoding; a bad value is refused as a whole', () => {
  assert.deepEqual(parseResourceAttributes(' a = 1 ,b=x%20y%2C z,,c= '), {
    ok: true,
    attributes: [
      ['a', '1'],
      ['b', 'x y, z'],
      ['c', ''],
    ],
  });
  assert.deepEqual(parseResourceAttributes(''), { ok: true, attributes: [] });
  assert.match((parseResourceAttributes('a=1,b') as { error: string }).error, /pair 2 \("b"\) has no "="/);
  assert.match((parseResourceAttributes('=1') as { error: string }).error, /empty key/);
  assert.match((parseResourceAttributes('a=%zz') as { error: string }).error, /percent-encoding/);
  assert.match(
    (parseResourceAttributes('a b=1') as { error: string }).error,
    /characters a key may not have/,
  );
});

test('OTEL_RESOURCE_ATTRIBUTES parser fuzz: random and mutated inputs never throw, and parse round-trips', () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = [...'ab=,% 2C3D\\"é\u0000\u{1F600}'];
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 30);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    const r = parseResourceAttributes(s);
    assert.equal(typeof r.ok, 'boolean');
  }
  // Encoded then parsed gives back the pairs.
  for (let i = 0; i < 2_000; i++) {
    const pairs: Array<[string, string]> = [];
    for (let j = 0; j < 1 + Math.floor(rnd() * 4); j++) {
      const key = `k${j}.${Math.floor(rnd() * 1000)}`;
      let value = '';
      for (let k = 0; k < Math.floor(rnd() * 12); k++) value += alphabet[Math.floor(rnd() * alphabet.length)];
      pairs.push([key, value]);
    }
    const text = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
    const r = parseResourceAttributes(text);
    assert.ok(r.ok, text);
    assert.deepEqual(
      r.attributes,
      pairs,
      'encoded spaces survive; only literal ones around a value are trimmed',
    );
  }
});

test('detectors: first one to set an attribute wins; cluster from the process identity; node uid from the API', async () => {
  const cfg = factory.configSchema.parse({});
  const got = await detect(
    cfg,
    settings({ clusterName: 'prod-eu', region: 'eu-west-1', environment: 'production', nodeName: 'node-9' }),
    host(true),
    { OTEL_RESOURCE_ATTRIBUTES: 'k8s.cluster.name=from-env,team=payments' },
  );
  assert.deepEqual(flat(got), {
    'k8s.cluster.name': 'from-env',
    team: 'payments',
    'cloud.region': 'eu-west-1',
    'deployment.environment.name': 'production',
    'k8s.node.name': 'node-9',
    'k8s.node.uid': sim.store.get({ group: '', resource: 'nodes' }, undefined, 'node-9')!.metadata.uid,
    'host.name': hostname(),
    'os.type': process.platform,
  });
  const configured = factory.configSchema.parse(
    parse('detectors: [cluster, k8snode]\ncluster: {name: x}\nk8snode: {node_from_env_var: MY_NODE}'),
  );
  assert.deepEqual(
    flat(await detect(configured, settings({ clusterName: 'flag' }), host(false), { MY_NODE: 'n1' })),
    {
      'k8s.cluster.name': 'x',
      'k8s.node.name': 'n1',
    },
  );
  errors.length = 0;
  assert.deepEqual(
    flat(
      await detect(factory.configSchema.parse({ detectors: ['env'] }), settings(), host(false), {
        OTEL_RESOURCE_ATTRIBUTES: 'a=1,b',
      }),
    ),
    {},
  );
  assert.equal(errors.length, 1, 'a bad variable is reported');
  // A node the API server does not know: no uid, no failure.
  assert.deepEqual(
    flat(
      await detect(
        factory.configSchema.parse({ detectors: ['k8snode'] }),
        settings({ nodeName: 'ghost' }),
        host(true),
        {},
      ),
    ),
    { 'k8s.node.name': 'ghost' },
  );
});

test('existing attributes are kept unless override; every signal gets the attributes', async () => {
  const attrs: KeyValue[] = [{ key: 'host.name', value: { stringValue: 'pod-a' } }];
  applyDetected(
    attrs,
    [
      { key: 'host.name', value: { stringValue: 'node' } },
      { key: 'x', value: { stringValue: '1' } },
    ],
    false,
  );
  assert.deepEqual(flat(attrs), { 'host.name': 'pod-a', x: '1' });
  applyDetected(attrs, [{ key: 'host.name', value: { stringValue: 'node' } }], true);
  assert.deepEqual(flat(attrs), { 'host.name': 'node', x: '1' });

  const got: TracesData[] = [];
  const p = factory.create(
    settings({ clusterName: 'prod' }),
    factory.configSchema.parse({ detectors: ['cluster'] }),
    'traces',
    { consume: async (d) => void got.push(d) },
  );
  await p.start(host(false));
  await p.consume(
    {
      resourceSpans: [
        { resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [], schemaUrl: '' },
        {
          resource: {
            attributes: [{ key: 'k8s.cluster.name', value: { stringValue: 'sent' } }],
            droppedAttributesCount: 0,
          },
          scopeSpans: [],
          schemaUrl: '',
        },
      ],
    },
    {},
  );
  assert.deepEqual(
    got[0]!.resourceSpans.map((r) => flat(r.resource.attributes)),
    [{ 'k8s.cluster.name': 'prod' }, { 'k8s.cluster.name': 'sent' }],
  );
  await p.shutdown();
  assert.equal(factory.configSchema.safeParse({ detectors: ['ec2'] }).success, false);
});
