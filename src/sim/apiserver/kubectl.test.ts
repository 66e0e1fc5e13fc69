// The real kubectl against the simulated API server, seeded from testdata/cluster.json.
// Note: kubectl (client-go's clientcmd) only attaches kubeconfig credentials when the transport
// is TLS, so against this plain-HTTP server the user's token is never sent; the server here
// runs without token enforcement (server.test.ts covers 401s and token rotation).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from './store.ts';
import { startApiServer, type ApiServer } from './server.ts';
import { seedObjects } from './seed.ts';
import type { KubeObject } from '../types.ts';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
const missing = probe.error ? `kubectl not found: ${probe.error.message}` : undefined;

const PODS = { group: '', resource: 'pods' };
const CMS = { group: '', resource: 'configmaps' };
let store: ObjectStore;
let server: ApiServer;
let dir: string;

before(async () => {
  if (missing) return;
  store = new ObjectStore();
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'cluster.json'), 'utf8')) as {
    objects: KubeObject[];
  };
  seedObjects(store, fixture.objects, { ageSeconds: 300 });
  server = await startApiServer({ store });
  dir = mkdtempSync(join(tmpdir(), 'wc-kubectl-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster: {server: '${server.url}'}
users:
- name: sim-user
  user: {token: sim-token}
contexts:
- name: sim
  context: {cluster: sim, user: sim-user}
current-context: sim
`,
  );
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  // HOME holds kubectl's discovery cache, shared by the calls in this file.
  return { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
}

function kubectl(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Output lines split into whitespace-separated columns. */
function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

test('get nodes', { skip: missing }, async () => {
  const r = rows(await ok('get', 'nodes'));
  assert.deepEqual(r[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  const [name, status, roles, age, version] = r[1]!;
  assert.deepEqual(
    [name, status, roles, version],
    ['sim-control-plane', 'Ready', 'control-plane', 'v1.32.4'],
  );
  assert.match(age!, /^5m\d*s?$/);
  assert.equal(r.length, 4);
});

test('get pods -A', { skip: missing }, async () => {
  const r = rows(await ok('get', 'pods', '-A'));
  assert.deepEqual(r[0], ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  const byName = new Map(r.slice(1).map((c) => [c[1], c]));
  assert.deepEqual(byName.get('web-7d4b9c8f6d-x7k2p')!.slice(0, 5), [
    'shop',
    'web-7d4b9c8f6d-x7k2p',
    '2/2',
    'Running',
    '0',
  ]);
  assert.deepEqual(byName.get('web-7d4b9c8f6d-q9z4m')!.slice(2, 5), ['2/2', 'Running', '1']);
  assert.deepEqual(byName.get('coredns-668d6bf9bc-abcde')!.slice(0, 4), [
    'kube-system',
    'coredns-668d6bf9bc-abcde',
    '0/1',
    'ContainerCreating',
  ]);
  const wide = rows(await ok('get', 'pods', '-n', 'shop', '-o', 'wide'));
  assert.deepEqual(wide[0], [
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    'IP',
    'NODE',
    'NOMINATED NODE',
    'READINESS GATES',
  ]);
  assert.ok(
    wide.some((c) => c[0] === 'web-7d4b9c8f6d-x7k2p' && c[5] === '10.244.1.5' && c[6] === 'sim-worker-1'),
  );
});

test('get events -A', { skip: missing }, async () => {
  const r = rows(await ok('get', 'events', '-A'));
  assert.deepEqual(r[0], ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  const backoff = r.find((c) => c[3] === 'BackOff')!;
  assert.equal(backoff[0], 'shop');
  assert.match(backoff[1]!, /^5m\d*s? \(x3 over 5m\d*s?\)$/);
  assert.deepEqual(backoff.slice(2), [
    'Warning',
    'BackOff',
    'pod/web-7d4b9c8f6d-x7k2p',
    'Back-off restarting failed container nginx',
  ]);
  assert.ok(r.some((c) => c[4] === 'deployment/web' && c[3] === 'ScalingReplicaSet'));
});

test('get deployments -A', { skip: missing }, async () => {
  const r = rows(await ok('get', 'deployments', '-A'));
  assert.deepEqual(r[0], ['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(r[1]!.slice(0, 5), ['shop', 'web', '2/2', '2', '2']);
});

test('describe pod shows the pod and its events', { skip: missing }, async () => {
  const out = await ok('describe', 'pod', '-n', 'shop', 'web-7d4b9c8f6d-x7k2p');
  assert.match(out, /^Name:\s+web-7d4b9c8f6d-x7k2p$/m);
  assert.match(out, /^Namespace:\s+shop$/m);
  assert.match(out, /^Node:\s+sim-worker-1/m);
  assert.match(out, /^Controlled By:\s+ReplicaSet\/web-7d4b9c8f6d$/m);
  assert.match(out, /^\s+Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container nginx$/m);
});

test('get leases -n kube-node-lease', { skip: missing }, async () => {
  const r = rows(await ok('get', 'leases', '-n', 'kube-node-lease'));
  assert.deepEqual(r[0], ['NAME', 'HOLDER', 'AGE']);
  assert.deepEqual(
    r.slice(1).map((c) => c.slice(0, 2)),
    [
      ['sim-control-plane', 'sim-control-plane'],
      ['sim-worker-1', 'sim-worker-1'],
      ['sim-worker-2', 'sim-worker-2'],
    ],
  );
});

test('api-resources', { skip: missing }, async () => {
  const r = rows(await ok('api-resources'));
  assert.deepEqual(r[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
  const find = (name: string, apiVersion: string) => r.find((c) => c[0] === name && c.includes(apiVersion));
  assert.deepEqual(find('deployments', 'apps/v1'), [
    'deployments',
    'deploy',
    'apps/v1',
    'true',
    'Deployment',
  ]);
  assert.deepEqual(find('leases', 'coordination.k8s.io/v1'), [
    'leases',
    'coordination.k8s.io/v1',
    'true',
    'Lease',
  ]);
  assert.deepEqual(find('horizontalpodautoscalers', 'autoscaling/v2'), [
    'horizontalpodautoscalers',
    'hpa',
    'autoscaling/v2',
    'true',
    'HorizontalPodAutoscaler',
  ]);
  assert.ok(find('events', 'events.k8s.io/v1'));
  assert.ok(find('volumeattachments', 'storage.k8s.io/v1'));
});

test('create -f, patch, delete', { skip: missing }, async () => {
  const file = join(dir, 'cm.yaml');
  writeFileSync(
    file,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  a: "1"\n',
  );
  assert.equal((await ok('create', '-f', file)).trim(), 'configmap/settings created');
  assert.deepEqual(store.get(CMS, 'shop', 'settings')!.data, { a: '1' });
  const again = await kubectl('create', '-f', file);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /AlreadyExists.*configmaps "settings" already exists/);
  assert.equal(
    (await ok('patch', 'configmap', 'settings', '-n', 'shop', '-p', '{"data":{"b":"2"}}')).trim(),
    'configmap/settings patched',
  );
  assert.equal(
    (
      await ok(
        'patch',
        'configmap',
        'settings',
        '-n',
        'shop',
        '--type=json',
        '-p',
        '[{"op":"remove","path":"/data/a"}]',
      )
    ).trim(),
    'configmap/settings patched',
  );
  assert.deepEqual(store.get(CMS, 'shop', 'settings')!.data, { b: '2' });
  await ok(
    'patch',
    'deployment',
    'web',
    '-n',
    'shop',
    '-p',
    '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}',
  );
  const images = await ok(
    'get',
    'deployment',
    'web',
    '-n',
    'shop',
    '-o',
    'jsonpath={.spec.template.spec.containers[*].image}',
  );
  assert.equal(images, 'nginx:1.28 busybox:1.36', 'strategic merge by container name');
  assert.equal(
    (await ok('delete', 'configmap', 'settings', '-n', 'shop', '--dry-run=server')).trim(),
    'configmap "settings" deleted (server dry run)',
  );
  assert.ok(store.get(CMS, 'shop', 'settings'), 'a dry run deletes nothing');
  assert.equal(
    (await ok('delete', 'configmap', 'settings', '-n', 'shop')).trim(),
    'configmap "settings" deleted',
  );
  assert.equal(store.get(CMS, 'shop', 'settings'), undefined);
  const gone = await kubectl('get', 'configmap', 'settings', '-n', 'shop');
  assert.match(gone.stderr, /NotFound.*configmaps "settings" not found/);
});

test('get pods -w sees a change made while watching', { skip: missing }, async () => {
  const child = spawn(KUBECTL, ['get', 'pods', '-n', 'kube-system', '-w'], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const until = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!pred()) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${what}; stdout: ${out}; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await until(() => out.includes('ContainerCreating'), 'initial list');
    // Wait until kubectl's watch is registered before changing the pod.
    await until(() => server.watchStats().active > 0, 'watch');
    store.mutate(PODS, 'kube-system', 'coredns-668d6bf9bc-abcde', (p) => {
      p.status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'coredns',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
          },
        ],
      };
    });
    await until(() => /coredns-668d6bf9bc-abcde\s+1\/1\s+Running/.test(out), 'Running line');
  } finally {
    child.kill('SIGKILL');
  }
});

test('scale through the scale subresource', { skip: missing }, async () => {
  assert.equal(
    (await ok('scale', 'deployment', 'web', '-n', 'shop', '--replicas=5')).trim(),
    'deployment.apps/web scaled',
  );
  const d = store.get({ group: 'apps', resource: 'deployments' }, 'shop', 'web')!;
  assert.equal((d.spec as { replicas: number }).replicas, 5);
});
