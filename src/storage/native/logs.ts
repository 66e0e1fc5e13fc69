// Log records as Native columns of the `logs` table. The values are those of the JSON rows
// (json-rows.ts); native.test.ts checks that JSON and Native inserts store the same rows.
import type { LogRecord, LogsData } from '../../model/logs.ts';
import { encodeValue } from '../attributes.ts';
import { AttributeColumns } from './attributes.ts';
import type { NamedColumns } from './block.ts';
import { ColumnBlock } from './block.ts';
import { DateTime64Column, StringColumn, UInt32Column, UInt64Column, UInt8Column } from './columns.ts';
import type { EncodedGroup } from './group.ts';
import { GroupColumns, scopeItemWriter } from './group.ts';

export class LogBlock extends ColumnBlock {
  private readonly timestamp = new DateTime64Column();
  private readonly hasTime = new UInt8Column();
  private readonly observedTime = new UInt64Column();
  private readonly traceId = new StringColumn();
  private readonly spanId = new StringColumn();
  private readonly flags = new UInt32Column();
  private readonly severityText = new StringColumn();
  private readonly severityNumber = new UInt8Column();
  private readonly eventName = new StringColumn();
  private readonly body = new StringColumn();
  private readonly bodyType = new StringColumn();
  private readonly group = new GroupColumns();
  private readonly attributes = new AttributeColumns();
  private readonly droppedAttributes = new UInt32Column();

  protected namedColumns(): NamedColumns {
    // Insert order: LOG_COLUMNS (columns.ts), which native.test.ts checks.
    return [
      ['timestamp', this.timestamp],
      ['has_time', this.hasTime],
      ['observed_time_unix_nano', this.observedTime],
      ['trace_id', this.traceId],
      ['span_id', this.spanId],
      ['flags', this.flags],
      ['severity_text', this.severityText],
      ['severity_number', this.severityNumber],
      ['event_name', this.eventName],
      ['body', this.body],
      ['body_type', this.bodyType],
      ...this.group.named(),
      ...this.attributes.named('attributes'),
      ['dropped_attributes', this.droppedAttributes],
    ];
  }

  /**
   * One record. `now` (Unix ns) is its timestamp when it has neither a time nor an observed time
   * (as in json-rows.ts: filed under the observed time, else now; `has_time` keeps the original).
   */
  add(r: LogRecord, group: EncodedGroup, now: bigint): void {
    const hasTime = r.timeUnixNano !== 0n;
    this.timestamp.add(
      hasTime ? r.timeUnixNano : r.observedTimeUnixNano !== 0n ? r.observedTimeUnixNano : now,
    );
    this.hasTime.add(hasTime ? 1 : 0);
    this.observedTime.add(r.observedTimeUnixNano);
    this.traceId.addHex(r.traceId);
    this.spanId.addHex(r.spanId);
    this.flags.add(r.flags);
    this.severityText.add(r.severityText);
    this.severityNumber.add(r.severityNumber);
    this.eventName.add(r.eventName);
    const b = r.body;
    // A string body, the common case, needs no encoding and has the kind ''.
    if ('stringValue' in b) {
      this.body.add(b.stringValue);
      this.bodyType.add('');
    } else {
      const [text, kind] = encodeValue(b);
      this.body.add(text);
      this.bodyType.add(kind);
    }
    this.group.add(group);
    this.attributes.add(r.attributes);
    this.droppedAttributes.add(r.droppedAttributesCount);
    this.rows++;
  }
}

/**
 * A resumable writer of every record of `data` (see RowWriter in appender.ts): stops when the
 * block is full and continues from the same record with the next block. `now` (Unix ns) files
 * records that have no time at all.
 */
export function logWriter(
  data: LogsData,
  now = BigInt(Date.now()) * 1_000_000n,
): (block: LogBlock, full: () => boolean) => boolean {
  return scopeItemWriter(
    data.resourceLogs,
    (rl) => rl.scopeLogs,
    (sl) => sl.logRecords,
    (block: LogBlock, record, group) => block.add(record, group, now),
  );
}

/** Appends every record of `data` to `block` (resource and scope encoded once per scope); returns the count. */
export function appendLogs(data: LogsData, block: LogBlock, now = BigInt(Date.now()) * 1_000_000n): number {
  const before = block.rows;
  logWriter(data, now)(block, () => false);
  return block.rows - before;
}
