// Spans as TabSeparated rows of the `spans` table, written into a TsvBuffer (the embedded chDB
// insert path). Field order is SPAN_COLUMNS (tsv-rows.ts), which the insert names explicitly; the
// values are those of the JSONEachRow rows (json-rows.ts), and both must read back identically.
import type { InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import type { TracesData } from '../model/traces.ts';
import { encodeValue } from './attributes.ts';
import { TsvBuffer } from './tsv-buffer.ts';

/** The two maps of an attribute set (see schema.ts) as two tab-separated fields; key order is kept. */
export function writeAttributeMaps(w: TsvBuffer, kvs: readonly KeyValue[]): void {
  writeValuesMap(w, kvs);
  w.tab();
  writeTypesMap(w, kvs);
}

function writeValuesMap(w: TsvBuffer, kvs: readonly KeyValue[]): void {
  w.byte(0x7b); // {
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i]!;
    if (i > 0) w.byte(0x2c);
    w.quoted(kv.key).byte(0x3a).quoted(encodeValue(kv.value)[0]);
  }
  w.byte(0x7d);
}

function writeTypesMap(w: TsvBuffer, kvs: readonly KeyValue[]): void {
  w.byte(0x7b);
  let first = true;
  for (const kv of kvs) {
    // Strings, the common case, have no entry (see attributes.ts); checked without encoding.
    if ('stringValue' in kv.value) continue;
    const kind = encodeValue(kv.value)[1];
    if (kind === '') continue;
    if (!first) w.byte(0x2c);
    first = false;
    w.quoted(kv.key).byte(0x3a).quoted(kind);
  }
  w.byte(0x7d);
}

/** The resource and scope fields shared by every row of one scope, encoded once. */
export function groupBytes(
  resource: Resource,
  resourceSchemaUrl: string,
  scope: InstrumentationScope,
  scopeSchemaUrl: string,
): Buffer {
  const w = new TsvBuffer(Number.MAX_SAFE_INTEGER, 1024);
  writeAttributeMaps(w, resource.attributes);
  w.tab().num(resource.droppedAttributesCount).tab().field(resourceSchemaUrl);
  w.tab().field(scope.name).tab().field(scope.version).tab();
  writeAttributeMaps(w, scope.attributes);
  w.tab().num(scope.droppedAttributesCount).tab().field(scopeSchemaUrl);
  w.endRow();
  const b = w.finish()[0]!;
  return b.subarray(0, b.length - 1); // without the row's newline
}

/** Appends one row per span; returns the number of rows. */
export function writeSpans(w: TsvBuffer, data: TracesData): number {
  const it = writeSpansStepwise(w, data);
  for (;;) {
    const r = it.next();
    if (r.done === true) return r.value;
  }
}

/**
 * writeSpans in steps: pauses (yields) after each row that sealed a chunk of `w`, so the caller
 * can hand the sealed chunks to the engine before more rows are built; returns the row count.
 */
export function* writeSpansStepwise(w: TsvBuffer, data: TracesData): Generator<void, number, void> {
  let rows = 0;
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      const group = groupBytes(rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl);
      for (const s of ss.spans) {
        const dur = s.endTimeUnixNano > s.startTimeUnixNano ? s.endTimeUnixNano - s.startTimeUnixNano : 0n;
        w.datetime64(s.startTimeUnixNano).tab().num(s.endTimeUnixNano).tab().num(dur).tab();
        w.hex(s.traceId).tab().hex(s.spanId).tab().hex(s.parentSpanId).tab();
        w.field(s.traceState).tab().num(s.flags).tab().field(s.name).tab().num(s.kind).tab();
        w.bytes(group).tab();
        writeAttributeMaps(w, s.attributes);
        w.tab().num(s.droppedAttributesCount).tab().num(s.status.code).tab().field(s.status.message).tab();
        const ev = s.events;
        w.byte(0x5b);
        for (let i = 0; i < ev.length; i++) (i > 0 ? w.byte(0x2c) : w).num(ev[i]!.timeUnixNano);
        w.ascii(']\t[');
        for (let i = 0; i < ev.length; i++) (i > 0 ? w.byte(0x2c) : w).quoted(ev[i]!.name);
        w.ascii(']\t[');
        for (let i = 0; i < ev.length; i++) writeValuesMap(i > 0 ? w.byte(0x2c) : w, ev[i]!.attributes);
        w.ascii(']\t[');
        for (let i = 0; i < ev.length; i++) writeTypesMap(i > 0 ? w.byte(0x2c) : w, ev[i]!.attributes);
        w.ascii(']\t[');
        for (let i = 0; i < ev.length; i++) (i > 0 ? w.byte(0x2c) : w).num(ev[i]!.droppedAttributesCount);
        w.ascii(']\t').num(s.droppedEventsCount).tab();
        const ln = s.links;
        w.byte(0x5b);
        for (let i = 0; i < ln.length; i++) (i > 0 ? w.byte(0x2c) : w).hex(ln[i]!.traceId, true);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) (i > 0 ? w.byte(0x2c) : w).hex(ln[i]!.spanId, true);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) (i > 0 ? w.byte(0x2c) : w).quoted(ln[i]!.traceState);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) writeValuesMap(i > 0 ? w.byte(0x2c) : w, ln[i]!.attributes);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) writeTypesMap(i > 0 ? w.byte(0x2c) : w, ln[i]!.attributes);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) (i > 0 ? w.byte(0x2c) : w).num(ln[i]!.droppedAttributesCount);
        w.ascii(']\t[');
        for (let i = 0; i < ln.length; i++) (i > 0 ? w.byte(0x2c) : w).num(ln[i]!.flags);
        w.ascii(']\t').num(s.droppedLinksCount).tab().field(ss.schemaUrl);
        w.endRow();
        rows++;
        if (w.hasSealed()) yield;
      }
    }
  }
  return rows;
}
