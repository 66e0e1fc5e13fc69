// Benchmark-shaped spans and log records for the storage benchmarks: 20 services with 10
// operations each, traces of 16 spans across 4 services, HTTP-ish attributes, a 2 % error rate,
// log bodies from a dozen templates with a severity mix. Deterministic (seeded PRNG).
//
// Batches are templates re-stamped in place for each insert (`stampSpans` / `stampLogs`): new
// trace/span ids and timestamps, the rest kept, so generating 10M items costs little next to
// storing them. A template may be re-stamped only after the insert that used it resolved.
import type { KeyValue } from '../../src/model/common.ts';
import type { LogRecord, LogsData, ResourceLogs } from '../../src/model/logs.ts';
import type { ResourceSpans, Span, TracesData } from '../../src/model/traces.ts';
import { prng } from '../../src/queue/testdata/prng.ts';

export { prng };

export const SERVICES = Array.from({ length: 20 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
export const OPERATIONS = Array.from({ length: 10 }, (_, i) => `op-${i}`);
export const SPANS_PER_TRACE = 16;
const SERVICES_PER_TRACE = 4;

const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const n = (key: string, v: number): KeyValue => ({ key, value: { intValue: v } });

const resource = (service: string, pod: number) => ({
  attributes: [
    s('service.name', service),
    s('service.namespace', 'shop'),
    s('k8s.namespace.name', 'shop'),
    s('k8s.pod.name', `${service}-7d9f8-${pod}`),
    s('k8s.node.name', `node-${pod % 5}`),
    s('host.name', `node-${pod % 5}`),
  ],
  droppedAttributesCount: 0,
});

/** The resource group of one pod of a service, made on first use. */
function groupOf<G>(
  groups: Map<string, G>,
  svc: string,
  pod: number,
  make: (r: ReturnType<typeof resource>) => G,
): G {
  const key = `${svc}/${pod}`;
  let g = groups.get(key);
  if (g === undefined) groups.set(key, (g = make(resource(svc, pod))));
  return g;
}

const scope = { name: 'bench', version: '1.0.0', attributes: [], droppedAttributesCount: 0 };

/** A 16-byte trace id from a trace number (little-endian counter + a fixed tail). */
export function traceIdOf(trace: number): Uint8Array {
  const id = new Uint8Array(16);
  writeCounter(id, trace);
  id.set([0x9e, 0x37, 0x79, 0xb9, 0x7f, 0x4a, 0x7c, 0x15], 8);
  return id;
}

export function traceIdHex(trace: number): string {
  return Buffer.from(traceIdOf(trace)).toString('hex');
}

function writeCounter(id: Uint8Array, v: number): void {
  for (let i = 0; i < 8; i++) {
    id[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

interface SpanSlot {
  span: Span;
  /** The span's trace within the batch, its position in the trace, its duration. */
  slot: number;
  k: number;
  durNs: bigint;
  /** url.path and client.address: new values at every stamp, as real traffic has. */
  path: KeyValue;
  client: KeyValue;
  op: string;
}

export interface SpanTemplate {
  data: TracesData;
  traces: number;
  slots: SpanSlot[];
  rnd: () => number;
}

/** A batch of `size` spans (rounded down to whole traces), grouped by service and pod. */
export function spanTemplate(size: number, seed: number): SpanTemplate {
  const rnd = prng(seed);
  const groups = new Map<string, ResourceSpans>();
  const slots: SpanSlot[] = [];
  const traces = Math.floor(size / SPANS_PER_TRACE);
  for (let t = 0; t < traces; t++) {
    const first = Math.floor(rnd() * SERVICES.length);
    for (let k = 0; k < SPANS_PER_TRACE; k++) {
      const svc = SERVICES[(first + (k % SERVICES_PER_TRACE)) % SERVICES.length]!;
      const pod = Math.floor(rnd() * 3);
      const g = groupOf(groups, svc, pod, (r) => ({
        resource: r,
        schemaUrl: '',
        scopeSpans: [{ scope, schemaUrl: '', spans: [] }],
      }));
      const error = rnd() < 0.02;
      // Log-uniform durations between 0.1 ms and 1 s.
      const durNs = BigInt(Math.round(1e5 * 10 ** (rnd() * 4)));
      const op = OPERATIONS[Math.floor(rnd() * OPERATIONS.length)]!;
      const span: Span = {
        traceId: traceIdOf(0),
        spanId: new Uint8Array(8),
        traceState: '',
        parentSpanId: new Uint8Array(k === 0 ? 0 : 8),
        flags: 1,
        name: op,
        kind: k === 0 ? 2 : 3,
        startTimeUnixNano: 0n,
        endTimeUnixNano: 0n,
        attributes: [
          s('http.request.method', rnd() < 0.8 ? 'GET' : 'POST'),
          s('http.route', `/api/${op}/{id}`),
          n('http.response.status_code', error ? 500 : 200),
          s('url.path', `/api/${op}/${Math.floor(rnd() * 100_000)}`),
          s('server.address', `${svc}.shop.svc.cluster.local`),
          n('server.port', 8080),
          s('client.address', `10.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`),
          n('http.request.body.size', Math.floor(rnd() * 4096)),
        ],
        droppedAttributesCount: 0,
        events:
          rnd() < 0.1
            ? [
                {
                  timeUnixNano: 0n,
                  name: 'cache.miss',
                  attributes: [s('cache.key', `item:${t}`)],
                  droppedAttributesCount: 0,
                },
              ]
            : [],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        status: { code: error ? 2 : 0, message: error ? 'upstream timeout' : '' },
      };
      g.scopeSpans[0]!.spans.push(span);
      slots.push({ span, slot: t, k, durNs, path: span.attributes[3]!, client: span.attributes[6]!, op });
    }
  }
  return { data: { resourceSpans: [...groups.values()] }, traces, slots, rnd };
}

/**
 * Re-stamps a template for its `batch`-th use: trace numbers `batch * traces + slot`, span ids
 * unique, every span of the batch starting near `timeNs`, new url.path and client.address values
 * (so the stored data is not artificially repetitive). Returns the first trace number.
 */
export function stampSpans(t: SpanTemplate, batch: number, timeNs: bigint): number {
  const base = batch * t.traces;
  const rnd = t.rnd;
  for (const { span, slot, k, durNs, path, client, op } of t.slots) {
    const trace = base + slot;
    // New strings in the template's own value objects, and the ids rewritten in place: fresh
    // data at the cost of one string per value, not a new object graph per span (the garbage of
    // which the storage would otherwise be charged for).
    (path.value as { stringValue: string }).stringValue = `/api/${op}/${Math.floor(rnd() * 1_000_000)}`;
    (client.value as { stringValue: string }).stringValue =
      `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
    writeCounter(span.traceId, trace);
    writeCounter(span.spanId, trace * SPANS_PER_TRACE + k + 1);
    if (span.parentSpanId.length > 0) writeCounter(span.parentSpanId, trace * SPANS_PER_TRACE + 1);
    span.startTimeUnixNano = timeNs + BigInt(slot * 1000 + k);
    span.endTimeUnixNano = span.startTimeUnixNano + durNs;
    for (const e of span.events) e.timeUnixNano = span.startTimeUnixNano + 1000n;
  }
  return base;
}

const LOG_TEMPLATES: [severity: number, text: string, body: (r: () => number) => string][] = [
  [
    9,
    'INFO',
    (r) =>
      `GET /api/items/${Math.floor(r() * 1e5)} 200 ${(r() * 50).toFixed(1)}ms user=u${Math.floor(r() * 1e4)}`,
  ],
  [9, 'INFO', (r) => `order ${Math.floor(r() * 1e7)} placed total=${(r() * 300).toFixed(2)} currency=EUR`],
  [9, 'INFO', (r) => `served from cache key=item:${Math.floor(r() * 1e5)}`],
  [9, 'INFO', (r) => `health check ok in ${Math.floor(r() * 10)}ms`],
  [5, 'DEBUG', (r) => `pool stats active=${Math.floor(r() * 20)} idle=${Math.floor(r() * 20)} waiting=0`],
  [5, 'DEBUG', (r) => `cache miss for key item:${Math.floor(r() * 1e5)}`],
  [13, 'WARN', (r) => `slow query took ${Math.floor(500 + r() * 5000)}ms on table orders`],
  [13, 'WARN', (r) => `retrying request to inventory attempt=${1 + Math.floor(r() * 3)}`],
  [17, 'ERROR', (r) => `connection to db-${Math.floor(r() * 4)} timed out after 5000ms`],
  [17, 'ERROR', (r) => `payment declined card=visa reason=insufficient_funds order=${Math.floor(r() * 1e7)}`],
];
// Weights of the templates above: mostly INFO, some DEBUG, few WARN and ERROR.
const LOG_WEIGHTS = [30, 15, 15, 8, 10, 10, 5, 4, 2, 1];

export interface LogTemplate {
  data: LogsData;
  records: LogRecord[];
}

/** A batch of `size` log records grouped by service and pod. */
export function logTemplate(size: number, seed: number): LogTemplate {
  const rnd = prng(seed);
  const total = LOG_WEIGHTS.reduce((a, b) => a + b, 0);
  const groups = new Map<string, ResourceLogs>();
  const records: LogRecord[] = [];
  for (let i = 0; i < size; i++) {
    const svc = SERVICES[Math.floor(rnd() * SERVICES.length)]!;
    const pod = Math.floor(rnd() * 3);
    const g = groupOf(groups, svc, pod, (r) => ({
      resource: r,
      schemaUrl: '',
      scopeLogs: [{ scope, schemaUrl: '', logRecords: [] }],
    }));
    let w = rnd() * total;
    let ti = 0;
    while (w >= LOG_WEIGHTS[ti]!) w -= LOG_WEIGHTS[ti++]!;
    const [sev, sevText, body] = LOG_TEMPLATES[ti]!;
    const traced = rnd() < 0.5;
    const rec: LogRecord = {
      timeUnixNano: 0n,
      observedTimeUnixNano: 0n,
      severityNumber: sev,
      severityText: sevText,
      body: { stringValue: body(rnd) },
      attributes: [
        s('log.file.path', `/var/log/pods/shop_${svc}/app/0.log`),
        s('logger', `${svc}.handler`),
        s('thread.name', `worker-${Math.floor(rnd() * 16)}`),
        n('code.lineno', Math.floor(rnd() * 900)),
      ],
      droppedAttributesCount: 0,
      flags: traced ? 1 : 0,
      traceId: traced ? traceIdOf(Math.floor(rnd() * 1e6)) : new Uint8Array(0),
      spanId: traced ? new Uint8Array(8).fill(7) : new Uint8Array(0),
      eventName: '',
    };
    g.scopeLogs[0]!.logRecords.push(rec);
    records.push(rec);
  }
  return { data: { resourceLogs: [...groups.values()] }, records };
}

/** Re-stamps a log template: record i of the batch at timeNs + i µs (generation order). */
export function stampLogs(t: LogTemplate, timeNs: bigint): void {
  for (let i = 0; i < t.records.length; i++) {
    const r = t.records[i]!;
    r.timeUnixNano = timeNs + BigInt(i) * 1000n;
    r.observedTimeUnixNano = r.timeUnixNano + 5000n;
  }
}
