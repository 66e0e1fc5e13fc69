import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHelp, escapeLabelValue, familyHeader, formatValue, seriesLines } from './format.ts';
import { metric } from './generators.ts';

test('values are formatted like Go %g shortest', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [1, '1'],
    [-1, '-1'],
    [100000, '100000'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1500000000, '1.5e+09'],
    [1501569018, '1.501569018e+09'],
    [123456.7, '123456.7'],
    [0.25, '0.25'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1e+21'],
    [1.2e100, '1.2e+100'],
    [-2.5e6, '-2.5e+06'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [v, want] of cases) assert.equal(formatValue(v), want, String(v));
});

test('label values escape backslash, newline and quote; help escapes backslash and newline', () => {
  assert.equal(escapeLabelValue('a\\b\n"c"'), 'a\\\\b\\n\\"c\\"');
  assert.equal(escapeLabelValue('plain'), 'plain');
  assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
});

test('headers carry stability and deprecation prefixes; OpenMetrics counters drop _total', () => {
  const f = {
    name: 'kube_x_restarts_total',
    type: 'counter' as const,
    stability: 'stable' as const,
    help: 'Restarts.',
    deprecatedVersion: 'v2.14.0',
    generate: () => [],
  };
  assert.equal(
    familyHeader(f),
    '# HELP kube_x_restarts_total [STABLE] (Deprecated since v2.14.0) Restarts.\n# TYPE kube_x_restarts_total counter\n',
  );
  assert.equal(
    familyHeader(f, 'openmetrics'),
    '# HELP kube_x_restarts [STABLE] (Deprecated since v2.14.0) Restarts.\n# TYPE kube_x_restarts counter\n',
  );
  const info = { ...f, name: 'kube_x_info', type: 'info' as const, stability: 'experimental' as const };
  delete (info as { deprecatedVersion?: string }).deprecatedVersion;
  assert.equal(familyHeader(info), '# HELP kube_x_info Restarts.\n# TYPE kube_x_info gauge\n');
  assert.match(familyHeader({ ...info, type: 'counter' }, 'openmetrics'), /# TYPE kube_x_info unknown/);
});

test('series lines put identifying labels first', () => {
  assert.equal(
    seriesLines('m', ['namespace', 'pod'], ['ns', 'p"1'], [metric(1), metric(2.5, ['c'], ['x'])]),
    'm{namespace="ns",pod="p\\"1"} 1\nm{namespace="ns",pod="p\\"1",c="x"} 2.5\n',
  );
  assert.equal(seriesLines('m', [], [], [metric(3), metric(4, ['a'], ['b'])]), 'm 3\nm{a="b"} 4\n');
});
