import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronSchedule } from './cron.ts';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

test('next() follows minute steps, fixed times and weekday rules in UTC', () => {
  assert.equal(
    iso(new CronSchedule('*/5 * * * *').next(at('2026-01-01T10:03:20Z'))),
    '2026-01-01T10:05:00.000Z',
  );
  assert.equal(
    iso(new CronSchedule('*/5 * * * *').next(at('2026-01-01T10:05:00Z'))),
    '2026-01-01T10:10:00.000Z',
  );
  assert.equal(
    iso(new CronSchedule('0 2 * * *').next(at('2026-01-01T10:00:00Z'))),
    '2026-01-02T02:00:00.000Z',
  );
  assert.equal(
    iso(new CronSchedule('30 9 * * 1-5').next(at('2026-01-02T10:00:00Z'))),
    '2026-01-05T09:30:00.000Z',
  ); // Fri → Mon
  assert.equal(
    iso(new CronSchedule('0 0 1 * *').next(at('2026-01-15T00:00:00Z'))),
    '2026-02-01T00:00:00.000Z',
  );
  assert.equal(
    iso(new CronSchedule('15,45 */6 * * *').next(at('2026-01-01T06:20:00Z'))),
    '2026-01-01T06:45:00.000Z',
  );
});

test('previous() finds the latest run at or before a time', () => {
  const c = new CronSchedule('0 * * * *');
  assert.equal(iso(c.previous(at('2026-01-01T10:59:00Z'), 86_400_000) as number), '2026-01-01T10:00:00.000Z');
  assert.equal(iso(c.previous(at('2026-01-01T10:00:00Z'), 86_400_000) as number), '2026-01-01T10:00:00.000Z');
});

test('bad schedules are rejected with the reason', () => {
  assert.throws(() => new CronSchedule('* * *'), /want 5 fields/);
  assert.throws(() => new CronSchedule('61 * * * *'), /out of range/);
  assert.throws(() => new CronSchedule('a * * * *'), /bad field/);
});
