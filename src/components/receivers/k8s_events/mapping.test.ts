// The parsers of the k8s_events receiver — Kubernetes times, stored checkpoints — on known
// inputs and fuzzed (never throw; agree with Date where Date is exact), the event timestamp
// rules, the checkpoint annotation's name, the filters' config.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { checkpointAnnotation, decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { configSchema, eventFilter } from './config.ts';
import {
  compareResourceVersions,
  eventCount,
  eventNode,
  eventTimestamp,
  parseKubeTime,
  toLogRecord,
  type EventV1,
} from './mapping.ts';

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

test('parseKubeTime: Time and MicroTime, offsets, nanoseconds; rejects what is not RFC 3339', () => {
  assert.equal(parseKubeTime('2026-03-01T10:00:00Z'), ns('2026-03-01T10:00:00Z'));
  assert.equal(parseKubeTime('2026-03-01T10:00:00.123456Z'), ns('2026-03-01T10:00:00.123Z') + 456_000n);
  assert.equal(parseKubeTime('2026-03-01T10:00:00.123456789Z'), ns('2026-03-01T10:00:00.123Z') + 456_789n);
  assert.equal(parseKubeTime('2026-03-01T12:00:00+02:00'), ns('2026-03-01T10:00:00Z'));
  assert.equal(parseKubeTime('2026-03-01T08:30:00-01:30'), ns('2026-03-01T10:00:00Z'));
  for (const bad of [
    '',
    'yesterday',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T10:00:00',
    '2026-03-01T10:00:00.Z',
    '2026-03-01T10:00:00.1234567890Z',
    '2026-03-01T10:00:00+25:00',
    null,
    42,
    {},
  ]) {
    assert.equal(parseKubeTime(bad), undefined, String(bad));
  }
});

test('parseKubeTime fuzz: never throws; agrees with Date on millisecond times', () => {
  const alphabet = '0123456789-:TZ.+ zt';
  for (let i = 0; i < 20_000; i++) {
    // Random strings, and mutations of a valid time.
    const base = new Date(Math.floor(Math.random() * 4e12)).toISOString();
    let s: string;
    if (i % 3 === 0) {
      s = Array.from(
        { length: Math.floor(Math.random() * 40) },
        () => alphabet[Math.floor(Math.random() * alphabet.length)],
      ).join('');
    } else if (i % 3 === 1) {
      const at = Math.floor(Math.random() * base.length);
      s = base.slice(0, at) + alphabet[Math.floor(Math.random() * alphabet.length)] + base.slice(at + 1);
    } else {
      s = randomBytes(Math.floor(Math.random() * 30)).toString('latin1');
    }
    const got = parseKubeTime(s);
    if (got !== undefined) assert.equal(typeof got, 'bigint');
    assert.equal(parseKubeTime(base), BigInt(Date.parse(base)) * 1_000_000n, base);
  }
});

test('event timestamp: the last occurrence; else the first; else creation', () => {
  const md = { name: 'e', creationTimestamp: '2026-01-01T00:00:00Z' };
  assert.equal(eventTimestamp({ metadata: md }), ns('2026-01-01T00:00:00Z'));
  assert.equal(
    eventTimestamp({ metadata: md, deprecatedFirstTimestamp: '2026-01-02T00:00:00Z' }),
    ns('2026-01-02T00:00:00Z'),
  );
  assert.equal(
    eventTimestamp({ metadata: md, eventTime: '2026-01-03T00:00:00.000001Z', deprecatedLastTimestamp: null }),
    ns('2026-01-03T00:00:00Z') + 1000n,
  );
  assert.equal(
    eventTimestamp({
      metadata: md,
      eventTime: '2026-01-03T00:00:00.000000Z',
      series: { count: 4, lastObservedTime: '2026-01-05T00:00:00.000000Z' },
      deprecatedLastTimestamp: '2026-01-04T00:00:00Z',
    }),
    ns('2026-01-05T00:00:00Z'),
  );
  assert.equal(eventTimestamp({ metadata: { name: 'x' } }), 0n);
});

