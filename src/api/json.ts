// How stored data is shown in API responses: spans in the OTLP/JSON shape (hex ids, int64 and
// nanosecond timestamps as decimal strings, attributes as [{key, value: AnyValue}] with bytes in
// base64), so values keep their exact type and a client that knows OTLP knows these.
import type { AnyValue, KeyValue } from '../model/common.ts';
import type {
  DependencyEdge,
  ServiceSummary,
  StoredLog,
  StoredSpan,
  TraceSummary,
} from '../storage/queries.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

function doubleJson(d: number): Json {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  return d;
}

export function anyValueJson(v: AnyValue): Json {
  if ('stringValue' in v) return { stringValue: v.stringValue };
  if ('boolValue' in v) return { boolValue: v.boolValue };
  if ('intValue' in v) return { intValue: String(v.intValue) };
  if ('doubleValue' in v) return { doubleValue: doubleJson(v.doubleValue) };
  if ('bytesValue' in v) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(anyValueJson) } };
  if ('kvlistValue' in v) return { kvlistValue: { values: attributesJson(v.kvlistValue.values) } };
  return {};
}

export function attributesJson(kvs: readonly KeyValue[]): Json[] {
  return kvs.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) }));
}

function serviceOf(kvs: readonly KeyValue[]): string {
  const v = kvs.find((kv) => kv.key === 'service.name')?.value;
  return v && 'stringValue' in v ? v.stringValue : '';
}

export function spanJson(s: StoredSpan): Json {
  const p = s.span;
  return {
    traceId: hex(p.traceId),
    spanId: hex(p.spanId),
    parentSpanId: hex(p.parentSpanId),
    traceState: p.traceState,
    flags: p.flags,
    name: p.name,
    kind: p.kind,
    startTimeUnixNano: String(p.startTimeUnixNano),
    endTimeUnixNano: String(p.endTimeUnixNano),
    durationNano: String(p.endTimeUnixNano - p.startTimeUnixNano),
    attributes: attributesJson(p.attributes),
    droppedAttributesCount: p.droppedAttributesCount,
    events: p.events.map((e) => ({
      timeUnixNano: String(e.timeUnixNano),
      name: e.name,
      attributes: attributesJson(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: p.droppedEventsCount,
    links: p.links.map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: l.traceState,
      attributes: attributesJson(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount,
      flags: l.flags,
    })),
    droppedLinksCount: p.droppedLinksCount,
    status: { code: p.status.code, message: p.status.message },
    service: serviceOf(s.resource.attributes),
    resource: {
      attributes: attributesJson(s.resource.attributes),
      droppedAttributesCount: s.resource.droppedAttributesCount,
      schemaUrl: s.resourceSchemaUrl,
    },
    scope: {
      name: s.scope.name,
      version: s.scope.version,
      attributes: attributesJson(s.scope.attributes),
      droppedAttributesCount: s.scope.droppedAttributesCount,
      schemaUrl: s.scopeSchemaUrl,
    },
  };
}

export function traceSummaryJson(t: TraceSummary): Json {
  return {
    traceId: t.traceId,
    startTimeUnixNano: String(t.startNs),
    durationNano: String(t.durationNs),
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    rootService: t.rootService,
    rootName: t.rootName,
  };
}

export function serviceJson(s: ServiceSummary): Json {
  return {
    name: s.service,
    spans: s.spans,
    requestRate: s.rate,
    errorRate: s.errorRate,
    latency: { p50Nano: s.p50Ns, p95Nano: s.p95Ns, p99Nano: s.p99Ns },
  };
}

/** A log record in the OTLP/JSON shape, with its service, resource, scope and `cursor`. */
export function logJson(l: StoredLog): Json {
  const r = l.log;
  return {
    timeUnixNano: String(r.timeUnixNano),
    observedTimeUnixNano: String(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: anyValueJson(r.body),
    attributes: attributesJson(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount,
    flags: r.flags,
    traceId: hex(r.traceId),
    spanId: hex(r.spanId),
    eventName: r.eventName,
    service: serviceOf(l.resource.attributes),
    resource: {
      attributes: attributesJson(l.resource.attributes),
      droppedAttributesCount: l.resource.droppedAttributesCount,
      schemaUrl: l.resourceSchemaUrl,
    },
    scope: {
      name: l.scope.name,
      version: l.scope.version,
      attributes: attributesJson(l.scope.attributes),
      droppedAttributesCount: l.scope.droppedAttributesCount,
      schemaUrl: l.scopeSchemaUrl,
    },
    cursor: l.cursor,
  };
}

/** The service graph: every service on an edge, and the edges with their call and error counts. */
export function dependenciesJson(edges: readonly DependencyEdge[]): Json {
  const nodes = [...new Set(edges.flatMap((e) => [e.parent, e.child]))].sort();
  return {
    nodes: nodes.map((name) => ({ id: name, name })),
    edges: edges.map((e) => ({ parent: e.parent, child: e.child, calls: e.calls, errors: e.errors })),
  };
}
