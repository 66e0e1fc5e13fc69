import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fmtAge,
  fmtBytes,
  fmtCores,
  fmtDuration,
  fmtNumber,
  fmtPercent,
  fmtRate,
  fmtTime,
  nsToMs,
  ratio,
} from './format.ts';

test('bytes, cores, percentages, rates and numbers', () => {
  assert.equal(fmtBytes(512), '512 B');
  assert.equal(fmtBytes(1536), '1.50 KiB');
  assert.equal(fmtBytes(200e6), '191 MiB');
  assert.equal(fmtBytes(16 * 2 ** 30), '16.0 GiB');
  assert.equal(fmtBytes(null), '–');
  assert.equal(fmtCores(0.25), '250m');
  assert.equal(fmtCores(1.5), '1.50');
  assert.equal(fmtCores(undefined), '–');
  assert.equal(fmtPercent(0.1234), '12.3%');
  assert.equal(fmtRate(0.5), '0.50/s');
  assert.equal(fmtRate(12345), '12.3k/s');
  assert.equal(fmtNumber(0), '0');
  assert.equal(fmtNumber(12), '12');
  assert.equal(fmtNumber(1.5), '1.50');
  assert.equal(fmtNumber(0.004), '0.0040');
  assert.equal(fmtNumber(2_500_000), '2.50M');
  assert.equal(ratio(1, 4), 0.25);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(null, 4), null);
});

test('durations, ages and times', () => {
  assert.equal(fmtDuration(850), '850ns');
  assert.equal(fmtDuration('12300'), '12.3µs');
  assert.equal(fmtDuration(4_560_000), '4.56ms');
  assert.equal(fmtDuration(1_230_000_000n), '1.23s');
  assert.equal(fmtDuration(125e9), '2m 5s');
  assert.equal(fmtDuration(3 * 3600e9 + 120e9), '3h 2m');
  assert.equal(fmtAge(45), '45s');
  assert.equal(fmtAge(720), '12m');
  assert.equal(fmtAge(5 * 3600), '5h');
  assert.equal(fmtAge(3 * 86400), '3d');
  assert.equal(nsToMs('1750000000123456789'), 1_750_000_000_123.4568);
  assert.equal(nsToMs('1500000'), 1.5);
  assert.equal(
    fmtTime(Date.UTC(2024, 4, 1, 12, 3, 4, 5), { utc: true, millis: true }),
    '2024-05-01 12:03:04.005',
  );
});
