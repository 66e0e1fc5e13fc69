import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText, resolveConfig } from './load.ts';
import { ConfigError } from './issues.ts';
import { fakeRegistry } from './testdata/fake-registry.ts';

const registry = fakeRegistry();

function load(text: string, env: NodeJS.ProcessEnv = {}) {
  const p = parseConfigText(text, 'test.yaml', env);
  return resolveConfig(p.raw, registry, p.locate, 'test.yaml');
}

function errorOf(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the configuration to be rejected');
}

const GOOD = `
receivers:
  otlp:
  otlp/2:
    endpoint: 127.0.0.1:9999
processors:
  batch:
    timeout: 5s
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp, otlp/2]
      processors: [batch]
      exporters: [debug]
    logs/x:
      receivers: [otlp]
      exporters: [debug]
`;

test('a valid configuration resolves with defaults filled and durations in ms', () => {
  const c = load(GOOD);
  assert.deepEqual(c.receivers.get('otlp')!.config, { endpoint: '0.0.0.0:4318' });
  assert.deepEqual(c.receivers.get('otlp/2')!.config, { endpoint: '127.0.0.1:9999' });
  assert.equal(c.receivers.get('otlp/2')!.id.name, '2');
  assert.deepEqual(c.processors.get('batch')!.config, { timeout: 5000, send_batch_size: 8192 });
  assert.deepEqual(
    c.pipelines.map((p) => [p.id, p.signal]),
    [
      ['traces', 'traces'],
      ['logs/x', 'logs'],
    ],
  );
  assert.equal(c.service.telemetry.metrics.address, '0.0.0.0:8888');
  assert.equal(c.service.shutdown_timeout, 10_000);
});

test('unknown keys are errors that name the path, the line and what is allowed', () => {
  const e = errorOf(GOOD.replace('    timeout: 5s', '    timout: 5s'));
  assert.equal(e.issues.length, 1);
  const msg = e.message;
  assert.match(
    msg,
    /test\.yaml:\d+:\d+: processors\.batch\.timout: unknown key "timout" — did you mean "timeout"\? \(allowed: timeout, send_batch_size\)/,
  );
});

test('a bad value names the value and what is allowed', () => {
  const e = errorOf(GOOD.replace('timeout: 5s', 'timeout: soon'));
  assert.match(
    e.message,
    /processors\.batch\.timeout: expected a duration such as "200ms", "5s" or "1m", got "soon"/,
  );
  const e2 = errorOf(GOOD.replace('  debug:\n', '  debug:\n    verbosity: loud\n'));
  assert.match(e2.message, /exporters\.debug\.verbosity: .*"basic".*"normal".*"detailed".*got "loud"/);
});

test('line numbers point at the offending entry', () => {
  const e = errorOf(GOOD.replace('timeout: 5s', 'timeout: soon'));
  const line = GOOD.split('\n').findIndex((l) => l.includes('timeout: 5s')) + 1;
  assert.equal(e.issues[0]!.location, `test.yaml:${line}:14`);
});

test('references to unknown components and unsupported signals are reported together', () => {
  const text = GOOD.replace('exporters: [debug]\n    logs/x', 'exporters: [debug, nope]\n    logs/x')
    .replace('receivers: [otlp]\n      exporters', 'receivers: [tracesonly]\n      exporters')
    .replace('receivers:\n  otlp:\n', 'receivers:\n  tracesonly:\n  otlp:\n');
  const e = errorOf(text);
  const msgs = e.issues.map((i) => i.message).join('\n');
  assert.match(msgs, /exporter "nope" is not configured under exporters: \(configured: debug\)/);
  assert.match(msgs, /receiver "tracesonly" does not support logs \(it supports traces\)/);
  assert.equal(e.issues.length, 2);
});

test('unknown component types list the available ones', () => {
  const e = errorOf(GOOD.replace('exporters:\n  debug:', 'exporters:\n  debug:\n  kafka:'));
  assert.match(e.message, /exporters\.kafka: unknown exporter type "kafka" \(available: debug\)/);
});

test('unknown signals, missing pipelines and unknown sections', () => {
  assert.match(errorOf(GOOD.replace('logs/x:', 'profiles:')).message, /unknown signal "profiles"/);
  assert.match(
    errorOf('receivers: {otlp: }\nservice: {pipelines: {}}').message,
    /at least one pipeline is required/,
  );
  assert.match(errorOf(GOOD + '\nconnectors: {}\n').message, /unknown key "connectors"/);
  assert.match(
    errorOf(GOOD.replace('service:', 'service:\n  extensions: [health_check]')).message,
    /extension "health_check" is not configured/,
  );
});

test('YAML syntax errors carry a position', () => {
  const e = errorOf('receivers:\n  otlp: [\n');
  assert.match(e.message, /test\.yaml:\d+:\d+: .*YAML syntax error/);
});

test('${env:VAR} expansion applies before validation', () => {
  const text = GOOD.replace('endpoint: 127.0.0.1:9999', 'endpoint: ${env:EP}').replace(
    'timeout: 5s',
    'timeout: ${env:T:-7s}',
  );
  const p = parseConfigText(text, 't', { EP: '10.0.0.1:1' });
  const c = resolveConfig(p.raw, registry);
  assert.deepEqual(c.receivers.get('otlp/2')!.config, { endpoint: '10.0.0.1:1' });
  assert.deepEqual(c.processors.get('batch')!.config, { timeout: 7000, send_batch_size: 8192 });
});

test('unused components produce warnings, not errors', () => {
  const c = load(GOOD.replace('exporters:\n  debug:', 'exporters:\n  debug:\n  debug/unused:'));
  assert.deepEqual(c.warnings, [
    'exporters.debug/unused is configured but used by no pipeline; it will not run',
  ]);
});
