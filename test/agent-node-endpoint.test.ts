// The agent stands in for node_exporter: `watchingcat agent --config FILE --metrics-address …
// --root-path /` serves the machine's host metrics at /metrics/node even when FILE names no
// hostmetrics receiver (an endpoint-only receiver, read when scraped), with no Kubernetes
// present; a hostmetrics receiver written in the file is the user's choice, `exposition: false`
// included.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, startRole } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-agent-node-endpoint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function agentWith(name: string, yaml: string) {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, yaml);
  const [health, metrics] = await Promise.all([freePort(), freePort()]);
  const agent = await startRole(
    [
      'agent',
      '--config',
      config,
      '--metrics-address',
      `127.0.0.1:${metrics}`,
      '--root-path',
      '/',
      '--data-dir',
      join(dir, `${name}-data`),
    ],
    // No Kubernetes: no kubeconfig, no in-cluster variables.
    { healthPort: health, env: { KUBECONFIG: join(dir, 'absent'), KUBERNETES_SERVICE_HOST: '' } },
  );
  return { agent, url: `http://127.0.0.1:${metrics}/metrics/node` };
}

test('with a configuration that names no hostmetrics receiver, /metrics/node still serves the host', async (t) => {
  if (process.platform !== 'linux') {
    t.skip(`host metrics read Linux's /proc and /sys; this is ${process.platform}`);
    return;
  }
  const otlpPort = await freePort();
  const { agent, url } = await agentWith(
    'otlp-only',
    `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`,
  );
  try {
    const res = await fetch(url);
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    for (const family of [
      'node_load1',
      'node_memory_MemTotal_bytes',
      'node_cpu_seconds_total',
      'node_boot_time_seconds',
    ])
      assert.match(body, new RegExp(`^${family}(\\{| )`, 'm'), `${family} missing`);
    assert.match(body, /^node_scrape_collector_success\{collector="meminfo"\} 1$/m);
    assert.match(
      agent.logs(),
      /no hostmetrics receiver configured: \/metrics\/node serves the host metrics anyway/,
    );
  } finally {
    await agent.stop();
  }
});

test('a hostmetrics receiver with exposition: false keeps /metrics/node off', async (t) => {
  if (process.platform !== 'linux') {
    t.skip(`host metrics read Linux's /proc and /sys; this is ${process.platform}`);
    return;
  }
  const { agent, url } = await agentWith(
    'exposition-off',
    `receivers:
  hostmetrics:
    exposition: false
    collection_interval: 1h
    initial_delay: 1h
exporters:
  debug:
service:
  pipelines:
    metrics:
      receivers: [hostmetrics]
      exporters: [debug]
`,
  );
  try {
    const res = await fetch(url);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /nothing serves \/metrics\/node/);
  } finally {
    await agent.stop();
  }
});
