// A seeded fuzz of the embedded insert path: spans and log records whose every string (names,
// attribute keys and values, bodies, trace states, messages, scope and schema fields) is random
// and hostile — control characters, NUL, quotes, backslashes, tabs and newlines, long strings,
// astral characters and lone surrogates — go through insertTraces/insertLogs (Native blocks, the
// group-commit appenders) into embedded chDB and must read back identical through the read
// functions. The one change allowed: a lone UTF-16 surrogate has no UTF-8 form and is stored as
// U+FFFD (String.prototype.toWellFormed); inside array and kvlist values, whose stored text is
// JSON, it is escaped and reads back as itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/common.ts';
import type { LogRecord, LogsData } from '../../model/logs.ts';
import type { Span, TracesData } from '../../model/traces.ts';
import type { Storage } from '../connection.ts';
import { allLogs } from '../logs-queries.ts';
import { allSpans, traceById } from '../queries.ts';
import type { StoredGroup } from '../read-common.ts';
import { canonical, sortedPair } from '../testdata/canonical.ts';
import { embeddedStoreForTest } from '../testdata/embedded-store.ts';
import { insertLogs, insertTraces } from '../writer.ts';

let storage: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};

before(async () => {
  ({ storage, unavailable, close: closeStore } = await embeddedStoreForTest('wc-native-fuzz-'));
});

after(async () => {
  await closeStore();
});

// A small deterministic PRNG, so a failure is reproducible from the seed.
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ALPHABET = [
  '\t',
  '\n',
  '\r',
  '\\',
  "'",
  '"',
  '`',
  '\0',
  '\x01',
  '\x1b',
  '\x7f',
  '\\N',
  'NULL',
  ',',
  ':',
  '{',
  '}',
  '[',
  ']',
  'é',
  '€',
  '日本',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '😀',
  '\u{10ffff}',
  '\ud800', // lone high surrogate
  '\udc00', // lone low surrogate
  '\udbff\udfff', // a valid pair (U+10FFFF)
];

/** Hostile text: mostly short (the encoder's ≤ 42-unit fast path), sometimes thousands of units. */
function randomString(r: () => number): string {
  const roll = r();
  const n =
    roll < 0.05
      ? 2000 + Math.floor(r() * 8000)
      : roll < 0.2
        ? 43 + Math.floor(r() * 200)
        : Math.floor(r() * 43);
  let s = '';
  while (s.length < n)
    s +=
      r() < 0.5
        ? ALPHABET[Math.floor(r() * ALPHABET.length)]!
        : String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomBytes(r: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

function randomValue(r: () => number, depth = 0): AnyValue {
  const roll = r();
  if (roll < 0.6 || depth > 1) return { stringValue: randomString(r) };
  if (roll < 0.65)
    return { intValue: pick(r, [0, -1, Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n)]) };
  if (roll < 0.7) return { doubleValue: pick(r, [NaN, -0, Infinity, -Infinity, 0.1, 5e-324]) };
  if (roll < 0.75) return { boolValue: r() < 0.5 };
  if (roll < 0.8) return { bytesValue: randomBytes(r, Math.floor(r() * 20)) };
  if (roll < 0.85) return {};
  if (roll < 0.93)
    return {
      arrayValue: { values: Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1)) },
    };
  return { kvlistValue: { values: randomAttributes(r, 3, depth + 1) } };
}

/** Up to `max` attributes; keys distinct even once stored (lone surrogates made U+FFFD). */
function randomAttributes(r: () => number, max: number, depth = 0): KeyValue[] {
  const out: KeyValue[] = [];
  const seen = new Set<string>();
  const n = Math.floor(r() * (max + 1));
  for (let i = 0; i < n; i++) {
    const key = randomString(r);
    if (seen.has(key.toWellFormed())) continue;
    seen.add(key.toWellFormed());
    out.push({ key, value: randomValue(r, depth) });
  }
  return out;
}

function randomResource(r: () => number): Resource {
  return { attributes: randomAttributes(r, 6), droppedAttributesCount: Math.floor(r() * 2 ** 32) };
}

function randomScope(r: () => number): InstrumentationScope {
  return {
    name: randomString(r),
    version: randomString(r),
    attributes: randomAttributes(r, 3),
    droppedAttributesCount: Math.floor(r() * 3),
  };
}

