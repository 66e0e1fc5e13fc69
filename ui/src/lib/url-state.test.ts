import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  globalQuery,
  matchRoute,
  msToNs,
  parseSort,
  parseTimeExpr,
  pathOf,
  refreshMs,
  resolveRange,
  toggleSort,
  withQuery,
} from './url-state.ts';

test('routes: every view and its parameters', () => {
  assert.deepEqual(matchRoute('/'), { page: 'overview', params: {} });
  assert.deepEqual(matchRoute('/nodes/n-1'), { page: 'node', params: { name: 'n-1' } });
  assert.deepEqual(matchRoute('/pods/shop/web%2F1'), {
    page: 'pod',
    params: { namespace: 'shop', name: 'web/1' },
  });
  assert.deepEqual(matchRoute('/services/map'), { page: 'servicemap', params: {} });
  const id = 'ab'.repeat(16);
  assert.deepEqual(matchRoute(`/traces/${id}`), { page: 'trace', params: { traceId: id } });
  assert.equal(matchRoute('/traces/xyz').page, 'notfound');
  assert.equal(matchRoute('/pods/%E0%A4%A').page, 'notfound');
  assert.equal(pathOf('pods', 'a b', 'c/d'), '/pods/a%20b/c%2Fd');
});

test('query patches keep order, drop empty values, and only global keys carry across views', () => {
  assert.equal(withQuery('?a=1&b=2', { a: '3', c: 'x y' }), '?a=3&b=2&c=x+y');
  assert.equal(withQuery('a=1', { a: '' }), '');
  assert.equal(withQuery('', { a: undefined, b: null }), '');
  assert.equal(globalQuery('?q=error&from=now-6h&refresh=10s&node=n1'), '?from=now-6h&refresh=10s');
  assert.equal(globalQuery('?q=x'), '');
});

test('time expressions and ranges', () => {
  const now = 1_750_000_000_000;
  assert.equal(parseTimeExpr('now', now), now);
  assert.equal(parseTimeExpr('now-15m', now), now - 900_000);
  assert.equal(parseTimeExpr('now-1.5h', now), now - 5_400_000);
  assert.equal(parseTimeExpr('1700000000000', now), 1_700_000_000_000);
  assert.equal(parseTimeExpr('2024-05-01T12:00:00Z', now), Date.UTC(2024, 4, 1, 12));
  assert.equal(parseTimeExpr('yesterday', now), undefined);
  assert.equal(parseTimeExpr('now-5x', now), undefined);
  assert.deepEqual(resolveRange(undefined, undefined, now), {
    startMs: now - 3_600_000,
    endMs: now,
    live: true,
  });
  assert.deepEqual(resolveRange('now-7d', 'now', now), {
    startMs: now - 7 * 86_400_000,
    endMs: now,
    live: true,
  });
  assert.deepEqual(resolveRange('1000', '2000', now), { startMs: 1000, endMs: 2000, live: false });
  // Inverted or malformed: the default hour.
  assert.deepEqual(resolveRange('2000', '1000', now), { startMs: now - 3_600_000, endMs: now, live: true });
  assert.deepEqual(resolveRange('bad', 'now', now), { startMs: now - 3_600_000, endMs: now, live: true });
});

test('milliseconds to the API nanoseconds, refresh intervals and sort state', () => {
  assert.equal(msToNs(1_750_000_000_123), '1750000000123000000');
  assert.equal(msToNs(1.5), '1500000');
  assert.equal(msToNs(0), '0');
  assert.equal(refreshMs('10s'), 10_000);
  assert.equal(refreshMs('off'), undefined);
  assert.equal(refreshMs('0.1s'), undefined);
  assert.equal(refreshMs(null), undefined);
  assert.deepEqual(parseSort('-cpu', 'name'), { key: 'cpu', desc: true });
  assert.deepEqual(parseSort(null, 'name'), { key: 'name', desc: false });
  assert.equal(toggleSort({ key: 'cpu', desc: false }, 'cpu'), '-cpu');
  assert.equal(toggleSort({ key: 'cpu', desc: true }, 'cpu'), 'cpu');
  assert.equal(toggleSort({ key: 'cpu', desc: true }, 'name'), 'name');
});
