// The cron schedule evaluator behind kube_cronjob_next_schedule_time: go-cron's parse rules
// (what is rejected), its calendar walk (day-of-month AND day-of-week, DST gaps, wrapping
// ranges), descriptors and Go durations.
process.env.TZ = 'UTC'; // schedules without a zone use the local one

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GO_ZERO_TIME_SECONDS } from '../generators.ts';
import {
  CronScheduleError,
  parseCronSchedule,
  parseGoDuration,
  tryParseCronSchedule,
} from './cron-schedule.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
function next(spec: string, from: string): string {
  return iso(parseCronSchedule(spec).next(at(from)));
}
const ZERO = iso(GO_ZERO_TIME_SECONDS);

test('five-field schedules: the first activation strictly after the given time', () => {
  assert.equal(next('0 */6 * * *', '2018-03-11T04:34:56Z'), '2018-03-11T06:00:00Z');
  assert.equal(next('25 * * * *', '2018-03-11T11:04:56Z'), '2018-03-11T11:25:00Z');
  assert.equal(next('25 * * * *', '2018-03-11T11:25:00Z'), '2018-03-11T12:25:00Z');
  assert.equal(next('25 * * * *', '2018-03-11T11:25:00.999Z'), '2018-03-11T12:25:00Z');
  assert.equal(next('0 0 1 jan *', '2018-03-11T00:00:00Z'), '2019-01-01T00:00:00Z');
  assert.equal(next('*/15 9-17 * * MON-FRI', '2018-03-10T12:00:00Z'), '2018-03-12T09:00:00Z');
  assert.equal(next('5/20 * * * *', '2018-03-10T12:30:00Z'), '2018-03-10T12:45:00Z');
  assert.equal(next('0 0 * * 7', '2018-01-02T03:00:00Z'), '2018-01-07T00:00:00Z'); // 7 is Sunday
  assert.equal(next('0 0 1,15 * ?', '2018-01-02T03:00:00Z'), '2018-01-15T00:00:00Z');
});

test('day-of-month and day-of-week must both match (go-cron AND semantics)', () => {
  assert.equal(next('0 0 13 * 5', '2018-01-01T00:00:00Z'), '2018-04-13T00:00:00Z'); // Friday the 13th
});

test('ranges may wrap around the end of a field', () => {
  assert.equal(next('0 22-2 * * *', '2018-01-01T03:00:00Z'), '2018-01-01T22:00:00Z');
  assert.equal(next('0 22-2 * * *', '2018-01-01T23:30:00Z'), '2018-01-02T00:00:00Z');
  assert.equal(next('0 0 * * fri-mon', '2018-01-02T03:00:00Z'), '2018-01-05T00:00:00Z');
  assert.equal(next('0 0 1 nov-feb *', '2018-03-02T03:00:00Z'), '2018-11-01T00:00:00Z');
});

test('schedules that never match give Go zero time', () => {
  assert.equal(next('0 0 30 2 *', '2018-01-01T00:00:00Z'), ZERO);
  assert.equal(next('0 0 , * *', '2018-01-01T00:00:00Z'), ZERO);
  assert.equal(next('@manual', '2018-01-01T00:00:00Z'), ZERO);
});

test('time zones: CRON_TZ / TZ prefixes, Intl names, DST', () => {
  assert.equal(next('CRON_TZ=Asia/Shanghai 0 */6 * * *', '2018-03-11T04:34:56Z'), '2018-03-11T10:00:00Z');
  assert.equal(next('TZ="Asia/Singapore" 0 */6 * * *', '2018-03-11T04:34:56Z'), '2018-03-11T10:00:00Z');
  assert.equal(next('TZ=Local 0 */6 * * *', '2018-03-11T04:34:56Z'), '2018-03-11T06:00:00Z');
  // 02:30 does not exist on 2021-03-14 in New York: the hour after the gap is taken.
  assert.equal(next('TZ=America/New_York 30 2 * * *', '2021-03-14T05:00:00Z'), '2021-03-14T07:30:00Z');
  // 01:30 happens twice on 2021-11-07: EDT first, then EST.
  assert.equal(next('TZ=America/New_York 30 1 * * *', '2021-11-07T05:00:00Z'), '2021-11-07T05:30:00Z');
  assert.equal(next('TZ=America/New_York 30 1 * * *', '2021-11-07T05:30:00Z'), '2021-11-07T06:30:00Z');
  assert.equal(next('TZ=Europe/Berlin 0 0 * * *', '2021-03-27T23:30:00Z'), '2021-03-28T22:00:00Z');
});

