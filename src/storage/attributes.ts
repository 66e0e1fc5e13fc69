// The exact, round-trippable encoding of OTLP values into ClickHouse `Map(String, String)` pairs.
//
// A value becomes a string (see schema.ts) plus a kind: '' for strings (not stored in the
// `_types` map, since most attributes are strings), else bool/int/double/bytes/array/kvlist/empty.
// Arrays and kvlists use the OTLP/JSON mapping of their elements, with int64 as decimal strings and
// non-finite or negative-zero doubles as strings, so nothing is lost.
import type { AnyValue, KeyValue } from '../model/common.ts';

export type ValueKind = '' | 'bool' | 'int' | 'double' | 'bytes' | 'array' | 'kvlist' | 'empty';

export function doubleToString(d: number): string {
  return Object.is(d, -0) ? '-0' : String(d);
}

export function doubleFromString(s: string): number {
  // ClickHouse's toString spells these in lower case.
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  return Number(s);
}

/** int64 as the model wants it: a number when safe, else a bigint. */
export function intFromString(s: string): number | bigint {
  const b = BigInt(s);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

function toJson(v: AnyValue): JsonValue {
  if ('stringValue' in v) return { stringValue: v.stringValue };
  if ('boolValue' in v) return { boolValue: v.boolValue };
  if ('intValue' in v) return { intValue: String(v.intValue) };
  if ('doubleValue' in v) {
    const d = v.doubleValue;
    return { doubleValue: Number.isFinite(d) && !Object.is(d, -0) ? d : doubleToString(d) };
  }
  if ('bytesValue' in v) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(toJson) } };
  if ('kvlistValue' in v) {
    return {
      kvlistValue: { values: v.kvlistValue.values.map((kv) => ({ key: kv.key, value: toJson(kv.value) })) },
    };
  }
  return {};
}

function fromJson(j: Record<string, unknown>): AnyValue {
  if ('stringValue' in j) return { stringValue: j['stringValue'] as string };
  if ('boolValue' in j) return { boolValue: j['boolValue'] as boolean };
  if ('intValue' in j) return { intValue: intFromString(j['intValue'] as string) };
  if ('doubleValue' in j) {
    const d = j['doubleValue'];
    return { doubleValue: typeof d === 'number' ? d : doubleFromString(d as string) };
  }
  if ('bytesValue' in j)
    return { bytesValue: new Uint8Array(Buffer.from(j['bytesValue'] as string, 'base64')) };
  if ('arrayValue' in j) {
    const a = j['arrayValue'] as { values: Record<string, unknown>[] };
    return { arrayValue: { values: a.values.map(fromJson) } };
  }
  if ('kvlistValue' in j) {
    const l = j['kvlistValue'] as { values: { key: string; value: Record<string, unknown> }[] };
    return { kvlistValue: { values: l.values.map((kv) => ({ key: kv.key, value: fromJson(kv.value) })) } };
  }
  return {};
}

export function encodeValue(v: AnyValue): [text: string, kind: ValueKind] {
  if ('stringValue' in v) return [v.stringValue, ''];
  if ('boolValue' in v) return [v.boolValue ? 'true' : 'false', 'bool'];
  if ('intValue' in v) return [String(v.intValue), 'int'];
  if ('doubleValue' in v) return [doubleToString(v.doubleValue), 'double'];
  if ('bytesValue' in v) return [Buffer.from(v.bytesValue).toString('base64'), 'bytes'];
  if ('arrayValue' in v) return [JSON.stringify(toJson(v)), 'array'];
  if ('kvlistValue' in v) return [JSON.stringify(toJson(v)), 'kvlist'];
  return ['', 'empty'];
}

export function decodeValue(text: string, kind: string): AnyValue {
  switch (kind) {
    case '':
      return { stringValue: text };
    case 'bool':
      return { boolValue: text === 'true' };
    case 'int':
      return { intValue: intFromString(text) };
    case 'double':
      return { doubleValue: doubleFromString(text) };
    case 'bytes':
      return { bytesValue: new Uint8Array(Buffer.from(text, 'base64')) };
    case 'array':
    case 'kvlist':
      return fromJson(JSON.parse(text) as Record<string, unknown>);
    case 'empty':
      return {};
    default:
      throw new Error(`stored attribute has unknown kind ${JSON.stringify(kind)}`);
  }
}

/**
 * The two maps of an attribute set as JSON object texts, built by hand so the key order is the
 * order of the attributes (JSON.stringify would move integer-like keys first).
 */
export function encodeAttributes(kvs: readonly KeyValue[]): [values: string, types: string] {
  let values = '{';
  let types = '{';
  for (const kv of kvs) {
    const [text, kind] = encodeValue(kv.value);
    // toWellFormed: see `str` in json-rows.ts (lone surrogates become U+FFFD, as in Native).
    const k = JSON.stringify(kv.key.toWellFormed());
    values += (values.length > 1 ? ',' : '') + k + ':' + JSON.stringify(text.toWellFormed());
    if (kind !== '') types += (types.length > 1 ? ',' : '') + k + ':"' + kind + '"';
  }
  return [values + '}', types + '}'];
}

/** Rebuilds attributes from `mapKeys`/`mapValues` arrays and the `_types` map's pairs. */
export function decodeAttributes(
  keys: string[],
  values: string[],
  typeKeys: string[],
  typeValues: string[],
): KeyValue[] {
  const kinds = new Map<string, string>();
  for (let i = 0; i < typeKeys.length; i++) kinds.set(typeKeys[i]!, typeValues[i]!);
  return keys.map((key, i) => ({ key, value: decodeValue(values[i]!, kinds.get(key) ?? '') }));
}
