import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyValue, KeyValue } from '../../../model/common.ts';
import { Matcher, matchSchema, validateForSignal, type Subject } from './match.ts';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (key: string, s: string) => kv(key, { stringValue: s });
const scope = (name = '', version = '') => ({ name, version, attributes: [], droppedAttributesCount: 0 });
const subject = (over: Partial<Subject> = {}): Subject => ({
  resource: [str('service.name', 'checkout')],
  scope: scope('io.opentelemetry.http', '1.2.0'),
  attributes: [],
  ...over,
});
const matcher = (cfg: unknown) => new Matcher(matchSchema.parse(cfg));
const errors = (cfg: unknown) => {
  const r = matchSchema.safeParse(cfg);
  return r.success ? '' : r.error.issues.map((i) => i.message).join('; ');
};

test('strict services compare service.name exactly; a missing service.name never equals a real name', () => {
  const m = matcher({ match_type: 'strict', services: ['checkout', 'cart'] });
  assert.ok(m.matches(subject()));
  assert.ok(!m.matches(subject({ resource: [str('service.name', 'checkout-v2')] })));
  assert.ok(!m.matches(subject({ resource: [] })));
  // The Collector matches a missing service.name as "<nil-service-name>", so ".*" takes it too.
  assert.ok(matcher({ match_type: 'regexp', services: ['.*'] }).matches(subject({ resource: [] })));
});

test('regexp is unanchored Go syntax; ^…$ anchors it', () => {
  const m = matcher({ match_type: 'regexp', span_names: ['^GET /api/(?P<v>v\\d)/'] });
  assert.ok(m.matches(subject({ spanName: 'GET /api/v1/users' })));
  assert.ok(!m.matches(subject({ spanName: 'POST /api/v1/users' })));
  assert.ok(
    matcher({ match_type: 'regexp', span_names: ['users'] }).matches(subject({ spanName: 'GET /users/1' })),
  );
  assert.ok(
    !matcher({ match_type: 'strict', span_names: ['users'] }).matches(subject({ spanName: 'GET /users/1' })),
  );
  assert.match(errors({ match_type: 'regexp', span_names: ['(unclosed'] }), /not a valid regular expression/);
});

test('span_kinds use SPAN_KIND_* names; regexp patterns apply to them; strict rejects other spellings', () => {
  assert.ok(
    matcher({ match_type: 'strict', span_kinds: ['SPAN_KIND_SERVER'] }).matches(subject({ spanKind: 2 })),
  );
  assert.ok(
    !matcher({ match_type: 'strict', span_kinds: ['SPAN_KIND_SERVER'] }).matches(subject({ spanKind: 3 })),
  );
  const re = matcher({ match_type: 'regexp', span_kinds: ['SERVER|CONSUMER'] });
  assert.ok(re.matches(subject({ spanKind: 5 })));
  assert.ok(!re.matches(subject({ spanKind: 1 })));
  assert.match(errors({ match_type: 'strict', span_kinds: ['server'] }), /not a span kind.*SPAN_KIND_SERVER/);
});

test('strict attribute values compare typed: 200 is not "200"; a key without value only needs presence', () => {
  const m = matcher({
    match_type: 'strict',
    attributes: [{ key: 'http.status_code', value: 200 }, { key: 'route' }],
  });
  assert.ok(
    m.matches(subject({ attributes: [kv('http.status_code', { intValue: 200 }), str('route', '/x')] })),
  );
  assert.ok(!m.matches(subject({ attributes: [str('http.status_code', '200'), str('route', '/x')] })));
  assert.ok(
    !m.matches(subject({ attributes: [kv('http.status_code', { intValue: 200 })] })),
    'all must match',
  );
  assert.ok(!m.matches(subject({ attributes: [] })));
  const b = matcher({
    match_type: 'strict',
    attributes: [
      { key: 'ok', value: true },
      { key: 'r', value: 0.5 },
    ],
  });
  assert.ok(
    b.matches(subject({ attributes: [kv('ok', { boolValue: true }), kv('r', { doubleValue: 0.5 })] })),
  );
  assert.ok(!b.matches(subject({ attributes: [str('ok', 'true'), kv('r', { doubleValue: 0.5 })] })));
});

test('regexp attribute values match the string form of scalars only, and must be strings in config', () => {
  const m = matcher({ match_type: 'regexp', attributes: [{ key: 'code', value: '^5\\d\\d$' }] });
  assert.ok(m.matches(subject({ attributes: [kv('code', { intValue: 503 })] })));
  assert.ok(m.matches(subject({ attributes: [str('code', '500')] })));
  assert.ok(!m.matches(subject({ attributes: [kv('code', { intValue: 404 })] })));
  assert.ok(
    !m.matches(subject({ attributes: [kv('code', { arrayValue: { values: [{ stringValue: '500' }] } })] })),
  );
  assert.match(
    errors({ match_type: 'regexp', attributes: [{ key: 'code', value: 500 }] }),
    /needs string values/,
  );
});