test('node, count and severity of new-style (events.k8s.io) events', () => {
  const e: EventV1 = {
    metadata: { name: 'e' },
    reportingController: 'kubelet',
    reportingInstance: 'node-9',
    series: { count: 7, lastObservedTime: '2026-01-05T00:00:00.000000Z' },
    type: 'Bogus',
    note: 'n',
  };
  assert.equal(eventNode(e), 'node-9');
  assert.equal(eventNode({ ...e, reportingController: 'default-scheduler' }), undefined);
  assert.equal(eventNode({ ...e, deprecatedSource: { host: 'node-1' } }), 'node-1');
  assert.equal(eventCount(e), 7);
  assert.equal(eventCount({ metadata: { name: 'e' }, deprecatedCount: 0 }), undefined);
  const r = toLogRecord(e, 5n);
  assert.equal(r.severityNumber, 0, 'unknown types carry no severity');
  assert.equal(r.severityText, '');
  assert.equal(r.observedTimeUnixNano, 5n);
});

test('resourceVersions compare as integers only when both are', () => {
  assert.equal(compareResourceVersions('9', '10'), -1);
  assert.equal(compareResourceVersions('100000000000000000001', '100000000000000000000'), 1);
  assert.equal(compareResourceVersions('7', '7'), 0);
  assert.equal(compareResourceVersions('a7', '7'), undefined);
  assert.equal(compareResourceVersions(undefined, '7'), undefined);
});

test('checkpoints round-trip; anything else decodes to nothing (fuzzed)', () => {
  const cp = {
    resourceVersion: '12345',
    timeUnixNano: 1_780_000_000_123_456_789n,
    server: 'https://10.0.0.1',
  };
  assert.deepEqual(decodeCheckpoint(encodeCheckpoint(cp)), cp);
  const { server: _, ...noServer } = cp;
  assert.deepEqual(decodeCheckpoint(encodeCheckpoint(noServer)), noServer);
  for (const bad of [
    '',
    '{}',
    'null',
    '[]',
    '{"v":2,"resourceVersion":"1","time":"1"}',
    '{"v":1,"resourceVersion":"","time":"1"}',
    '{"v":1,"resourceVersion":"1","time":"-1"}',
    '{"v":1,"resourceVersion":"1","time":"1","server":3}',
    undefined,
    7,
  ]) {
    assert.equal(decodeCheckpoint(bad), undefined, String(bad));
  }
  const good = encodeCheckpoint(cp);
  for (let i = 0; i < 20_000; i++) {
    let s: string;
    if (i % 2 === 0) {
      const at = Math.floor(Math.random() * good.length);
      s =
        good.slice(0, at) +
        String.fromCharCode(32 + Math.floor(Math.random() * 95)) +
        good.slice(at + 1 + Math.floor(Math.random() * 3));
    } else {
      s = randomBytes(Math.floor(Math.random() * 64)).toString('utf8');
    }
    const d = decodeCheckpoint(s);
    if (d) {
      assert.equal(typeof d.resourceVersion, 'string');
      assert.equal(typeof d.timeUnixNano, 'bigint');
    }
  }
});

test('the checkpoint annotation is a valid annotation key per receiver id', () => {
  const key = (type: string, name: string) =>
    checkpointAnnotation({ type, name, key: name ? `${type}/${name}` : type });
  assert.equal(key('k8s_events', ''), 'watchingcat.io/k8s-events-checkpoint');
  assert.equal(key('k8s_events', 'warnings only'), 'watchingcat.io/k8s-events-checkpoint.warnings-only');
  const long = key('k8s_events', 'x'.repeat(100) + '__');
  assert.ok(/^watchingcat\.io\/[A-Za-z0-9][-A-Za-z0-9_.]{0,61}[A-Za-z0-9]$/.test(long), long);
});

test('config: defaults, the Collector’s options, and what is refused', () => {
  const c = configSchema.parse({ auth_type: 'serviceAccount' });
  assert.equal(c.max_batch_size, 100);
  assert.equal(c.queue_size, 1000);
  assert.deepEqual(c.namespaces, []);
  assert.throws(() => configSchema.parse({ queue_size: 5, max_batch_size: 10 }), /queue_size/);
  assert.throws(() => configSchema.parse({ auth_type: 'magic' }));
  assert.throws(() => configSchema.parse({ namespace: ['x'] }), /namespace/);
  const keep = eventFilter(configSchema.parse({ types_exclude: ['Normal'], reasons: ['BackOff', 'Failed'] }));
  assert.equal(keep({ namespace: 'a', reason: 'BackOff', type: 'Warning' }), true);
  assert.equal(keep({ namespace: 'a', reason: 'BackOff', type: 'Normal' }), false);
  assert.equal(keep({ namespace: 'a', reason: 'Pulled', type: 'Warning' }), false);
});
