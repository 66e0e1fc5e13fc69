import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isQuantity, quantityFloat, quantityMilliValue, quantityValue } from './quantity.ts';

test('quantities parse with decimal, binary and exponent suffixes', () => {
  assert.equal(quantityFloat('250m'), 0.25);
  assert.equal(quantityFloat('2'), 2);
  assert.equal(quantityFloat('1.5'), 1.5);
  assert.equal(quantityFloat('1Ki'), 1024);
  assert.equal(quantityFloat('1Gi'), 1073741824);
  assert.equal(quantityFloat('100M'), 1e8);
  assert.equal(quantityFloat('1e3'), 1000);
  assert.equal(quantityFloat('1.5E-3'), 0.002, 'MilliValue rounds 1.5 milli up to 2');
  assert.equal(quantityFloat('1.5E-2'), 0.015);
  assert.equal(quantityFloat('-1'), -1);
  assert.equal(quantityFloat(3), 3);
  assert.equal(quantityFloat('100n'), 0.001, 'milli precision rounds up');
  assert.equal(quantityFloat('1Ei'), 1152921504606846976, 'beyond milli range uses Value()');
});

test('Value() and MilliValue() round up', () => {
  assert.equal(quantityValue('250m'), 1);
  assert.equal(quantityValue('1001m'), 2);
  assert.equal(quantityValue('-250m'), -1);
  assert.equal(quantityMilliValue('0.1'), 100);
  assert.equal(quantityMilliValue('1u'), 1);
});

test('non-quantities are NaN and not quantities', () => {
  for (const bad of ['', 'abc', '1.2.3', '5Q', '--1', 'Mi', '.']) {
    assert.ok(Number.isNaN(quantityFloat(bad)), bad);
    assert.equal(isQuantity(bad), false, bad);
  }
  assert.ok(Number.isNaN(quantityFloat(undefined)));
});
