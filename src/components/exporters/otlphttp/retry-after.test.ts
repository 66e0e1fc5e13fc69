import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter } from './retry-after.ts';

test('Retry-After in seconds', () => {
  assert.equal(parseRetryAfter('1'), 1000);
  assert.equal(parseRetryAfter(' 30 '), 30_000);
});

test('Retry-After as an HTTP-date is the time left until then', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0, 'a date in the past means now');
});

test('absent or unreadable Retry-After gives no delay', () => {
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter('-5'), undefined);
});
