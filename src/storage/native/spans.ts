// Spans as Native columns of the `spans` table. The values are those of the JSON rows
// (json-rows.ts); native.test.ts checks that JSON and Native inserts store the same rows.
import type { Span, TracesData } from '../../model/traces.ts';
import { AttributeArrayColumns, AttributeColumns } from './attributes.ts';
import type { NamedColumns } from './block.ts';
import { ColumnBlock } from './block.ts';
import {
  ArrayColumn,
  DateTime64Column,
  StringColumn,
  UInt32Column,
  UInt64Column,
  UInt8Column,
} from './columns.ts';
import type { EncodedGroup } from './group.ts';
import { GroupColumns, scopeItemWriter } from './group.ts';

export class SpanBlock extends ColumnBlock {
  private readonly timestamp = new DateTime64Column();
  private readonly endTime = new UInt64Column();
  private readonly duration = new UInt64Column();
  private readonly traceId = new StringColumn();
  private readonly spanId = new StringColumn();
  private readonly parentSpanId = new StringColumn();
  private readonly traceState = new StringColumn();
  private readonly flags = new UInt32Column();
  private readonly name = new StringColumn();
  private readonly kind = new UInt8Column();
  private readonly group = new GroupColumns();
  private readonly attributes = new AttributeColumns();
  private readonly droppedAttributes = new UInt32Column();
  private readonly statusCode = new UInt8Column();
  private readonly statusMessage = new StringColumn();
  private readonly eventsTime = new ArrayColumn(new UInt64Column());
  private readonly eventsName = new ArrayColumn(new StringColumn());
  private readonly eventsAttributes = new AttributeArrayColumns();
  private readonly eventsDropped = new ArrayColumn(new UInt32Column());
  private readonly droppedEvents = new UInt32Column();
  private readonly linksTraceId = new ArrayColumn(new StringColumn());
  private readonly linksSpanId = new ArrayColumn(new StringColumn());
  private readonly linksTraceState = new ArrayColumn(new StringColumn());
  private readonly linksAttributes = new AttributeArrayColumns();
  private readonly linksDropped = new ArrayColumn(new UInt32Column());
  private readonly linksFlags = new ArrayColumn(new UInt32Column());
  private readonly droppedLinks = new UInt32Column();
  private readonly schemaUrl = new StringColumn();

  protected namedColumns(): NamedColumns {
    // Insert order: SPAN_COLUMNS (columns.ts), which native.test.ts checks.
    return [
      ['timestamp', this.timestamp],
      ['end_time_unix_nano', this.endTime],
      ['duration_ns', this.duration],
      ['trace_id', this.traceId],
      ['span_id', this.spanId],
      ['parent_span_id', this.parentSpanId],
      ['trace_state', this.traceState],
      ['flags', this.flags],
      ['name', this.name],
      ['kind', this.kind],
      ...this.group.named(),
      ...this.attributes.named('attributes'),
      ['dropped_attributes', this.droppedAttributes],
      ['status_code', this.statusCode],
      ['status_message', this.statusMessage],
      ['events_time_unix_nano', this.eventsTime],
      ['events_name', this.eventsName],
      ...this.eventsAttributes.named('events_attributes'),
      ['events_dropped_attributes', this.eventsDropped],
      ['dropped_events', this.droppedEvents],
      ['links_trace_id', this.linksTraceId],
      ['links_span_id', this.linksSpanId],
      ['links_trace_state', this.linksTraceState],
      ...this.linksAttributes.named('links_attributes'),
      ['links_dropped_attributes', this.linksDropped],
      ['links_flags', this.linksFlags],
      ['dropped_links', this.droppedLinks],
      ['schema_url', this.schemaUrl],
    ];
  }

  add(s: Span, group: EncodedGroup, scopeSchemaUrl: string): void {
    this.timestamp.add(s.startTimeUnixNano);
    this.endTime.add(s.endTimeUnixNano);
    this.duration.addDiff(s.endTimeUnixNano, s.startTimeUnixNano);
    this.traceId.addHex(s.traceId);
    this.spanId.addHex(s.spanId);
    this.parentSpanId.addHex(s.parentSpanId);
    this.traceState.add(s.traceState);
    this.flags.add(s.flags);
    this.name.add(s.name);
    this.kind.add(s.kind);
    this.group.add(group);
    this.attributes.add(s.attributes);
    this.droppedAttributes.add(s.droppedAttributesCount);
    this.statusCode.add(s.status.code);
    this.statusMessage.add(s.status.message);
    const ev = s.events;
    for (const e of ev) {
      this.eventsTime.items.add(e.timeUnixNano);
      this.eventsName.items.add(e.name);
      this.eventsAttributes.addItem(e.attributes);
      this.eventsDropped.items.add(e.droppedAttributesCount);
    }
    this.eventsTime.endRow(ev.length);
    this.eventsName.endRow(ev.length);
    this.eventsAttributes.endRow(ev.length);
    this.eventsDropped.endRow(ev.length);
    this.droppedEvents.add(s.droppedEventsCount);
    const ln = s.links;
    for (const l of ln) {
      this.linksTraceId.items.addHex(l.traceId);
      this.linksSpanId.items.addHex(l.spanId);
      this.linksTraceState.items.add(l.traceState);
      this.linksAttributes.addItem(l.attributes);
      this.linksDropped.items.add(l.droppedAttributesCount);
      this.linksFlags.items.add(l.flags);
    }
    this.linksTraceId.endRow(ln.length);
    this.linksSpanId.endRow(ln.length);
    this.linksTraceState.endRow(ln.length);
    this.linksAttributes.endRow(ln.length);
    this.linksDropped.endRow(ln.length);
    this.linksFlags.endRow(ln.length);
    this.droppedLinks.add(s.droppedLinksCount);
    this.schemaUrl.add(scopeSchemaUrl);
    this.rows++;
  }
}

/**
 * A resumable writer of every span of `data` (see RowWriter in appender.ts): it stops when the
 * block is full and continues from the same span when called again with the next block.
 */
export function spanWriter(data: TracesData): (block: SpanBlock, full: () => boolean) => boolean {
  return scopeItemWriter(
    data.resourceSpans,
    (rs) => rs.scopeSpans,
    (ss) => ss.spans,
    (block: SpanBlock, span, group, ss) => block.add(span, group, ss.schemaUrl),
  );
}
