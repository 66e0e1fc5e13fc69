import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { resolveKubeConnection, TokenFile } from './config.ts';

let dir: string;
const EMPTY_HOME = () => path.join(dir, 'empty-home');

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-config-'));
  fs.mkdirSync(EMPTY_HOME());
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** A kubeconfig with one context per user entry; the first context is current. */
function kubeconfig(
  name: string,
  cluster: Record<string, unknown>,
  users: Array<{ name: string; user: Record<string, unknown>; namespace?: string }>,
): string {
  return write(
    name,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c1', cluster }],
      users: users.map((u) => ({ name: u.name, user: u.user })),
      contexts: users.map((u) => ({
        name: `ctx-${u.name}`,
        context: { cluster: 'c1', user: u.name, ...(u.namespace ? { namespace: u.namespace } : {}) },
      })),
      'current-context': `ctx-${users[0]!.name}`,
    }),
  );
}

const resolve = (opts: Parameters<typeof resolveKubeConnection>[0]) =>
  resolveKubeConnection({ env: {}, homeDir: EMPTY_HOME(), ...opts });

describe('kubeconfig files', () => {
  it('static token, namespace, server without trailing slash, CA data', async () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nCA-DATA\n-----END CERTIFICATE-----\n');
    const file = kubeconfig(
      'token.yaml',
      { server: 'https://k8s.example:6443/', 'certificate-authority-data': ca.toString('base64') },
      [{ name: 'alice', user: { token: 'tok-123' }, namespace: 'team-a' }],
    );
    const { connection, reason } = await resolve({ kubeconfig: file });
    assert.ok(connection, reason);
    assert.equal(connection.source, 'kubeconfig-flag');
    assert.equal(connection.server, 'https://k8s.example:6443');
    assert.equal(connection.namespace, 'team-a');
    assert.equal(await connection.authorization(), 'Bearer tok-123');
    assert.deepEqual(connection.tls.ca, ca);
    assert.equal(connection.tls.rejectUnauthorized, true);
    assert.ok(!reason.includes('tok-123'), 'the reason must not leak the token');
  });

  it('CA file (relative to the kubeconfig), insecure-skip-tls-verify, tls-server-name', async () => {
    write('certs/ca.pem', 'CA-FROM-FILE');
    const file = kubeconfig(
      'ca-file.yaml',
      { server: 'https://k', 'certificate-authority': 'certs/ca.pem', 'tls-server-name': 'api.internal' },
      [{ name: 'u', user: { token: 't' } }],
    );
    const { connection } = await resolve({ kubeconfig: file });
    assert.equal(connection?.tls.ca?.toString(), 'CA-FROM-FILE');
    assert.equal(connection?.tls.servername, 'api.internal');

    const insecure = kubeconfig('insecure.yaml', { server: 'https://k', 'insecure-skip-tls-verify': true }, [
      { name: 'u', user: { token: 't' } },
    ]);
    const r2 = await resolve({ kubeconfig: insecure });
    assert.equal(r2.connection?.tls.rejectUnauthorized, false);
    assert.match(r2.reason, /TLS verification disabled/);
  });

  it('client certificate and key from files and from data', async () => {
    write('certs/client.crt', 'CERT-FILE');
    write('certs/client.key', 'KEY-FILE');
    const file = kubeconfig('cert.yaml', { server: 'https://k' }, [
      { name: 'files', user: { 'client-certificate': 'certs/client.crt', 'client-key': 'certs/client.key' } },
      {
        name: 'data',
        user: {
          'client-certificate-data': Buffer.from('CERT-DATA').toString('base64'),
          'client-key-data': Buffer.from('KEY-DATA').toString('base64'),
        },
      },
    ]);
    const a = (await resolve({ kubeconfig: file })).connection!;
    assert.equal(a.tls.cert?.toString(), 'CERT-FILE');
    assert.equal(a.tls.key?.toString(), 'KEY-FILE');
    assert.equal(await a.authorization(), undefined);
    const b = (await resolve({ kubeconfig: file, context: 'ctx-data' })).connection!;
    assert.equal(b.tls.cert?.toString(), 'CERT-DATA');
    assert.equal(b.tls.key?.toString(), 'KEY-DATA');
  });

  it('token-file is relative to the kubeconfig and re-read after invalidate()', async () => {
    write('tokens/user-token', 'first\n');
    const file = kubeconfig('tokenfile.yaml', { server: 'https://k' }, [
      { name: 'u', user: { 'token-file': 'tokens/user-token' } },
    ]);
    const cwd = process.cwd();
    process.chdir(os.tmpdir()); // the library would read it relative to the cwd
    try {
      const { connection } = await resolve({ kubeconfig: file });
      assert.equal(await connection!.authorization(), 'Bearer first');
      write('tokens/user-token', 'second');
      assert.equal(await connection!.authorization(), 'Bearer first', 'cached until the recheck interval');
      connection!.invalidate();
      assert.equal(await connection!.authorization(), 'Bearer second');
    } finally {
      process.chdir(cwd);
    }
  });

  it('username/password becomes basic auth; Impersonate-User header', async () => {
    const file = kubeconfig('basic.yaml', { server: 'http://127.0.0.1:8080' }, [
      { name: 'u', user: { username: 'admin', password: 's3cret', as: 'bob' } },
    ]);
    const { connection } = await resolve({ kubeconfig: file });
    assert.equal(
      await connection!.authorization(),
      `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
    );
    assert.deepEqual(connection!.headers, { 'Impersonate-User': 'bob' });
  });

  it('exec plugin: runs through the library, cached, re-run after invalidate()', async () => {
    const counter = path.join(dir, 'exec-count');
    fs.writeFileSync(counter, '0');
    const script = write(
      'plugin.mjs',
      `import fs from 'node:fs';
const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
fs.writeFileSync(${JSON.stringify(counter)}, String(n));
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: 'exec-token-' + n + '-' + process.env.PLUGIN_FLAVOUR,
            expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() },
}));`,
    );
    const file = kubeconfig('exec.yaml', { server: 'http://127.0.0.1:1' }, [
      {
        name: 'u',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: [script],
            env: [{ name: 'PLUGIN_FLAVOUR', value: 'mint' }],
            interactiveMode: 'Never',
          },
        },
      },
    ]);
    const { connection, reason } = await resolve({ kubeconfig: file });
    assert.match(reason, /exec plugin/);
    assert.equal(await connection!.authorization(), 'Bearer exec-token-1-mint');
    assert.equal(await connection!.authorization(), 'Bearer exec-token-1-mint');
    assert.equal(fs.readFileSync(counter, 'utf8'), '1', 'the credential is cached');
    connection!.invalidate();
    assert.equal(await connection!.authorization(), 'Bearer exec-token-2-mint');
  });

  it('exec plugin returning a client certificate: credentials() carries it', async () => {
    const script = write(
      'plugin-cert.mjs',
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { clientCertificateData: 'PLUGIN-CERT', clientKeyData: 'PLUGIN-KEY' } }));`,
    );
    const file = kubeconfig('exec-cert.yaml', { server: 'https://k' }, [
      {
        name: 'u',
        user: {
          exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script] },
        },
      },
    ]);
    const { connection } = await resolve({ kubeconfig: file });
    const creds = await connection!.credentials();
    assert.equal(creds.cert?.toString(), 'PLUGIN-CERT');
    assert.equal(creds.key?.toString(), 'PLUGIN-KEY');
    assert.equal(creds.authorization, undefined);
  });

  it('exec plugin failure surfaces its stderr', async () => {
    const script = write('plugin-fail.mjs', `process.stderr.write('login required'); process.exit(3);`);
    const file = kubeconfig('exec-fail.yaml', { server: 'https://k' }, [
      {
        name: 'u',
        user: {
          exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script] },
        },
      },
    ]);
    const { connection } = await resolve({ kubeconfig: file });
    await assert.rejects(connection!.authorization(), /login required/);
  });

  it('an explicit kubeconfig that is missing or lacks a context is an error', async () => {
    await assert.rejects(resolve({ kubeconfig: path.join(dir, 'nope.yaml') }), /nope\.yaml/);
    const file = kubeconfig('ctx.yaml', { server: 'https://k' }, [{ name: 'u', user: { token: 't' } }]);
    await assert.rejects(resolve({ kubeconfig: file, context: 'missing' }), /context "missing" not found/);
  });

  it('$KUBECONFIG merges files; the first file decides the current context', async () => {
    const a = kubeconfig('merge-a.yaml', { server: 'https://a' }, [{ name: 'ua', user: { token: 'ta' } }]);
    const b = write(
      'merge-b.yaml',
      YAML.stringify({
        clusters: [{ name: 'cb', cluster: { server: 'https://b' } }],
        users: [{ name: 'ub', user: { token: 'tb' } }],
        contexts: [{ name: 'ctx-b', context: { cluster: 'cb', user: 'ub' } }],
        'current-context': 'ctx-b',
      }),
    );
    const r = await resolve({ env: { KUBECONFIG: `${a}${path.delimiter}${b}` } });
    assert.equal(r.connection?.source, 'KUBECONFIG');
    assert.equal(r.connection?.server, 'https://a');
    const r2 = await resolve({ env: { KUBECONFIG: `${a}${path.delimiter}${b}` }, context: 'ctx-b' });
    assert.equal(r2.connection?.server, 'https://b');
    assert.equal(await r2.connection?.authorization(), 'Bearer tb');
  });
});

