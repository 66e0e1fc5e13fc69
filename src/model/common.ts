// OTLP-shaped common types shared by traces, metrics and logs.
//
// The model mirrors the OTLP protobuf messages field for field (camelCase names as in the
// protobuf JSON mapping) so codecs stay thin. Every field is always present after decoding;
// decoders fill protobuf defaults. Contract on byte fields (ids, bytes values): they may be
// views into the buffer they were decoded from; nothing may mutate them in place.

/** An OTLP AnyValue. Exactly one key is present; `{}` is the empty value. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  /** int64: a number when it is a safe integer, otherwise a bigint. */
  | { intValue: number | bigint }
  | { doubleValue: number }
  | { bytesValue: Uint8Array }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | EmptyValue;

export type EmptyValue = Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export const SIGNALS = ['traces', 'metrics', 'logs'] as const;
export type Signal = (typeof SIGNALS)[number];

export function isSignal(s: string): s is Signal {
  return (SIGNALS as readonly string[]).includes(s);
}

/** The name of one item of a signal, for messages and metric labels. */
export const ITEM_NAME: Record<Signal, string> = {
  traces: 'spans',
  metrics: 'metric points',
  logs: 'log records',
};

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}
