import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../../pipeline/component.ts';
import { extensionSettings } from '../testdata/settings.ts';
import { factory } from './factory.ts';

const create = (cfg: unknown) =>
  factory.create(extensionSettings('bearertokenauth'), factory.configSchema.parse(cfg));
const tokenFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'wc-tok-')), 'token');
  writeFileSync(file, text);
  return file;
};

test('server side: "<scheme> <token>" for any of the tokens; wrong scheme, token or empty header fail', () => {
  const a = create({ tokens: ['t1', 't2'] }).authenticator!;
  assert.equal(a.authenticate('Bearer t1'), true);
  assert.equal(a.authenticate('Bearer t2'), true);
  assert.equal(a.authenticate('Bearer t3'), false);
  assert.equal(a.authenticate('Bearer t1x'), false);
  assert.equal(a.authenticate('Basic t1'), false);
  assert.equal(a.authenticate('t1'), false);
  assert.equal(a.authenticate(''), false);
  assert.equal(a.authenticate(undefined), false);
});

test('client side: the header with the first token, in the configured scheme and header name', () => {
  assert.deepEqual(create({ tokens: ['t1', 't2'] }).authenticator!.clientHeaders(), {
    authorization: 'Bearer t1',
  });
  assert.deepEqual(
    create({ token: 's3cr3t', scheme: 'Token', header: 'X-Auth' }).authenticator!.clientHeaders(),
    {
      'x-auth': 'Token s3cr3t',
    },
  );
});

test('server side: the configured header is the one receivers read', () => {
  assert.equal(create({ token: 't' }).authenticator!.header, 'authorization');
  assert.equal(create({ token: 't', header: 'X-Api-Key' }).authenticator!.header, 'x-api-key');
});

test('an empty scheme sends and expects the bare token (Collector behaviour)', () => {
  const a = create({ token: 'raw', scheme: '' }).authenticator!;
  assert.equal(a.authenticate('raw'), true);
  assert.equal(a.authenticate(' raw'), false);
  assert.deepEqual(a.clientHeaders(), { authorization: 'raw' });
});

test('precedence as in the Collector: tokens replace token, a file replaces both', async () => {
  const both = create({ token: 'single', tokens: ['listed'] }).authenticator!;
  assert.equal(both.authenticate('Bearer listed'), true);
  assert.equal(both.authenticate('Bearer single'), false);
  const ext = create({ token: 'single', tokens: ['listed'], filename: tokenFile('from-file\n') });
  await ext.start({} as Host);
  assert.equal(ext.authenticator!.authenticate('Bearer from-file'), true);
  assert.equal(ext.authenticator!.authenticate('Bearer listed'), false);
  assert.equal(ext.authenticator!.authenticate('Bearer single'), false);
  await ext.shutdown();
});

test('a token file holds one token per line and is re-read when it changes', async () => {
  const file = tokenFile('first\n  second  \n\n');
  const ext = create({ filename: file });
  await ext.start({} as Host);
  const a = ext.authenticator!;
  assert.equal(a.authenticate('Bearer first'), true);
  assert.equal(a.authenticate('Bearer second'), true, 'lines are trimmed');
  assert.equal(a.authenticate('Bearer '), false, 'empty lines are not tokens');
  writeFileSync(file, 'rotated\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000)); // make sure the mtime changes
  assert.equal(a.authenticate('Bearer first'), false);
  assert.equal(a.authenticate('Bearer rotated'), true);
  assert.deepEqual(a.clientHeaders(), { authorization: 'Bearer rotated' });
  await ext.shutdown();
});

test('a missing token file fails start with its name; config needs a token source', async () => {
  const ext = create({ filename: '/nonexistent/wc-token' });
  await assert.rejects(ext.start({} as Host), /token file \/nonexistent\/wc-token cannot be read/);
  assert.throws(() => factory.configSchema.parse({}), /one of token, tokens or filename is required/);
  assert.throws(() => factory.configSchema.parse({ token: '' }));
  assert.equal(factory.configSchema.parse({ token: 'x' }).scheme, 'Bearer');
  assert.equal(factory.configSchema.safeParse({ token: 'x', bearer: 1 }).success, false);
});