describe('in-cluster and resolution order', () => {
  function serviceAccount(name: string, token: string): string {
    const root = path.join(dir, name);
    write(`${name}/token`, token);
    write(`${name}/ca.crt`, 'CLUSTER-CA');
    write(`${name}/namespace`, 'watchingcat\n');
    return root;
  }

  it('reads token, CA and namespace under the injected root; rotation is picked up', async () => {
    const root = serviceAccount('sa1', 'sa-token-1\n');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const { connection, reason } = await resolve({ env, serviceAccountRoot: root });
    assert.ok(connection, reason);
    assert.equal(connection.source, 'in-cluster');
    assert.equal(connection.server, 'https://[fd00::1]:443');
    assert.equal(connection.tls.ca?.toString(), 'CLUSTER-CA');
    assert.equal(connection.namespace, 'watchingcat');
    assert.equal(await connection.authorization(), 'Bearer sa-token-1');
    fs.writeFileSync(path.join(root, 'token'), 'sa-token-2');
    connection.invalidate(); // what the client does on a 401
    assert.equal(await connection.authorization(), 'Bearer sa-token-2');
  });

  it('TokenFile re-reads after its recheck interval and keeps the old token if the file vanishes', async () => {
    const p = write('tf/token', 'one');
    const tf = new TokenFile(p, 30);
    assert.equal(await tf.get(), 'one');
    fs.writeFileSync(p, 'two');
    assert.equal(await tf.get(), 'one');
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await tf.get(), 'two');
    fs.rmSync(p);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await tf.get(), 'two');
    await assert.rejects(tf.read(), /ENOENT/);
  });

  it('order: --kubeconfig > in-cluster > $KUBECONFIG > ~/.kube/config > none', async () => {
    const root = serviceAccount('sa2', 'x');
    const flag = kubeconfig('order-flag.yaml', { server: 'https://flag' }, [
      { name: 'u', user: { token: 't' } },
    ]);
    const envFile = kubeconfig('order-env.yaml', { server: 'https://env' }, [
      { name: 'u', user: { token: 't' } },
    ]);
    const home = path.join(dir, 'home');
    write(
      'home/.kube/config',
      fs.readFileSync(
        kubeconfig('order-home.yaml', { server: 'https://home' }, [{ name: 'u', user: { token: 't' } }]),
      ),
    );
    const inCluster = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const all = { env: { ...inCluster, KUBECONFIG: envFile }, serviceAccountRoot: root, homeDir: home };

    assert.equal((await resolve({ ...all, kubeconfig: flag })).connection?.server, 'https://flag');
    assert.equal((await resolve(all)).connection?.server, 'https://10.0.0.1:443');
    assert.equal((await resolve({ ...all, env: { KUBECONFIG: envFile } })).connection?.server, 'https://env');
    assert.equal((await resolve({ ...all, env: {} })).connection?.server, 'https://home');

    // In-cluster variables without a token file: falls through, and says why.
    const r = await resolve({ env: inCluster, serviceAccountRoot: path.join(dir, 'no-sa'), homeDir: home });
    assert.equal(r.connection?.server, 'https://home');

    const none = await resolve({ env: inCluster, serviceAccountRoot: path.join(dir, 'no-sa') });
    assert.equal(none.connection, undefined);
    assert.match(
      none.reason,
      /^no Kubernetes: in-cluster config unusable \(.*ENOENT.*\); no .*\.kube\/config/,
    );
    const none2 = await resolve({});
    assert.match(none2.reason, /not in a cluster/);
  });
});
