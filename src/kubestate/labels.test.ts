import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedLabels, allowListFor, mapToPrometheusLabels, parseAllowList, toSnakeCase } from './labels.ts';

test('keys are sanitised, snake-cased and sorted', () => {
  assert.equal(toSnakeCase('fooBar'), 'foo_bar');
  assert.deepEqual(
    mapToPrometheusLabels('label', { 'app.kubernetes.io/name': 'x', Zone: 'a', teamName: 't' }),
    {
      keys: ['label_zone', 'label_app_kubernetes_io_name', 'label_team_name'],
      values: ['a', 'x', 't'],
    },
  );
});

test('colliding names get _conflictN suffixes, including against generated names', () => {
  const r = mapToPrometheusLabels('label', { 'a-b': '1', 'a.b': '2', a_b: '3' });
  assert.deepEqual(r.keys.slice().sort(), [
    'label_a_b_conflict1',
    'label_a_b_conflict2',
    'label_a_b_conflict3',
  ]);
  // "a.b" sorts before "a/b", then "a_b_conflict1" exists as a real key.
  const r2 = mapToPrometheusLabels('label', { 'a.b': '1', 'a/b': '2', a_b_conflict1: '3' });
  assert.equal(new Set(r2.keys).size, 3, `no duplicate names: ${r2.keys.join(',')}`);
});

test('allow-lists: "*" first allows everything, exact keys, one partial wildcard', () => {
  const labels = { app: 'web', team: 't', 'app.kubernetes.io/name': 'n', other: 'o' };
  assert.equal(allowedLabels('label', labels, ['*']).keys.length, 4);
  assert.deepEqual(allowedLabels('label', labels, ['team', '*']).keys, ['label_team']);
  assert.deepEqual(allowedLabels('label', labels, ['app*']).keys.sort(), [
    'label_app',
    'label_app_kubernetes_io_name',
  ]);
  assert.deepEqual(allowedLabels('label', labels, ['*.io/*']).keys, [], 'two wildcards match nothing');
  assert.deepEqual(allowedLabels('label', labels, []).keys, []);
  assert.deepEqual(allowedLabels('label', undefined, ['*']).keys, []);
});

test("KSM's allow-list syntax parses, and '*' takes precedence", () => {
  const m = parseAllowList('pods=[app, team],deployments=[],*=[owner]');
  assert.deepEqual(
    [...m],
    [
      ['pods', ['app', 'team']],
      ['deployments', []],
      ['*', ['owner']],
    ],
  );
  assert.deepEqual(allowListFor(m, 'pods'), ['owner']);
  assert.deepEqual(allowListFor(parseAllowList('pods=[app]'), 'pods'), ['app']);
  assert.deepEqual(allowListFor(parseAllowList('pods=[app]'), 'nodes'), []);
  assert.deepEqual(
    allowListFor(parseAllowList('nodes=[kubernetes.io/hostname,topology.kubernetes.io/*]'), 'nodes'),
    ['kubernetes.io/hostname', 'topology.kubernetes.io/*'],
  );
  for (const bad of [
    'pods',
    'pods=app',
    'pods=[app',
    'pods=[app],',
    '=[app]',
    'pods=[a,,b]',
    'pods=[*a*]',
    'pods=[a]x',
  ]) {
    assert.throws(() => parseAllowList(bad), /allow-list|wildcard/, bad);
  }
  assert.equal(parseAllowList('  ').size, 0);
});