test('resources match resource attributes; libraries match scope name and optional version', () => {
  const r = matcher({ match_type: 'strict', resources: [{ key: 'k8s.namespace.name', value: 'prod' }] });
  assert.ok(r.matches(subject({ resource: [str('k8s.namespace.name', 'prod')] })));
  assert.ok(
    !r.matches(subject({ attributes: [str('k8s.namespace.name', 'prod')] })),
    'item attributes are not resources',
  );
  const l = matcher({ match_type: 'strict', libraries: [{ name: 'io.opentelemetry.http' }] });
  assert.ok(l.matches(subject()));
  assert.ok(!l.matches(subject({ scope: scope('other') })));
  const lv = matcher({ match_type: 'strict', libraries: [{ name: 'io.opentelemetry.http', version: '' }] });
  assert.ok(!lv.matches(subject()), 'an empty version matches only an empty version');
  assert.ok(lv.matches(subject({ scope: scope('io.opentelemetry.http', '') })));
  const lr = matcher({
    match_type: 'regexp',
    libraries: [{ name: '^io\\.opentelemetry\\.', version: '^1\\.' }],
  });
  assert.ok(lr.matches(subject()));
  assert.ok(!lr.matches(subject({ scope: scope('io.opentelemetry.http', '2.0.0') })));
});

test('every property given must match (AND), any value within one (OR)', () => {
  const m = matcher({ match_type: 'strict', services: ['a', 'checkout'], span_names: ['x', 'y'] });
  assert.ok(m.matches(subject({ spanName: 'y' })));
  assert.ok(!m.matches(subject({ spanName: 'z' })));
  assert.ok(!m.matches(subject({ spanName: 'y', resource: [str('service.name', 'b')] })));
});

test('logs: bodies in their string form, severity texts, severity number with match_undefined', () => {
  const body = matcher({ match_type: 'regexp', log_bodies: ['"level":"error"'] });
  assert.ok(body.matches(subject({ body: { kvlistValue: { values: [str('level', 'error')] } } })));
  assert.ok(!body.matches(subject({ body: { stringValue: 'fine' } })));
  const text = matcher({ match_type: 'strict', log_severity_texts: ['ERROR'] });
  assert.ok(text.matches(subject({ severityText: 'ERROR' })));
  assert.ok(!text.matches(subject({ severityText: 'error' })));
  const num = matcher({ match_type: 'strict', log_severity_number: { min: 'WARN' } });
  assert.ok(num.matches(subject({ severityNumber: 13 })));
  assert.ok(num.matches(subject({ severityNumber: 21 })));
  assert.ok(!num.matches(subject({ severityNumber: 12 })));
  assert.ok(!num.matches(subject({ severityNumber: 0 })));
  const undef = matcher({ match_type: 'strict', log_severity_number: { min: 9, match_undefined: true } });
  assert.ok(undef.matches(subject({ severityNumber: 0 })));
  assert.match(errors({ match_type: 'strict', log_severity_number: { min: 'LOUD' } }), /not a severity/);
});

test('metric names', () => {
  const m = matcher({ match_type: 'regexp', metric_names: ['^http\\.server\\.'] });
  assert.ok(m.matches(subject({ metricName: 'http.server.duration' })));
  assert.ok(!m.matches(subject({ metricName: 'http.client.duration' })));
});

test('per-signal validation, as the Collector builds the processor', () => {
  const cfg = (c: unknown) => matchSchema.parse(c);
  assert.throws(
    () => validateForSignal(cfg({ match_type: 'strict', log_bodies: ['x'] }), 'traces', 'include'),
    /include: log_bodies cannot be used in a traces pipeline/,
  );
  assert.throws(
    () => validateForSignal(cfg({ match_type: 'strict', services: ['x'] }), 'logs', 'exclude'),
    /services cannot be used in a logs pipeline/,
  );
  assert.throws(
    () => validateForSignal(cfg({ match_type: 'strict' }), 'traces', 'include'),
    /set at least one of services, span_names/,
  );
  assert.throws(
    () => validateForSignal(cfg({ match_type: 'strict', services: [] }), 'traces', 'include'),
    /at least one/,
  );
  validateForSignal(cfg({ match_type: 'strict', metric_names: ['m'] }), 'metrics', 'include');
  validateForSignal(cfg({ match_type: 'strict', attributes: [{ key: 'a' }] }), 'logs', 'include');
  assert.match(errors({ match_type: 'glob', services: ['x'] }), /strict|regexp|Invalid/);
  assert.match(errors({ match_type: 'strict', service: ['x'] }), /service|Unrecognized/);
});