test('descriptors', () => {
  const from = '2018-03-11T04:34:56Z'; // a Sunday
  assert.equal(next('@hourly', from), '2018-03-11T05:00:00Z');
  assert.equal(next('@daily', from), '2018-03-12T00:00:00Z');
  assert.equal(next('@midnight', from), '2018-03-12T00:00:00Z');
  assert.equal(next('@weekly', from), '2018-03-18T00:00:00Z');
  assert.equal(next('@monthly', from), '2018-04-01T00:00:00Z');
  assert.equal(next('@yearly', from), '2019-01-01T00:00:00Z');
  assert.equal(next('@annually', from), '2019-01-01T00:00:00Z');
  assert.equal(next('CRON_TZ=Asia/Tokyo @daily', from), '2018-03-11T15:00:00Z');
  assert.equal(next('@every 1h30m', '2018-03-11T04:34:56.900Z'), '2018-03-11T06:04:56Z');
  assert.equal(next('@every 1.5s', from), '2018-03-11T04:34:57Z'); // whole seconds
});

test('specs go-cron rejects', () => {
  const invalid = [
    '',
    '* * * *',
    '* * * * * *',
    '*/60 * * * *', // a step must be smaller than its range
    '*/120 4-22 * * *',
    '0 1 */32,1-7 * 3',
    '60 * * * *',
    '0 24 * * *',
    '0 0 0 * *',
    '0 0 * 13 *',
    '0 0 * * 8',
    '-1 * * * *',
    '1-2-3 * * * *',
    '*/0 * * * *',
    '1/2/3 * * * *',
    'x * * * *',
    'H * * * *',
    '0 0 L * *',
    '0 0 15W * *',
    '0 0 * * MON#1',
    '@foo',
    '@daily ',
    '@every',
    '@every 500ms',
    '@every -1m',
    '@every 1x',
    'TZ=Invalid/Zone 0 * * * *',
    'TZ=asia/shanghai 0 * * * *', // zone names are case-sensitive
    'TZ=+01:00 0 * * * *',
    'TZ= 0 * * * *',
    'TZ=Asia/Shanghai',
    'TZ=Asia/Shanghai    ',
    'TZ=Asia/Sh@nghai 0 * * * *',
    `0 ${'0,'.repeat(600)} * * *`,
  ];
  for (const spec of invalid) {
    assert.throws(() => parseCronSchedule(spec), CronScheduleError, JSON.stringify(spec));
    assert.equal(tryParseCronSchedule(spec), undefined);
  }
  for (const spec of [
    '*/59 * * * *',
    ' 0  0 * * * ',
    '0 0 * * 0-7',
    'TZ=UTC 0 * * * *',
    '0 0 * JAN,Dec Sun',
  ]) {
    assert.ok(tryParseCronSchedule(spec), JSON.stringify(spec));
  }
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('1.5h'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('.5s'), 500_000_000n);
  assert.equal(parseGoDuration('-1s'), -1_000_000_000n);
  assert.equal(parseGoDuration('1µs'), 1000n);
  assert.equal(parseGoDuration('0'), 0n);
  assert.equal(parseGoDuration('9223372036854775807ns'), 9_223_372_036_854_775_807n);
  for (const bad of ['', '1', '.s', 'abc', '1d', '9223372036854775808ns', '2562048h']) {
    assert.equal(parseGoDuration(bad), undefined, bad);
  }
});