const T0 = 1_700_000_000_000_000_000n;
const randomTime = (r: () => number): bigint => T0 + BigInt(Math.floor(r() * 2 ** 50));

let spanSeq = 0;
function randomSpan(r: () => number, traceId: Uint8Array): Span {
  const start = randomTime(r);
  const id = new Uint8Array(8);
  new DataView(id.buffer).setUint32(4, ++spanSeq); // unique, so the read-backs pair up by id
  return {
    traceId,
    spanId: id,
    traceState: randomString(r),
    parentSpanId: r() < 0.3 ? new Uint8Array(0) : randomBytes(r, 8),
    flags: Math.floor(r() * 2 ** 32),
    name: randomString(r),
    kind: Math.floor(r() * 6),
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.floor(r() * 1e9)),
    attributes: randomAttributes(r, 8),
    droppedAttributesCount: Math.floor(r() * 3),
    events: Array.from({ length: Math.floor(r() * 3) }, () => ({
      timeUnixNano: randomTime(r),
      name: randomString(r),
      attributes: randomAttributes(r, 3),
      droppedAttributesCount: Math.floor(r() * 3),
    })),
    droppedEventsCount: Math.floor(r() * 3),
    links: Array.from({ length: Math.floor(r() * 3) }, () => ({
      traceId: randomBytes(r, 16),
      spanId: randomBytes(r, 8),
      traceState: randomString(r),
      attributes: randomAttributes(r, 3),
      droppedAttributesCount: Math.floor(r() * 3),
      flags: Math.floor(r() * 2 ** 32),
    })),
    droppedLinksCount: Math.floor(r() * 3),
    status: { code: Math.floor(r() * 3), message: randomString(r) },
  };
}

function randomLog(r: () => number): LogRecord {
  return {
    timeUnixNano: randomTime(r),
    observedTimeUnixNano: r() < 0.2 ? 0n : randomTime(r),
    severityNumber: Math.floor(r() * 25),
    severityText: randomString(r),
    body: randomValue(r),
    attributes: randomAttributes(r, 8),
    droppedAttributesCount: Math.floor(r() * 3),
    flags: Math.floor(r() * 2 ** 32),
    traceId: r() < 0.3 ? new Uint8Array(0) : randomBytes(r, 16),
    spanId: r() < 0.3 ? new Uint8Array(0) : randomBytes(r, 8),
    eventName: randomString(r),
  };
}

// ---- the stored form: what the read functions must return ---------------------------------------

/** A top-level value as stored: strings made well-formed; array and kvlist values kept (JSON text). */
const storedValue = (v: AnyValue): AnyValue =>
  'stringValue' in v ? { stringValue: v.stringValue.toWellFormed() } : v;

const storedAttrs = (kvs: readonly KeyValue[]): KeyValue[] =>
  kvs.map((kv) => ({ key: kv.key.toWellFormed(), value: storedValue(kv.value) }));

function storedGroup(
  resource: Resource,
  resourceSchemaUrl: string,
  scope: InstrumentationScope,
  scopeSchemaUrl: string,
): StoredGroup {
  return {
    resource: { ...resource, attributes: storedAttrs(resource.attributes) },
    resourceSchemaUrl: resourceSchemaUrl.toWellFormed(),
    scope: {
      ...scope,
      name: scope.name.toWellFormed(),
      version: scope.version.toWellFormed(),
      attributes: storedAttrs(scope.attributes),
    },
    scopeSchemaUrl: scopeSchemaUrl.toWellFormed(),
  };
}

function storedSpan(s: Span): Span {
  return {
    ...s,
    traceState: s.traceState.toWellFormed(),
    name: s.name.toWellFormed(),
    attributes: storedAttrs(s.attributes),
    events: s.events.map((e) => ({
      ...e,
      name: e.name.toWellFormed(),
      attributes: storedAttrs(e.attributes),
    })),
    links: s.links.map((l) => ({
      ...l,
      traceState: l.traceState.toWellFormed(),
      attributes: storedAttrs(l.attributes),
    })),
    status: { ...s.status, message: s.status.message.toWellFormed() },
  };
}

