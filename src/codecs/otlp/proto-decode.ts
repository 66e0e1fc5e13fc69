// OTLP protobuf decoding (opentelemetry-proto v1) into the model.
//
// Contracts:
// - every model field is present afterwards, with protobuf defaults for absent fields;
// - unknown fields are skipped; a KNOWN field with the wrong wire type is an error (as in the
//   Collector's generated code), except that repeated scalars are accepted packed or unpacked;
// - ids must be 16 (trace) / 8 (span) bytes or empty, as the Collector checks;
// - AnyValue nesting deeper than MAX_ANY_DEPTH is an error (no stack overflow);
// - a singular message field that occurs twice is merged (protobuf semantics) for Resource,
//   InstrumentationScope, Status, Buckets and same-typed Metric data; AnyValue's oneof keeps
//   the last value;
// - anything malformed throws DecodeError, and nothing else is ever thrown. Messages say what and
//   where: the byte offset and the item path (e.g. resourceSpans[0].scopeSpans[1].spans[7]).
//
// Each message has one decode function: a loop over tags with a `switch` on the whole tag value
// (field number and wire type in one comparison), fields gathered in locals, and the model object
// created at the end in one literal (one hidden class per message type).
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/common.ts';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../../model/metrics.ts';
import type {
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanLink,
  SpanStatus,
  TracesData,
} from '../../model/traces.ts';
import {
  EncodedResourceLogs,
  EncodedResourceMetrics,
  EncodedResourceSpans,
} from '../../model/encoded-groups.ts';
import { metricPointCount } from '../../model/signal.ts';
import { DecodeError, INTERNAL_ERROR } from './decode-error.ts';

export interface DecodeOptions {
  /** Keep each resource group's scope groups as the received bytes (model/encoded-groups.ts). */
  keepEncoded?: boolean;
}
import { ProtoReader, WIRE_I64, WIRE_VARINT } from './protobuf-reader.ts';

/** Deepest AnyValue nesting accepted (attribute values are depth 1). */
export const MAX_ANY_DEPTH = 64;

/** The shared empty id: zero-length, so nobody can write into it. */
const NO_BYTES: Uint8Array = new Uint8Array(0);

// ---- where we are, for error messages ------------------------------------------------------
// Module state is safe: decoding is synchronous and never re-entered.
let pathNames: readonly [string, string, string] = ['', '', ''];
let atR = -1;
let atS = -1;
let atI = -1;
/** Items validated and dropped in the current resource group (validate-only layouts). */
let validatedItems = 0;

function where(): string {
  if (atR < 0) return '';
  let s = `${pathNames[0]}[${atR}]`;
  if (atS >= 0) {
    s += `.${pathNames[1]}[${atS}]`;
    if (atI >= 0) s += `.${pathNames[2]}[${atI}]`;
  }
  return s;
}

function badId(field: string, len: number, sub: string): never {
  throw new DecodeError(`invalid ${field} length ${len} at ${where()}${sub}`);
}

/** Checks an id's length: `size` bytes or empty. */
function checkId(id: Uint8Array, size: number, field: string, sub: string): Uint8Array {
  if (id.length !== size && id.length !== 0) badId(field, id.length, sub);
  return id;
}

/**
 * Called for a tag no `case` took: a known field with an unexpected wire type is an error;
 * anything else is an unknown field and is skipped.
 */
function other(r: ProtoReader, tag: number, end: number, fields: readonly (string | undefined)[]): void {
  const name = fields[tag >>> 3];
  if (name !== undefined) r.fail(`wrong wire type ${tag & 7} for field ${name} (${tag >>> 3})`);
  r.skip(tag, end);
}

// Field names by number, for the wrong-wire-type message.
const ANY_FIELDS = names('AnyValue', {
  1: 'string_value',
  2: 'bool_value',
  3: 'int_value',
  4: 'double_value',
  5: 'array_value',
  6: 'kvlist_value',
  7: 'bytes_value',
});
const LIST_FIELDS = names('values', { 1: 'values' });
const KV_FIELDS = names('KeyValue', { 1: 'key', 2: 'value' });
const RESOURCE_FIELDS = names('Resource', { 1: 'attributes', 2: 'dropped_attributes_count' });
const SCOPE_FIELDS = names('InstrumentationScope', {
  1: 'name',
  2: 'version',
  3: 'attributes',
  4: 'dropped_attributes_count',
});
const REQUEST_FIELDS = names('request', { 1: 'resource groups' });
const RESOURCE_GROUP_FIELDS = names('resource group', { 1: 'resource', 2: 'scope groups', 3: 'schema_url' });
const SCOPE_GROUP_FIELDS = names('scope group', { 1: 'scope', 2: 'items', 3: 'schema_url' });

function names(message: string, byNumber: Record<number, string>): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const [k, v] of Object.entries(byNumber)) out[Number(k)] = `${message}.${v}`;
  return out;
}

// ---- common messages ---------------------------------------------------------------------

