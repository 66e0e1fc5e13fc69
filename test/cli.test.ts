// The `watchingcat` command as a user meets it: help, version, validate, print-config, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-cli-'));

test('--help works on every command and exits 0', async () => {
  for (const args of [
    [],
    ['agent'],
    ['cluster'],
    ['backend'],
    ['up'],
    ['sim'],
    ['validate'],
    ['print-config'],
    ['kubestate', 'render'],
    ['version'],
  ]) {
    const r = await runCli([...args, '--help']);
    assert.equal(r.code, 0, `${args.join(' ')} --help exited ${r.code}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: watchingcat/, `${args.join(' ')} --help printed no usage`);
  }
  const agent = await runCli(['agent', '--help']);
  for (const flag of [
    '--config',
    '--data-dir',
    '--metrics-address',
    '--telemetry-address',
    '--health-address',
    '--kubeconfig',
    '--cluster-name',
    '--node-name',
    '--root-path',
    '--otlp-endpoint',
  ]) {
    assert.ok(agent.stdout.includes(flag), `agent --help lacks ${flag}`);
  }
  const backend = await runCli(['backend', '--help']);
  for (const flag of ['--clickhouse-url', '--api-address', '--ui-address'])
    assert.ok(backend.stdout.includes(flag), `backend --help lacks ${flag}`);
});

test('version prints the package version', async () => {
  const r = await runCli(['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^watchingcat \d+\.\d+\.\d+ \(node v24\./);
});

test('an unknown command or flag exits 2 and says so', async () => {
  const r = await runCli(['agent', '--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
  const r2 = await runCli(['frobnicate']);
  assert.equal(r2.code, 2);
});

test('validate accepts a good file and names the problems in a bad one', async () => {
  const good = join(dir, 'good.yaml');
  writeFileSync(
    good,
    `receivers:\n  otlp:\nprocessors:\n  batch:\n    timeout: 10s\n    send_batch_size: 1024\n  memory_limiter:\n    check_interval: 1s\n    limit_mib: 512\n    spike_limit_mib: 128\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [memory_limiter, batch]\n      exporters: [debug]\n`,
  );
  const ok = await runCli(['validate', '--config', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /is valid: 1 pipeline \(traces\)/);

  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    `receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: localhost\nexporters:\n  debug:\n    verbosty: basic\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug, otlphttp]\n`,
  );
  const r = await runCli(['validate', '--config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml:5:\d+: receivers\.otlp\.protocols\.http\.endpoint: .*got "localhost"/);
  assert.match(r.stderr, /exporters\.debug\.verbosty: unknown key "verbosty" — did you mean "verbosity"\?/);
  assert.match(r.stderr, /exporter "otlphttp" is not configured/);

  const missing = await runCli(['validate', '--config', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read configuration file .*nope\.yaml: no such file/);
});

test('print-config shows a configuration that validate accepts, with flags applied', async () => {
  for (const role of ['agent', 'cluster', 'backend']) {
    const r = await runCli([
      'print-config',
      role,
      '--otlp-endpoint',
      'http://127.0.0.1:4318',
      '--health-address',
      '127.0.0.1:1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, `${role}.yaml`);
    writeFileSync(file, r.stdout);
    const v = await runCli(['validate', '--config', file, '--role', role]);
    assert.equal(v.code, 0, `${role}: ${v.stderr}\n${r.stdout}`);
    assert.match(r.stdout, /endpoint: 127\.0\.0\.1:1/);
  }
  const agent = await runCli(['print-config', 'agent', '--otlp-endpoint', 'http://collector:4318']);
  assert.match(agent.stdout, /otlphttp:\n\s+endpoint: http:\/\/collector:4318/);
  assert.match(agent.stdout, /storage: file_storage/);
});

test('kubestate render prints conformance cases exactly, with allow-list flags', async () => {
  // Through the command as external checks run it; every case runs in-process in
  // src/kubestate/conformance.test.ts — here a few, with and without allow-lists.
  const { loadCaseFiles, normalize } = await import('../src/kubestate/testdata/conformance.ts');
  const files = loadCaseFiles();
  const picked = files
    .filter((f) => ['configmap', 'pod', 'deployment', 'node'].includes(f.resource))
    .flatMap((f) =>
      f.cases
        .slice(0, 2)
        .concat(f.cases.filter((c) => c.options))
        .map((c) => ({ f, c })),
    );
  assert.ok(picked.length >= 6);
  for (const { f, c } of picked) {
    const file = join(dir, `${f.resource}.json`);
    writeFileSync(file, JSON.stringify(c.object));
    const args = ['kubestate', 'render', file];
    if (c.options?.allowLabelsList)
      args.push('--metric-labels-allowlist', `*=[${c.options.allowLabelsList.join(',')}]`);
    if (c.options?.allowAnnotationsList) {
      args.push('--metric-annotations-allowlist', `*=[${c.options.allowAnnotationsList.join(',')}]`);
    }
    const r = await runCli(args, { env: { TZ: 'UTC' } });
    assert.equal(r.code, 0, `${c.name}: ${r.stderr}`);
    assert.deepEqual(normalize(r.stdout, c.metricNames), normalize(c.want, c.metricNames), c.name);
  }
});

test('kubestate render: bad flags exit 2, unreadable files exit 1, other kinds are skipped', async () => {
  const bad = await runCli(['kubestate', 'render', '--metric-labels-allowlist', 'pods=app', join(dir, 'x')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid allow-list "pods=app"/);
  const unknown = await runCli(['kubestate', 'render', '--resources', 'pod', join(dir, 'x')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown resource pod; available: .*pods/);
  const missing = await runCli(['kubestate', 'render', join(dir, 'none.yaml')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*none\.yaml: ENOENT/);
  const mixed = join(dir, 'mixed.yaml');
  writeFileSync(
    mixed,
    'apiVersion: v1\nkind: Event\nmetadata: {name: ev}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ns}\n',
  );
  const r = await runCli(['kubestate', 'render', mixed]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kube_configmap_info\{namespace="ns",configmap="cm"\} 1/);
  assert.match(r.stderr, /skipped Event ev/);
});

test('sim rejects bad flags with exit 2 and says what is allowed', async () => {
  for (const [args, message] of [
    [['--nodes', '0'], /--nodes must be an integer ≥ 1, got "0"/],
    [['--pods', 'many'], /--pods must be an integer ≥ 0/],
    [['--churn', '-1'], /--churn must be a number of changes per second ≥ 0/],
    [['--cgroup', 'v3'], /--cgroup must be v1 or v2/],
    [['--listen', 'localhost'], /--listen must be HOST:PORT/],
  ] as const) {
    const r = await runCli(['sim', ...args, '--dir', dir]);
    assert.equal(r.code, 2, `sim ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
