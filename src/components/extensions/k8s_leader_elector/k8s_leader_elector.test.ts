// The k8s_leader_elector extension: its options (the Collector's names and defaults), where the
// Lease lives when none is named, its metrics and logs, and a process without Kubernetes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient } from '../../../k8s/client.ts';
import type { KubeConnection } from '../../../k8s/config.ts';
import {
  plainConnection,
  seedNamespaces,
  startSim,
  until,
  type SimEnv,
} from '../../../k8s/testdata/sim-env.ts';
import type { CreateSettings, Host, KubernetesAccess } from '../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema, factory, leaseNamespace } from './factory.ts';

let sim: SimEnv;
let access: KubernetesAccess;

before(async () => {
  sim = await startSim();
  seedNamespaces(sim.store, 'monitoring');
  const connection = plainConnection(sim.proxy.url);
  access = { connection, client: createKubeClient(connection), clusterName: undefined, nodeName: undefined };
});
after(async () => {
  access.client.close();
  await sim.close();
});

function host(kube: KubernetesAccess | undefined): Host {
  return {
    getExtension: () => undefined,
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    kubernetes: async () => kube,
  };
}

test('options: the Collector’s names and defaults; client-go’s constraints', () => {
  const c = configSchema.parse({ lease_name: 'x', auth_type: 'serviceAccount' });
  assert.equal(c.lease_duration, 15_000);
  assert.equal(c.renew_deadline, 10_000);
  assert.equal(c.retry_period, 2_000);
  assert.throws(() => configSchema.parse({}), /lease_name/);
  assert.throws(
    () => configSchema.parse({ lease_name: 'x', renew_deadline: '15s' }),
    /renew_deadline must be less/,
  );
  assert.throws(() => configSchema.parse({ lease_name: 'x', retry_period: '9s' }), /retry_period/);
  assert.throws(() => configSchema.parse({ lease_name: 'x', bogus: 1 }));
});

test('the Lease namespace: configured, else POD_NAMESPACE, else the in-cluster service account’s, else default', () => {
  const c = configSchema.parse({ lease_name: 'x' });
  const inCluster = {
    ...access,
    connection: { ...access.connection, source: 'in-cluster', namespace: 'from-sa' } as KubeConnection,
  };
  const kubeconfig = {
    ...access,
    connection: { ...access.connection, source: 'KUBECONFIG', namespace: 'ctx' } as KubeConnection,
  };
  assert.equal(leaseNamespace({ ...c, lease_namespace: 'set' }, inCluster, { POD_NAMESPACE: 'env' }), 'set');
  assert.equal(leaseNamespace(c, inCluster, { POD_NAMESPACE: 'env' }), 'env');
  assert.equal(leaseNamespace(c, inCluster, {}), 'from-sa');
  assert.equal(leaseNamespace(c, kubeconfig, {}), 'default');
  assert.equal(leaseNamespace(c, undefined, {}), 'default');
});

test('elects, shows it in metrics, logs gain and loss, releases on shutdown', async () => {
  const metrics = new SelfMetrics({ processMetrics: false });
  const lines: Array<{ msg: string; [k: string]: unknown }> = [];
  const logger = silentLogger();
  logger.info = ((obj: object, msg: string) => void lines.push({ ...obj, msg })) as typeof logger.info;
  const settings: CreateSettings = {
    id: { type: 'k8s_leader_elector', name: '', key: 'k8s_leader_elector' },
    kind: 'extension',
    logger,
    telemetry: metrics.forComponent('extension', 'k8s_leader_elector'),
    dataDir: '/nonexistent',
  };
  const ext = factory.create(
    settings,
    configSchema.parse({
      lease_name: 'watchingcat-cluster',
      lease_namespace: 'monitoring',
      lease_duration: '1s',
      renew_deadline: '600ms',
      retry_period: '100ms',
    }),
  );
  const seen: string[] = [];
  ext.leaderElection!.subscribe({
    onStartedLeading: () => void seen.push('started'),
    onStoppedLeading: () => void seen.push('stopped'),
  });
  await ext.start(host(access));
  await until(() => ext.leaderElection!.isLeader(), 'leader', 3000);
  const text = await metrics.exposition();
  assert.match(
    text,
    /watchingcat_extension_leader_election_is_leader\{extension="k8s_leader_elector",lease="monitoring\/watchingcat-cluster"\} 1/,
  );
  assert.match(
    text,
    /watchingcat_extension_leader_election_transitions_total\{extension="k8s_leader_elector"\} 1/,
  );
  assert.ok(lines.some((l) => l.msg === 'k8s_leader_elector: became the leader'));
  await ext.shutdown();
  assert.deepEqual(seen, ['started', 'stopped']);
  assert.ok(
    lines.some((l) => l.msg === 'k8s_leader_elector: no longer the leader' && l.reason === 'stopping'),
  );
  const lease = sim.store
    .list({ group: 'coordination.k8s.io', resource: 'leases' })
    .find((o) => o.metadata.name === 'watchingcat-cluster') as unknown as {
    spec: { holderIdentity: string };
  };
  assert.equal(lease.spec.holderIdentity, '', 'released');
  assert.match(await metrics.exposition(), /leader_election_is_leader\{[^}]*\} 0/);
});

test('without Kubernetes it never leads', async () => {
  const ext = factory.create(
    {
      id: { type: 'k8s_leader_elector', name: '', key: 'k8s_leader_elector' },
      kind: 'extension',
      logger: silentLogger(),
      telemetry: new SelfMetrics({ processMetrics: false }).forComponent('extension', 'k8s_leader_elector'),
      dataDir: '/nonexistent',
    },
    configSchema.parse({ lease_name: 'x' }),
  );
  await ext.start(host(undefined));
  assert.equal(ext.leaderElection!.isLeader(), false);
  await assert.rejects(ext.leaderElection!.writeAnnotation('a/b', 'c'));
  await ext.shutdown();
});