function decodeAnyValue(r: ProtoReader, end: number, depth: number): AnyValue {
  if (depth > MAX_ANY_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_ANY_DEPTH} levels`);
  // Fast paths for the common encodings (a short string or an int filling the whole message);
  // anything else takes the general loop below.
  const p = r.pos;
  if (p + 1 < end) {
    const b = r.buf;
    const t = b[p]!;
    if (t === 0x0a) {
      const n = b[p + 1]!;
      if (n < 0x80 && p + 2 + n === end) {
        r.pos = end;
        return { stringValue: r.stringAt(p + 2, n) };
      }
    } else if (t === 0x18) {
      r.pos = p + 1;
      const v = r.int64();
      if (r.pos === end) return { intValue: v };
      r.pos = p;
    }
  }
  let v: AnyValue | null = null;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a:
        v = { stringValue: r.string(end) };
        break;
      case 0x10:
        v = { boolValue: r.bool() };
        break;
      case 0x18:
        v = { intValue: r.int64() };
        break;
      case 0x21:
        v = { doubleValue: r.double() };
        break;
      case 0x2a: {
        const e = r.len(end) + r.pos;
        v = { arrayValue: { values: decodeArrayValue(r, e, depth) } };
        break;
      }
      case 0x32: {
        const e = r.len(end) + r.pos;
        v = { kvlistValue: { values: decodeKvList(r, e, depth) } };
        break;
      }
      case 0x3a:
        v = { bytesValue: r.bytes(end) };
        break;
      default:
        other(r, t, end, ANY_FIELDS);
    }
  }
  r.checkEnd(end);
  return v ?? {};
}

function decodeArrayValue(r: ProtoReader, end: number, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x0a) {
      const e = r.len(end) + r.pos;
      values.push(decodeAnyValue(r, e, depth + 1));
    } else other(r, t, end, LIST_FIELDS);
  }
  r.checkEnd(end);
  return values;
}

function decodeKvList(r: ProtoReader, end: number, depth: number): KeyValue[] {
  const values: KeyValue[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x0a) {
      const e = r.len(end) + r.pos;
      values.push(decodeKeyValue(r, e, depth + 1));
    } else other(r, t, end, LIST_FIELDS);
  }
  r.checkEnd(end);
  return values;
}

/** A KeyValue whose value is at AnyValue depth `depth`. */
function decodeKeyValue(r: ProtoReader, end: number, depth: number): KeyValue {
  // Fast path for the canonical encoding: the key, then the value filling the rest, both with
  // one-byte lengths. Anything else takes the general loop below.
  const p = r.pos;
  if (p + 1 < end) {
    const b = r.buf;
    const kn = b[p + 1]!;
    const q = p + 2 + kn;
    if (b[p] === 0x0a && kn < 0x80 && q + 1 < end && b[q] === 0x12) {
      const vn = b[q + 1]!;
      if (vn < 0x80 && q + 2 + vn === end) {
        const key = r.stringAt(p + 2, kn);
        r.pos = q + 2;
        return { key, value: decodeAnyValue(r, end, depth) };
      }
    }
  }
  let key = '';
  let value: AnyValue | null = null;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x0a) key = r.string(end);
    else if (t === 0x12) {
      const e = r.len(end) + r.pos;
      value = decodeAnyValue(r, e, depth);
    } else other(r, t, end, KV_FIELDS);
  }
  r.checkEnd(end);
  return { key, value: value ?? {} };
}

/** One `repeated KeyValue attributes` element (the tag has been read). */
function attribute(r: ProtoReader, end: number): KeyValue {
  const e = r.len(end) + r.pos;
  return decodeKeyValue(r, e, 1);
}

function decodeResource(r: ProtoReader, end: number, prev: Resource | null): Resource {
  const attributes = prev ? prev.attributes : [];
  let droppedAttributesCount = prev ? prev.droppedAttributesCount : 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x0a) attributes.push(attribute(r, end));
    else if (t === 0x10) droppedAttributesCount = r.uint32();
    else other(r, t, end, RESOURCE_FIELDS);
  }
  r.checkEnd(end);
  return { attributes, droppedAttributesCount };
}

function decodeScope(r: ProtoReader, end: number, prev: InstrumentationScope | null): InstrumentationScope {
  let name = prev ? prev.name : '';
  let version = prev ? prev.version : '';
  const attributes = prev ? prev.attributes : [];
  let droppedAttributesCount = prev ? prev.droppedAttributesCount : 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a:
        name = r.string(end);
        break;
      case 0x12:
        version = r.string(end);
        break;
      case 0x1a:
        attributes.push(attribute(r, end));
        break;
      case 0x20:
        droppedAttributesCount = r.uint32();
        break;
      default:
        other(r, t, end, SCOPE_FIELDS);
    }
  }
  r.checkEnd(end);
  return { name, version, attributes, droppedAttributesCount };
}

// ---- the request → resource group → scope group → item layout, shared by all signals --------

interface Layout<R, S, I> {
  names: readonly [string, string, string];
  item(r: ProtoReader, end: number): I;
  scopeGroup(scope: InstrumentationScope, items: I[], schemaUrl: string): S;
  /**
   * Validate-only layouts: each item is decoded (so it is checked exactly as always) and then
   * dropped at once, so it dies young instead of being copied by the garbage collector;
   * `weight` says how many items it counts for. `resourceGroup` then gets no scope objects, and
   * the number of items in `validatedItems`.
   */
  discardItems?: { weight(item: I): number };
  /**
   * `encoded`: the bytes of the group's scope-group fields (copied together when other fields
   * came between them). Layouts that keep encoded scopes use it; the others ignore it.
   */
  resourceGroup(resource: Resource, scopes: S[], schemaUrl: string, encoded: Uint8Array): R;
}

function decodeRequest<R, S, I>(buf: Uint8Array, layout: Layout<R, S, I>): R[] {
  pathNames = layout.names;
  atR = atS = atI = -1;
  try {
    const r = new ProtoReader(buf);
    const end = r.limit;
    const out: R[] = [];
    while (r.pos < end) {
      const t = r.tag();
      if (t === 0x0a) {
        const e = r.len(end) + r.pos;
        atR = out.length;
        atS = atI = -1;
        out.push(decodeResourceGroup(r, e, layout));
      } else other(r, t, end, REQUEST_FIELDS);
    }
    return out;
  } catch (e) {
    throw located(e);
  } finally {
    atR = atS = atI = -1;
  }
}

function decodeResourceGroup<R, S, I>(r: ProtoReader, end: number, layout: Layout<R, S, I>): R {
  let resource: Resource | null = null;
  const scopes: S[] = [];
  let schemaUrl = '';
  // Where the scope-group fields start and end, and whether anything came between them.
  let first = -1;
  let last = -1;
  let parts: Uint8Array[] | null = null; // set when other fields come between scope groups
  validatedItems = 0;
  while (r.pos < end) {
    const at = r.pos;
    const t = r.tag();
    if (t === 0x12) {
      const e = r.len(end) + r.pos;
      atS = scopes.length;
      atI = -1;
      scopes.push(decodeScopeGroup(r, e, layout));
      atS = -1;
      if (first < 0) first = at;
      else if (at !== last) {
        (parts ??= []).push(r.buf.subarray(first, last));
        first = at;
      }
      last = r.pos;
    } else if (t === 0x0a) {
      const e = r.len(end) + r.pos;
      resource = decodeResource(r, e, resource);
    } else if (t === 0x1a) schemaUrl = r.string(end);
    else other(r, t, end, RESOURCE_GROUP_FIELDS);
  }
  r.checkEnd(end);
  let encoded: Uint8Array = first < 0 ? NO_BYTES : r.buf.subarray(first, last);
  if (parts !== null) encoded = Buffer.concat([...parts, encoded]);
  return layout.resourceGroup(
    resource ?? { attributes: [], droppedAttributesCount: 0 },
    scopes,
    schemaUrl,
    encoded,
  );
}

function decodeScopeGroup<R, S, I>(r: ProtoReader, end: number, layout: Layout<R, S, I>): S {
  let scope: InstrumentationScope | null = null;
  const items: I[] = [];
  const discard = layout.discardItems;
  let count = 0;
  let schemaUrl = '';
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x12) {
      const e = r.len(end) + r.pos;
      if (discard !== undefined) {
        atI = count++;
        validatedItems += discard.weight(layout.item(r, e));
      } else {
        atI = items.length;
        items.push(layout.item(r, e));
      }
      atI = -1;
    } else if (t === 0x0a) {
      const e = r.len(end) + r.pos;
      scope = decodeScope(r, e, scope);
    } else if (t === 0x1a) schemaUrl = r.string(end);
    else other(r, t, end, SCOPE_GROUP_FIELDS);
  }
  r.checkEnd(end);
  return layout.scopeGroup(
    scope ?? { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    items,
    schemaUrl,
  );
}

/**
 * Decodes the scope-group fields of one resource group, as kept by an encoded layout (a run
 * of field-2 entries that was validated when the request was decoded).
 */
function decodeScopeList<R, S, I>(buf: Uint8Array, layout: Layout<R, S, I>): S[] {
  pathNames = layout.names;
  atR = 0;
  atS = atI = -1;
  try {
    const r = new ProtoReader(buf);
    const end = r.limit;
    const out: S[] = [];
    while (r.pos < end) {
      const t = r.tag();
      if (t !== 0x12) r.fail(`unexpected field ${t >>> 3} among encoded scope groups`);
      const e = r.len(end) + r.pos;
      atS = out.length;
      out.push(decodeScopeGroup(r, e, layout));
    }
    return out;
  } catch (e) {
    throw located(e);
  } finally {
    atR = atS = atI = -1;
  }
}

/** Adds the item path to a reader error; turns anything unexpected into a DecodeError. */
function located(e: unknown): DecodeError {
  const at = where();
  if (e instanceof DecodeError) {
    if (at === '' || e.message.includes(at)) return e;
    return new DecodeError(`${e.message} in ${at}`);
  }
  // Defensive: nothing else should escape, but a decoder must never throw anything else. The
  // prefix marks a decoder bug (the fuzz tests look for it).
  const what = e instanceof Error ? e.message : String(e);
  return new DecodeError(`${INTERNAL_ERROR}: ${what}${at ? ` in ${at}` : ''}`);
}

// ---- traces --------------------------------------------------------------------------------

const SPAN_FIELDS = names('Span', {
  1: 'trace_id',
  2: 'span_id',
  3: 'trace_state',
  4: 'parent_span_id',
  5: 'name',
  6: 'kind',
  7: 'start_time_unix_nano',
  8: 'end_time_unix_nano',
  9: 'attributes',
  10: 'dropped_attributes_count',
  11: 'events',
  12: 'dropped_events_count',
  13: 'links',
  14: 'dropped_links_count',
  15: 'status',
  16: 'flags',
});
const EVENT_FIELDS = names('Span.Event', {
  1: 'time_unix_nano',
  2: 'name',
  3: 'attributes',
  4: 'dropped_attributes_count',
});
const LINK_FIELDS = names('Span.Link', {
  1: 'trace_id',
  2: 'span_id',
  3: 'trace_state',
  4: 'attributes',
  5: 'dropped_attributes_count',
  6: 'flags',
});
const STATUS_FIELDS = names('Status', { 2: 'message', 3: 'code' });

function decodeSpan(r: ProtoReader, end: number): Span {
  let traceId = NO_BYTES;
  let spanId = NO_BYTES;
  let traceState = '';
  let parentSpanId = NO_BYTES;
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let status: SpanStatus | null = null;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a:
        traceId = checkId(r.bytes(end), 16, 'trace_id', '');
        break;
      case 0x12:
        spanId = checkId(r.bytes(end), 8, 'span_id', '');
        break;
      case 0x1a:
        traceState = r.string(end);
        break;
      case 0x22:
        parentSpanId = checkId(r.bytes(end), 8, 'parent_span_id', '');
        break;
      case 0x2a:
        name = r.string(end);
        break;
      case 0x30:
        kind = r.int32();
        break;
      case 0x39:
        startTimeUnixNano = r.fixed64();
        break;
      case 0x41:
        endTimeUnixNano = r.fixed64();
        break;
      case 0x4a:
        attributes.push(attribute(r, end));
        break;
      case 0x50:
        droppedAttributesCount = r.uint32();
        break;
      case 0x5a: {
        const e = r.len(end) + r.pos;
        events.push(decodeEvent(r, e));
        break;
      }
      case 0x60:
        droppedEventsCount = r.uint32();
        break;
      case 0x6a: {
        const e = r.len(end) + r.pos;
        links.push(decodeLink(r, e, links.length));
        break;
      }
      case 0x70:
        droppedLinksCount = r.uint32();
        break;
      case 0x7a: {
        const e = r.len(end) + r.pos;
        status = decodeStatus(r, e, status);
        break;
      }
      case 0x85: // field 16, fixed32: a two-byte tag
        flags = r.fixed32();
        break;
      default:
        other(r, t, end, SPAN_FIELDS);
    }
  }
  r.checkEnd(end);
  return {
    traceId,
    spanId,
    traceState,
    parentSpanId,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status: status ?? { message: '', code: 0 },
  };
}

function decodeEvent(r: ProtoReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x09:
        timeUnixNano = r.fixed64();
        break;
      case 0x12:
        name = r.string(end);
        break;
      case 0x1a:
        attributes.push(attribute(r, end));
        break;
      case 0x20:
        droppedAttributesCount = r.uint32();
        break;
      default:
        other(r, t, end, EVENT_FIELDS);
    }
  }
  r.checkEnd(end);
  return { timeUnixNano, name, attributes, droppedAttributesCount };
}

function decodeLink(r: ProtoReader, end: number, index: number): SpanLink {
  let traceId = NO_BYTES;
  let spanId = NO_BYTES;
  let traceState = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a:
        traceId = r.bytes(end);
        if (traceId.length !== 16 && traceId.length !== 0)
          badId('trace_id', traceId.length, `.links[${index}]`);
        break;
      case 0x12:
        spanId = r.bytes(end);
        if (spanId.length !== 8 && spanId.length !== 0) badId('span_id', spanId.length, `.links[${index}]`);
        break;
      case 0x1a:
        traceState = r.string(end);
        break;
      case 0x22:
        attributes.push(attribute(r, end));
        break;
      case 0x28:
        droppedAttributesCount = r.uint32();
        break;
      case 0x35:
        flags = r.fixed32();
        break;
      default:
        other(r, t, end, LINK_FIELDS);
    }
  }
  r.checkEnd(end);
  return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
}

function decodeStatus(r: ProtoReader, end: number, prev: SpanStatus | null): SpanStatus {
  let message = prev ? prev.message : '';
  let code = prev ? prev.code : 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x12) message = r.string(end);
    else if (t === 0x18) code = r.int32();
    else other(r, t, end, STATUS_FIELDS);
  }
  r.checkEnd(end);
  return { message, code };
}

const TRACES: Layout<ResourceSpans, ScopeSpans, Span> = {
  names: ['resourceSpans', 'scopeSpans', 'spans'],
  item: decodeSpan,
  scopeGroup: (scope, spans, schemaUrl) => ({ scope, spans, schemaUrl }),
  resourceGroup: (resource, scopeSpans, schemaUrl) => ({ resource, scopeSpans, schemaUrl }),
};

const decodeSpanScopes = (buf: Uint8Array): ScopeSpans[] => decodeScopeList(buf, TRACES);
const TRACES_KEEPING_BYTES: Layout<ResourceSpans, ScopeSpans, Span> = {
  ...TRACES,
  discardItems: { weight: () => 1 },
  resourceGroup: (resource, _scopes, schemaUrl, encoded) =>
    new EncodedResourceSpans(resource, schemaUrl, encoded, validatedItems, decodeSpanScopes),
};

/**
 * Decodes an ExportTraceServiceRequest (same layout as TracesData). With `keepEncoded`, each
 * resource group keeps its scope groups as the received bytes (see model/encoded-groups.ts):
 * the request is still fully validated.
 */
export function decodeTracesRequest(buf: Uint8Array, opts?: DecodeOptions): TracesData {
  return { resourceSpans: decodeRequest(buf, opts?.keepEncoded ? TRACES_KEEPING_BYTES : TRACES) };
}

// ---- logs ----------------------------------------------------------------------------------

const LOG_FIELDS = names('LogRecord', {
  1: 'time_unix_nano',
  2: 'severity_number',
  3: 'severity_text',
  5: 'body',
  6: 'attributes',
  7: 'dropped_attributes_count',
  8: 'flags',
  9: 'trace_id',
  10: 'span_id',
  11: 'observed_time_unix_nano',
  12: 'event_name',
});

function decodeLogRecord(r: ProtoReader, end: number): LogRecord {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue | null = null;
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = NO_BYTES;
  let spanId = NO_BYTES;
  let eventName = '';
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x09:
        timeUnixNano = r.fixed64();
        break;
      case 0x10:
        severityNumber = r.int32();
        break;
      case 0x1a:
        severityText = r.string(end);
        break;
      case 0x2a: {
        const e = r.len(end) + r.pos;
        body = decodeAnyValue(r, e, 1);
        break;
      }
      case 0x32:
        attributes.push(attribute(r, end));
        break;
      case 0x38:
        droppedAttributesCount = r.uint32();
        break;
      case 0x45:
        flags = r.fixed32();
        break;
      case 0x4a:
        traceId = checkId(r.bytes(end), 16, 'trace_id', '');
        break;
      case 0x52:
        spanId = checkId(r.bytes(end), 8, 'span_id', '');
        break;
      case 0x59:
        observedTimeUnixNano = r.fixed64();
        break;
      case 0x62:
        eventName = r.string(end);
        break;
      default:
        other(r, t, end, LOG_FIELDS);
    }
  }
  r.checkEnd(end);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body: body ?? {},
    attributes,
    droppedAttributesCount,
    flags,
    traceId,
    spanId,
    eventName,
  };
}

const LOGS: Layout<ResourceLogs, ScopeLogs, LogRecord> = {
  names: ['resourceLogs', 'scopeLogs', 'logRecords'],
  item: decodeLogRecord,
  scopeGroup: (scope, logRecords, schemaUrl) => ({ scope, logRecords, schemaUrl }),
  resourceGroup: (resource, scopeLogs, schemaUrl) => ({ resource, scopeLogs, schemaUrl }),
};

const decodeLogScopes = (buf: Uint8Array): ScopeLogs[] => decodeScopeList(buf, LOGS);
const LOGS_KEEPING_BYTES: Layout<ResourceLogs, ScopeLogs, LogRecord> = {
  ...LOGS,
  discardItems: { weight: () => 1 },
  resourceGroup: (resource, _scopes, schemaUrl, encoded) =>
    new EncodedResourceLogs(resource, schemaUrl, encoded, validatedItems, decodeLogScopes),
};

/** Decodes an ExportLogsServiceRequest (same layout as LogsData); `keepEncoded` as for traces. */
export function decodeLogsRequest(buf: Uint8Array, opts?: DecodeOptions): LogsData {
  return { resourceLogs: decodeRequest(buf, opts?.keepEncoded ? LOGS_KEEPING_BYTES : LOGS) };
}

// ---- metrics -------------------------------------------------------------------------------

type MetricType = MetricData['type'];

const METRIC_FIELDS = names('Metric', {
  1: 'name',
  2: 'description',
  3: 'unit',
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponential_histogram',
  11: 'summary',
  12: 'metadata',
});
const DATA_FIELDS: Record<MetricType, (string | undefined)[]> = {
  gauge: names('Gauge', { 1: 'data_points' }),
  sum: names('Sum', { 1: 'data_points', 2: 'aggregation_temporality', 3: 'is_monotonic' }),
  histogram: names('Histogram', { 1: 'data_points', 2: 'aggregation_temporality' }),
  exponentialHistogram: names('ExponentialHistogram', { 1: 'data_points', 2: 'aggregation_temporality' }),
  summary: names('Summary', { 1: 'data_points' }),
};
const NUMBER_POINT_FIELDS = names('NumberDataPoint', {
  2: 'start_time_unix_nano',
  3: 'time_unix_nano',
  4: 'as_double',
  5: 'exemplars',
  6: 'as_int',
  7: 'attributes',
  8: 'flags',
});
const HISTOGRAM_POINT_FIELDS = names('HistogramDataPoint', {
  2: 'start_time_unix_nano',
  3: 'time_unix_nano',
  4: 'count',
  5: 'sum',
  6: 'bucket_counts',
  7: 'explicit_bounds',
  8: 'exemplars',
  9: 'attributes',
  10: 'flags',
  11: 'min',
  12: 'max',
});
const EXP_POINT_FIELDS = names('ExponentialHistogramDataPoint', {
  1: 'attributes',
  2: 'start_time_unix_nano',
  3: 'time_unix_nano',
  4: 'count',
  5: 'sum',
  6: 'scale',
  7: 'zero_count',
  8: 'positive',
  9: 'negative',
  10: 'flags',
  11: 'exemplars',
  12: 'min',
  13: 'max',
  14: 'zero_threshold',
});
const BUCKETS_FIELDS = names('Buckets', { 1: 'offset', 2: 'bucket_counts' });
const SUMMARY_POINT_FIELDS = names('SummaryDataPoint', {
  2: 'start_time_unix_nano',
  3: 'time_unix_nano',
  4: 'count',
  5: 'sum',
  6: 'quantile_values',
  7: 'attributes',
  8: 'flags',
});
const QUANTILE_FIELDS = names('ValueAtQuantile', { 1: 'quantile', 2: 'value' });
const EXEMPLAR_FIELDS = names('Exemplar', {
  2: 'time_unix_nano',
  3: 'as_double',
  4: 'span_id',
  5: 'trace_id',
  6: 'as_int',
  7: 'filtered_attributes',
});

/** JSON key of the metric data being decoded, for paths in error messages. */
let dataKey = '';

function exemplarAt(point: number, index: number): string {
  return `.${dataKey}.dataPoints[${point}].exemplars[${index}]`;
}

function decodeExemplar(r: ProtoReader, end: number, point: number, index: number): Exemplar {
  const filteredAttributes: KeyValue[] = [];
  let timeUnixNano = 0n;
  let value: number | bigint = 0;
  let which = 0; // 0 none, 1 double, 2 int (oneof: the last one wins)
  let spanId = NO_BYTES;
  let traceId = NO_BYTES;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x11:
        timeUnixNano = r.fixed64();
        break;
      case 0x19:
        value = r.double();
        which = 1;
        break;
      case 0x22:
        spanId = r.bytes(end);
        if (spanId.length !== 8 && spanId.length !== 0)
          badId('span_id', spanId.length, exemplarAt(point, index));
        break;
      case 0x2a:
        traceId = r.bytes(end);
        if (traceId.length !== 16 && traceId.length !== 0)
          badId('trace_id', traceId.length, exemplarAt(point, index));
        break;
      case 0x31:
        value = r.sfixed64();
        which = 2;
        break;
      case 0x3a:
        filteredAttributes.push(attribute(r, end));
        break;
      default:
        other(r, t, end, EXEMPLAR_FIELDS);
    }
  }
  r.checkEnd(end);
  if (which === 1) return { filteredAttributes, timeUnixNano, asDouble: value as number, spanId, traceId };
  if (which === 2) return { filteredAttributes, timeUnixNano, asInt: value, spanId, traceId };
  return { filteredAttributes, timeUnixNano, spanId, traceId };
}

function decodeNumberPoint(r: ProtoReader, end: number, index: number): NumberDataPoint {
  const attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | bigint = 0;
  let which = 0; // 0 none, 1 double, 2 int (oneof: the last one wins)
  const exemplars: Exemplar[] = [];
  let flags = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x11:
        startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        timeUnixNano = r.fixed64();
        break;
      case 0x21:
        value = r.double();
        which = 1;
        break;
      case 0x2a: {
        const e = r.len(end) + r.pos;
        exemplars.push(decodeExemplar(r, e, index, exemplars.length));
        break;
      }
      case 0x31:
        value = r.sfixed64();
        which = 2;
        break;
      case 0x3a:
        attributes.push(attribute(r, end));
        break;
      case 0x40:
        flags = r.uint32();
        break;
      default:
        other(r, t, end, NUMBER_POINT_FIELDS);
    }
  }
  r.checkEnd(end);
  if (which === 1)
    return { attributes, startTimeUnixNano, timeUnixNano, asDouble: value as number, exemplars, flags };
  if (which === 2) return { attributes, startTimeUnixNano, timeUnixNano, asInt: value, exemplars, flags };
  return { attributes, startTimeUnixNano, timeUnixNano, exemplars, flags };
}

/** Packed (one LEN field) or unpacked (one field each) fixed64 counts. */
function fixed64s(r: ProtoReader, tag: number, end: number, out: number[]): void {
  if ((tag & 7) === WIRE_I64) {
    out.push(r.fixed64Number());
    return;
  }
  const n = r.len(end);
  if (n % 8 !== 0) r.fail(`packed fixed64 length ${n} is not a multiple of 8`);
  const e = r.pos + n;
  while (r.pos < e) out.push(r.fixed64Number());
}

/** Packed or unpacked doubles. */
function doubles(r: ProtoReader, tag: number, end: number, out: number[]): void {
  if ((tag & 7) === WIRE_I64) {
    out.push(r.double());
    return;
  }
  const n = r.len(end);
  if (n % 8 !== 0) r.fail(`packed double length ${n} is not a multiple of 8`);
  const e = r.pos + n;
  while (r.pos < e) out.push(r.double());
}

/** Packed or unpacked uint64 varints. */
function uint64s(r: ProtoReader, tag: number, end: number, out: number[]): void {
  if ((tag & 7) === WIRE_VARINT) {
    out.push(r.uint64Number());
    return;
  }
  const e = r.len(end) + r.pos;
  while (r.pos < e) out.push(r.uint64Number());
  r.checkEnd(e);
}

function decodeHistogramPoint(r: ProtoReader, end: number, index: number): HistogramDataPoint {
  const attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0;
  let sum: number | undefined;
  const bucketCounts: number[] = [];
  const explicitBounds: number[] = [];
  const exemplars: Exemplar[] = [];
  let flags = 0;
  let min: number | undefined;
  let max: number | undefined;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x11:
        startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        timeUnixNano = r.fixed64();
        break;
      case 0x21:
        count = r.fixed64Number();
        break;
      case 0x29:
        sum = r.double();
        break;
      case 0x31:
      case 0x32:
        fixed64s(r, t, end, bucketCounts);
        break;
      case 0x39:
      case 0x3a:
        doubles(r, t, end, explicitBounds);
        break;
      case 0x42: {
        const e = r.len(end) + r.pos;
        exemplars.push(decodeExemplar(r, e, index, exemplars.length));
        break;
      }
      case 0x4a:
        attributes.push(attribute(r, end));
        break;
      case 0x50:
        flags = r.uint32();
        break;
      case 0x59:
        min = r.double();
        break;
      case 0x61:
        max = r.double();
        break;
      default:
        other(r, t, end, HISTOGRAM_POINT_FIELDS);
    }
  }
  r.checkEnd(end);
  const p: HistogramDataPoint = {
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    count,
    bucketCounts,
    explicitBounds,
    exemplars,
    flags,
  };
  // Optional fields exist as keys only when they were on the wire.
  if (sum !== undefined) p.sum = sum;
  if (min !== undefined) p.min = min;
  if (max !== undefined) p.max = max;
  return p;
}

function decodeBuckets(
  r: ProtoReader,
  end: number,
  prev: ExponentialHistogramBuckets | null,
): ExponentialHistogramBuckets {
  let offset = prev ? prev.offset : 0;
  const bucketCounts = prev ? prev.bucketCounts : [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x08) offset = r.sint32();
    else if (t === 0x10 || t === 0x12) uint64s(r, t, end, bucketCounts);
    else other(r, t, end, BUCKETS_FIELDS);
  }
  r.checkEnd(end);
  return { offset, bucketCounts };
}

function decodeExpPoint(r: ProtoReader, end: number, index: number): ExponentialHistogramDataPoint {
  const attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0;
  let positive: ExponentialHistogramBuckets | null = null;
  let negative: ExponentialHistogramBuckets | null = null;
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let min: number | undefined;
  let max: number | undefined;
  let zeroThreshold = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a:
        attributes.push(attribute(r, end));
        break;
      case 0x11:
        startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        timeUnixNano = r.fixed64();
        break;
      case 0x21:
        count = r.fixed64Number();
        break;
      case 0x29:
        sum = r.double();
        break;
      case 0x30:
        scale = r.sint32();
        break;
      case 0x39:
        zeroCount = r.fixed64Number();
        break;
      case 0x42: {
        const e = r.len(end) + r.pos;
        positive = decodeBuckets(r, e, positive);
        break;
      }
      case 0x4a: {
        const e = r.len(end) + r.pos;
        negative = decodeBuckets(r, e, negative);
        break;
      }
      case 0x50:
        flags = r.uint32();
        break;
      case 0x5a: {
        const e = r.len(end) + r.pos;
        exemplars.push(decodeExemplar(r, e, index, exemplars.length));
        break;
      }
      case 0x61:
        min = r.double();
        break;
      case 0x69:
        max = r.double();
        break;
      case 0x71:
        zeroThreshold = r.double();
        break;
      default:
        other(r, t, end, EXP_POINT_FIELDS);
    }
  }
  r.checkEnd(end);
  const p: ExponentialHistogramDataPoint = {
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    count,
    scale,
    zeroCount,
    positive: positive ?? { offset: 0, bucketCounts: [] },
    negative: negative ?? { offset: 0, bucketCounts: [] },
    flags,
    exemplars,
    zeroThreshold,
  };
  if (sum !== undefined) p.sum = sum;
  if (min !== undefined) p.min = min;
  if (max !== undefined) p.max = max;
  return p;
}

function decodeQuantile(r: ProtoReader, end: number): ValueAtQuantile {
  let quantile = 0;
  let value = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x09) quantile = r.double();
    else if (t === 0x11) value = r.double();
    else other(r, t, end, QUANTILE_FIELDS);
  }
  r.checkEnd(end);
  return { quantile, value };
}

function decodeSummaryPoint(r: ProtoReader, end: number): SummaryDataPoint {
  const attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0;
  let sum = 0;
  const quantileValues: ValueAtQuantile[] = [];
  let flags = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x11:
        startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        timeUnixNano = r.fixed64();
        break;
      case 0x21:
        count = r.fixed64Number();
        break;
      case 0x29:
        sum = r.double();
        break;
      case 0x32: {
        const e = r.len(end) + r.pos;
        quantileValues.push(decodeQuantile(r, e));
        break;
      }
      case 0x3a:
        attributes.push(attribute(r, end));
        break;
      case 0x40:
        flags = r.uint32();
        break;
      default:
        other(r, t, end, SUMMARY_POINT_FIELDS);
    }
  }
  r.checkEnd(end);
  return { attributes, startTimeUnixNano, timeUnixNano, count, sum, quantileValues, flags };
}

type AnyPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

/** Gauge / Sum / Histogram / ExponentialHistogram / Summary; merges into `prev` of the same type. */
function decodeMetricData(
  r: ProtoReader,
  end: number,
  type: MetricType,
  prev: MetricData | null,
): MetricData {
  const same = prev !== null && prev.type === type ? prev : null;
  const points: AnyPoint[] = same ? same.dataPoints : [];
  let temporality = same && 'aggregationTemporality' in same ? same.aggregationTemporality : 0;
  let monotonic = same && same.type === 'sum' ? same.isMonotonic : false;
  dataKey = type;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 0x0a) {
      const e = r.len(end) + r.pos;
      const i = points.length;
      if (type === 'gauge' || type === 'sum') points.push(decodeNumberPoint(r, e, i));
      else if (type === 'histogram') points.push(decodeHistogramPoint(r, e, i));
      else if (type === 'exponentialHistogram') points.push(decodeExpPoint(r, e, i));
      else points.push(decodeSummaryPoint(r, e));
    } else if (t === 0x10 && type !== 'gauge' && type !== 'summary') temporality = r.int32();
    else if (t === 0x18 && type === 'sum') monotonic = r.bool();
    else other(r, t, end, DATA_FIELDS[type]);
  }
  r.checkEnd(end);
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points as NumberDataPoint[] };
    case 'sum':
      return {
        type,
        dataPoints: points as NumberDataPoint[],
        aggregationTemporality: temporality,
        isMonotonic: monotonic,
      };
    case 'histogram':
      return { type, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
    case 'exponentialHistogram':
      return {
        type,
        dataPoints: points as ExponentialHistogramDataPoint[],
        aggregationTemporality: temporality,
      };
    default:
      return { type: 'summary', dataPoints: points as SummaryDataPoint[] };
  }
}

function decodeMetric(r: ProtoReader, end: number): Metric {
  let name = '';
  let description = '';
  let unit = '';
  const metadata: KeyValue[] = [];
  let data: MetricData | null = null;
  while (r.pos < end) {
    const t = r.tag();
    let type: MetricType | null = null;
    switch (t) {
      case 0x0a:
        name = r.string(end);
        break;
      case 0x12:
        description = r.string(end);
        break;
      case 0x1a:
        unit = r.string(end);
        break;
      case 0x2a:
        type = 'gauge';
        break;
      case 0x3a:
        type = 'sum';
        break;
      case 0x4a:
        type = 'histogram';
        break;
      case 0x52:
        type = 'exponentialHistogram';
        break;
      case 0x5a:
        type = 'summary';
        break;
      case 0x62:
        metadata.push(attribute(r, end));
        break;
      default:
        other(r, t, end, METRIC_FIELDS);
    }
    if (type !== null) {
      const e = r.len(end) + r.pos;
      data = decodeMetricData(r, e, type, data);
    }
  }
  r.checkEnd(end);
  return { name, description, unit, metadata, data };
}

const METRICS: Layout<ResourceMetrics, ScopeMetrics, Metric> = {
  names: ['resourceMetrics', 'scopeMetrics', 'metrics'],
  item: decodeMetric,
  scopeGroup: (scope, metrics, schemaUrl) => ({ scope, metrics, schemaUrl }),
  resourceGroup: (resource, scopeMetrics, schemaUrl) => ({ resource, scopeMetrics, schemaUrl }),
};

const decodeMetricScopes = (buf: Uint8Array): ScopeMetrics[] => decodeScopeList(buf, METRICS);
const METRICS_KEEPING_BYTES: Layout<ResourceMetrics, ScopeMetrics, Metric> = {
  ...METRICS,
  discardItems: { weight: metricPointCount },
  resourceGroup: (resource, _scopes, schemaUrl, encoded) =>
    new EncodedResourceMetrics(resource, schemaUrl, encoded, validatedItems, decodeMetricScopes),
};

/** Decodes an ExportMetricsServiceRequest (same layout as MetricsData); `keepEncoded` as for traces. */
export function decodeMetricsRequest(buf: Uint8Array, opts?: DecodeOptions): MetricsData {
  return { resourceMetrics: decodeRequest(buf, opts?.keepEncoded ? METRICS_KEEPING_BYTES : METRICS) };
}