function storedLog(l: LogRecord): LogRecord {
  return {
    ...l,
    severityText: l.severityText.toWellFormed(),
    body: storedValue(l.body),
    attributes: storedAttrs(l.attributes),
    eventName: l.eventName.toWellFormed(),
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Whether any string in `v` (values or object keys) is not well-formed UTF-16. */
function hasLoneSurrogate(v: unknown): boolean {
  if (typeof v === 'string') return !v.isWellFormed();
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return false;
  if (Array.isArray(v)) return v.some(hasLoneSurrogate);
  return Object.entries(v).some(([k, x]) => !k.isWellFormed() || hasLoneSurrogate(x));
}

test('fuzz: random hostile spans read back identical through chDB (Native path)', async (t) => {
  if (storage === undefined) return t.skip(`chdb unavailable: ${unavailable}`);
  const s = storage;
  const r = prng(20261202);
  const traceIds = Array.from({ length: 20 }, () => randomBytes(r, 16));
  // Four requests, inserted concurrently so the appender packs several into one block.
  const requests: TracesData[] = Array.from({ length: 4 }, () => ({
    resourceSpans: Array.from({ length: 2 }, () => ({
      resource: randomResource(r),
      schemaUrl: randomString(r),
      scopeSpans: Array.from({ length: 2 }, () => ({
        scope: randomScope(r),
        schemaUrl: randomString(r),
        spans: Array.from({ length: 10 + Math.floor(r() * 20) }, () => randomSpan(r, pick(r, traceIds))),
      })),
    })),
  }));
  const want: (StoredGroup & { span: Span })[] = [];
  for (const req of requests)
    for (const rs of req.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const span of ss.spans)
          want.push({
            ...storedGroup(rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl),
            span: storedSpan(span),
          });
  assert.ok(want.length > 100 && want.length <= 1000, `${want.length} spans`);
  assert.ok(hasLoneSurrogate(requests), 'the fuzz holds lone surrogates');

  const counts = await Promise.all(requests.map((req) => insertTraces(s, req)));
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    want.length,
  );

  const byId = (x: { span: Span }): string => hex(x.span.spanId);
  const cmp = (a: { span: Span }, b: { span: Span }): number =>
    byId(a) < byId(b) ? -1 : byId(a) > byId(b) ? 1 : 0;
  const got = (await allSpans(s)).sort(cmp);
  want.sort(cmp);
  assert.deepEqual(got.map(byId), want.map(byId));
  for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `span ${byId(want[i]!)}`);

  // traceById returns exactly each trace's spans.
  for (const id of traceIds.slice(0, 5)) {
    const trace = (await traceById(s, hex(id))).sort(cmp);
    const expected = want.filter((w) => hex(w.span.traceId) === hex(id));
    assert.deepEqual(trace, expected, `trace ${hex(id)}`);
  }
});

test('fuzz: random hostile log records read back identical through chDB (Native path)', async (t) => {
  if (storage === undefined) return t.skip(`chdb unavailable: ${unavailable}`);
  const s = storage;
  const r = prng(20261203);
  const requests: LogsData[] = Array.from({ length: 4 }, () => ({
    resourceLogs: Array.from({ length: 2 }, () => ({
      resource: randomResource(r),
      schemaUrl: randomString(r),
      scopeLogs: Array.from({ length: 2 }, () => ({
        scope: randomScope(r),
        schemaUrl: randomString(r),
        logRecords: Array.from({ length: 10 + Math.floor(r() * 20) }, () => randomLog(r)),
      })),
    })),
  }));
  const want: (StoredGroup & { log: LogRecord })[] = [];
  for (const req of requests)
    for (const rl of req.resourceLogs)
      for (const sl of rl.scopeLogs)
        for (const log of sl.logRecords)
          want.push({
            ...storedGroup(rl.resource, rl.schemaUrl, sl.scope, sl.schemaUrl),
            log: storedLog(log),
          });
  assert.ok(want.length > 100 && want.length <= 1000, `${want.length} logs`);
  assert.ok(hasLoneSurrogate(requests), 'the fuzz holds lone surrogates');

  const counts = await Promise.all(requests.map((req) => insertLogs(s, req)));
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    want.length,
  );

  const got = (await allLogs(s)).map(({ cursor: _c, ...rest }) => rest);
  assert.equal(got.length, want.length);
  const [gs, ws] = sortedPair(got, want);
  for (let i = 0; i < ws.length; i++)
    assert.deepEqual(gs[i], ws[i], `log ${i}: ${canonical(ws[i]!.log.body).slice(0, 80)}`);
});
