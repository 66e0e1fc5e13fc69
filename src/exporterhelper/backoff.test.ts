import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retrySettings } from '../config/schema-helpers.ts';
import { ExponentialBackoff } from './backoff.ts';

const settings = (o: Record<string, unknown> = {}) => retrySettings().parse(o);

test('without jitter the waits grow by the multiplier and stop at max_interval', () => {
  const b = new ExponentialBackoff(
    settings({ initial_interval: '100ms', multiplier: 2, max_interval: '500ms', randomization_factor: 0 }),
  );
  assert.deepEqual(
    Array.from({ length: 6 }, () => b.next()),
    [100, 200, 400, 500, 500, 500],
  );
});

test('jitter spreads each wait over interval ± randomization_factor', () => {
  const s = settings({ initial_interval: '1s', multiplier: 1.5, randomization_factor: 0.5 });
  assert.equal(new ExponentialBackoff(s, () => 0).next(), 500);
  assert.equal(new ExponentialBackoff(s, () => 1).next(), 1500);
  // The interval keeps growing independently of the random draw.
  const b = new ExponentialBackoff(s, () => 0.5);
  assert.deepEqual([b.next(), b.next(), b.next()], [1000, 1500, 2250]);
});

test('the Collector defaults: 5s initial, 1.5x, 30s max', () => {
  const b = new ExponentialBackoff(settings(), () => 0.5);
  const waits = Array.from({ length: 8 }, () => b.next());
  assert.equal(waits[0], 5000);
  assert.equal(waits[1], 7500);
  assert.equal(waits.at(-1), 30_000);
});
