import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AnyValue, KeyValue } from '../model/common.ts';
import { actionSchema, AttributeActions, contextValue, toAnyValue } from './actions.ts';
import { anyToString, convertValue, hashValue, valuesEqual } from './values.ts';
import { compileGoRegexp } from './go-regexp.ts';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (key: string, s: string) => kv(key, { stringValue: s });
const run = (actions: unknown[], attrs: KeyValue[], ctx = {}) => {
  new AttributeActions(actions.map((a) => actionSchema.parse(a))).apply(attrs, ctx);
  return attrs;
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const issues = (a: unknown) => {
  const r = actionSchema.safeParse(a);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

test('insert only adds a missing key; update only changes a present one; upsert does both', () => {
  const attrs = [str('a', 'old')];
  run(
    [
      { key: 'a', value: 'ins', action: 'insert' },
      { key: 'b', value: 2, action: 'insert' },
      { key: 'c', value: 'upd', action: 'update' },
      { key: 'a', value: 1.5, action: 'update' },
      { key: 'd', value: true, action: 'upsert' },
      { key: 'b', value: 'up', action: 'upsert' },
    ],
    attrs,
  );
  assert.deepEqual(attrs, [
    kv('a', { doubleValue: 1.5 }),
    kv('b', { stringValue: 'up' }),
    kv('d', { boolValue: true }),
  ]);
});

test('YAML values keep their types, lists and maps included', () => {
  assert.deepEqual(toAnyValue(3), { intValue: 3 });
  assert.deepEqual(toAnyValue(0.25), { doubleValue: 0.25 });
  assert.deepEqual(toAnyValue(['x', 1]), { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } });
  assert.deepEqual(toAnyValue({ k: false }), { kvlistValue: { values: [kv('k', { boolValue: false })] } });
});

test('from_attribute copies a value; a missing source attribute changes nothing', () => {
  const attrs = run(
    [
      { key: 'copy', from_attribute: 'src', action: 'insert' },
      { key: 'ghost', from_attribute: 'missing', action: 'upsert' },
      { key: 'src', from_attribute: 'missing', action: 'update' },
    ],
    [kv('src', { intValue: 7 })],
  );
  assert.deepEqual(attrs, [kv('src', { intValue: 7 }), kv('copy', { intValue: 7 })]);
});

test('from_context reads client.address and metadata (prefixed, bare, case-insensitive); auth.* is absent', () => {
  const ctx = { clientAddress: '10.0.0.9', metadata: { 'x-tenant': 'acme' } };
  const attrs = run(
    [
      { key: 'ip', from_context: 'client.address', action: 'insert' },
      { key: 'tenant', from_context: 'metadata.X-Tenant', action: 'insert' },
      { key: 'bare', from_context: 'x-tenant', action: 'insert' },
      { key: 'who', from_context: 'auth.subject', action: 'insert' },
      { key: 'none', from_context: 'metadata.absent', action: 'insert' },
    ],
    [],
    ctx,
  );
  assert.deepEqual(attrs, [str('ip', '10.0.0.9'), str('tenant', 'acme'), str('bare', 'acme')]);
  assert.equal(contextValue('client.address', {}), undefined);
});

test('delete removes the key and every key matching the pattern; absent keys are fine', () => {
  const attrs = run(
    [
      { key: 'password', action: 'delete' },
      { pattern: '^secret\\.', action: 'delete' },
      { key: 'not-there', action: 'delete' },
    ],
    [
      str('password', 'x'),
      str('secret.a', '1'),
      str('keep', 'k'),
      str('secret.b', '2'),
      str('my.secret.c', '3'),
    ],
  );
  assert.deepEqual(attrs, [str('keep', 'k'), str('my.secret.c', '3')]);
});

test('hash: SHA-256 hex of the typed bytes the Collector hashes', () => {
  const int = Buffer.alloc(8);
  int.writeBigInt64LE(-2n);
  const dbl = Buffer.alloc(8);
  dbl.writeDoubleLE(1.5);
  const attrs = run(
    [
      { key: 'email', action: 'hash' },
      { pattern: '^n\\.', action: 'hash' },
    ],
    [
      str('email', 'hello'),
      kv('n.int', { intValue: -2 }),
      kv('n.big', { intValue: 9223372036854775807n }),
      kv('n.dbl', { doubleValue: 1.5 }),
      kv('n.bool', { boolValue: true }),
      kv('n.bytes', { bytesValue: new Uint8Array([1, 2]) }),
      str('other', 'hello'),
    ],
  );
  const max = Buffer.alloc(8);
  max.writeBigInt64LE(9223372036854775807n);
  assert.deepEqual(attrs, [
    str('email', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'),
    str('n.int', sha256(int)),
    str('n.big', sha256(max)),
    str('n.dbl', sha256(dbl)),
    str('n.bool', sha256(Buffer.from([1]))),
    str('n.bytes', ''),
    str('other', 'hello'),
  ]);
  assert.equal(hashValue({ intValue: -2 }), hashValue({ intValue: -2n }), 'number and bigint ints agree');
});

test('extract: named groups become attributes (overwriting), only from string values', () => {
  const actions = [
    { key: 'http.url', pattern: '^(?P<scheme>\\w+)://(?P<host>[^/]+)(?:/(?P<path>.*))?$', action: 'extract' },
  ];
  assert.deepEqual(run(actions, [str('http.url', 'https://example.com/a/b'), str('host', 'stale')]), [
    str('http.url', 'https://example.com/a/b'),
    str('host', 'example.com'),
    str('scheme', 'https'),
    str('path', 'a/b'),
  ]);
  // An optional group that did not take part yields "", as Go's FindStringSubmatch.
  assert.deepEqual(run(actions, [str('http.url', 'http://h')]), [
    str('http.url', 'http://h'),
    str('scheme', 'http'),
    str('host', 'h'),
    str('path', ''),
  ]);
  assert.deepEqual(run(actions, [str('http.url', 'no match')]), [str('http.url', 'no match')]);
  assert.deepEqual(run(actions, [kv('http.url', { intValue: 1 })]), [kv('http.url', { intValue: 1 })]);
});

test('convert follows strconv: strict int parsing, truncating doubles, bools as 0/1', () => {
  const conv = (v: AnyValue, to: 'int' | 'double' | 'string') =>
    run([{ key: 'k', action: 'convert', converted_type: to }], [kv('k', v)])[0]!.value;
  assert.deepEqual(conv({ stringValue: '42' }, 'int'), { intValue: 42 });
  assert.deepEqual(conv({ stringValue: '-9223372036854775808' }, 'int'), { intValue: -9223372036854775808n });
  assert.deepEqual(conv({ stringValue: '9223372036854775808' }, 'int'), {
    stringValue: '9223372036854775808',
  });
  assert.deepEqual(conv({ stringValue: '3.5' }, 'int'), { stringValue: '3.5' }, 'ParseInt refuses 3.5');
  assert.deepEqual(conv({ stringValue: ' 3' }, 'int'), { stringValue: ' 3' });
  assert.deepEqual(conv({ stringValue: '0x10' }, 'int'), { stringValue: '0x10' });
  assert.deepEqual(conv({ stringValue: '' }, 'int'), { stringValue: '' });
  assert.deepEqual(conv({ doubleValue: -3.9 }, 'int'), { intValue: -3 });
  assert.deepEqual(conv({ boolValue: true }, 'int'), { intValue: 1 });
  assert.deepEqual(conv({ stringValue: '1e3' }, 'double'), { doubleValue: 1000 });
  assert.deepEqual(conv({ stringValue: '-Inf' }, 'double'), { doubleValue: -Infinity });
  assert.deepEqual(conv({ stringValue: 'abc' }, 'double'), { stringValue: 'abc' });
  assert.deepEqual(conv({ intValue: 5 }, 'double'), { doubleValue: 5 });
  assert.deepEqual(conv({ boolValue: false }, 'double'), { doubleValue: 0 });
  assert.deepEqual(conv({ intValue: 5 }, 'string'), { stringValue: '5' });
  assert.deepEqual(conv({ doubleValue: 2.5 }, 'string'), { stringValue: '2.5' });
  assert.deepEqual(conv({ boolValue: false }, 'string'), { stringValue: 'false' });
  assert.deepEqual(conv({ arrayValue: { values: [] } }, 'int'), { arrayValue: { values: [] } });
  assert.equal(convertValue({ stringValue: 'x' }, 'string'), undefined, 'already a string');
  // A missing key is a no-op.
  assert.deepEqual(run([{ key: 'k', action: 'convert', converted_type: 'int' }], []), []);
});

test('string form matches pcommon AsString: JSON with sorted keys for maps, "" for empty', () => {
  assert.equal(anyToString({}), '');
  assert.equal(anyToString({ bytesValue: new Uint8Array([0xff, 0]) }), '/wA=');
  assert.equal(
    anyToString({
      kvlistValue: {
        values: [kv('z', { intValue: 1 }), kv('a', { arrayValue: { values: [{ stringValue: '<b>' }] } })],
      },
    }),
    '{"a":["\\u003cb\\u003e"],"z":1}',
  );
  assert.equal(anyToString({ intValue: 9223372036854775807n }), '9223372036854775807');
  assert.ok(valuesEqual({ intValue: 3 }, { intValue: 3n }));
  assert.ok(!valuesEqual({ intValue: 3 }, { stringValue: '3' }));
});

test('actions run in order on the result of the previous one', () => {
  const attrs = run(
    [
      { key: 'id', value: '123', action: 'insert' },
      { key: 'id', action: 'convert', converted_type: 'int' },
      { key: 'copy', from_attribute: 'id', action: 'upsert' },
      { key: 'id', action: 'delete' },
    ],
    [],
  );
  assert.deepEqual(attrs, [kv('copy', { intValue: 123 })]);
});

test('config: action is case-insensitive; each action refuses the fields the Collector refuses', () => {
  assert.equal(actionSchema.parse({ key: 'a', value: 1, action: 'UPSERT' }).action, 'upsert');
  assert.deepEqual(issues({ key: 'a', value: 1, action: 'insert' }), []);
  assert.match(issues({ value: 1, action: 'insert' }).join(), /needs key/);
  assert.match(issues({ key: 'a', action: 'update' }).join(), /exactly one of value, from_attribute/);
  assert.match(issues({ key: 'a', value: 1, from_attribute: 'b', action: 'upsert' }).join(), /exactly one/);
  assert.match(issues({ key: 'a', value: 1, pattern: 'x', action: 'insert' }).join(), /does not use pattern/);
  assert.match(issues({ action: 'delete' }).join(), /needs key or pattern/);
  assert.match(issues({ key: 'a', value: 'x', action: 'hash' }).join(), /does not use value/);
  assert.match(issues({ key: 'a', action: 'extract' }).join(), /needs key and pattern/);
  assert.match(issues({ key: 'a', pattern: '^(.*)$', action: 'extract' }).join(), /named group/);
  assert.match(
    issues({ key: 'a', pattern: '^(?P<x>.*)-(\\d+)$', action: 'extract' }).join(),
    /must be named/,
  );
  assert.match(
    issues({ key: 'a', pattern: '(?<x>', action: 'extract' }).join(),
    /not a valid regular expression/,
  );
  assert.match(issues({ key: 'a', action: 'convert' }).join(), /converted_type/);
  assert.match(
    issues({ key: 'a', action: 'convert', converted_type: 'int', value: 1 }).join(),
    /does not use/,
  );
  assert.equal(
    actionSchema.safeParse({ key: 'a', action: 'convert', converted_type: 'bool' }).success,
    false,
  );
  assert.equal(actionSchema.safeParse({ key: 'a', action: 'rename' }).success, false);
  assert.equal(actionSchema.safeParse({ key: 'a', action: 'delete', unknown: 1 }).success, false);
});

test('Go regular expressions: (?P<name>), leading flags, \\A and \\z', () => {
  assert.equal(compileGoRegexp('^(?P<a>x)$').exec('x')!.groups!.a, 'x');
  assert.ok(compileGoRegexp('(?i)^abc$').test('ABC'));
  assert.ok(compileGoRegexp('\\Aab\\z').test('ab'));
  assert.ok(!compileGoRegexp('\\Aab\\z').test('xab'));
  assert.ok(compileGoRegexp('\\\\A').test('\\A'), 'an escaped backslash before A stays literal');
  assert.throws(() => compileGoRegexp('(?U)a'), /unsupported flag/);
});
