import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandEnv } from './env.ts';

test('whole-value references take the YAML type of the value', () => {
  const r = expandEnv(
    { port: '${env:PORT}', on: '${env:ON}', s: '${env:NAME}' },
    { PORT: '4318', ON: 'true', NAME: 'abc' },
  );
  assert.deepEqual(r.value, { port: 4318, on: true, s: 'abc' });
  assert.deepEqual(r.missing, []);
});

test('embedded references are substituted as text, $$ escapes', () => {
  const r = expandEnv({ url: 'http://${env:HOST}:${env:PORT}/x', lit: 'a$$b' }, { HOST: 'h', PORT: '1' });
  assert.deepEqual(r.value, { url: 'http://h:1/x', lit: 'a$b' });
});

test('defaults and missing variables', () => {
  const r = expandEnv(['${env:NOPE:-fallback}', 'x${env:ALSO_NOPE}y'], {});
  assert.deepEqual(r.value, ['fallback', 'xy']);
  assert.deepEqual(r.missing, ['ALSO_NOPE']);
});

test('an env value cannot inject structure', () => {
  const r = expandEnv({ a: '${env:EVIL}' }, { EVIL: '{x: 1}' });
  assert.deepEqual(r.value, { a: '{x: 1}' });
});
