import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './common.ts';

/** The payload of an ExportLogsServiceRequest. */
export interface LogsData {
  resourceLogs: ResourceLogs[];
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** `{}` when the record has no body. */
  body: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  /** 16 bytes or empty. */
  traceId: Uint8Array;
  /** 8 bytes or empty. */
  spanId: Uint8Array;
  eventName: string;
}
