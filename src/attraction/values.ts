// AnyValue operations with the Collector's (pdata's) semantics, shared by the attribute actions
// and the include/exclude matcher: string form (pcommon.Value.AsString), the `hash` action's
// input bytes, and the `convert` action's type conversions.
import type { AnyValue, KeyValue } from '../model/common.ts';
import { crypto } from '../util/lean-require.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An int64 as the model holds it: a number when safe, else a bigint. */
function int64(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** JSON text as Go's encoding/json writes it: sorted map keys, HTML-sensitive characters escaped. */
function goJson(v: AnyValue): string {
  if ('stringValue' in v) return escapeJson(v.stringValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return Number.isFinite(v.doubleValue) ? String(v.doubleValue) : 'null';
  if ('bytesValue' in v) return escapeJson(Buffer.from(v.bytesValue).toString('base64'));
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(goJson).join(',')}]`;
  if ('kvlistValue' in v) {
    // A map keeps the last value of a repeated key, as pcommon.Map.AsRaw does.
    const byKey = new Map<string, AnyValue>();
    for (const kv of v.kvlistValue.values) byKey.set(kv.key, kv.value);
    const keys = [...byKey.keys()].sort();
    return `{${keys.map((k) => `${escapeJson(k)}:${goJson(byKey.get(k)!)}`).join(',')}}`;
  }
  return 'null';
}

function escapeJson(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The value's string form, as pcommon.Value.AsString: strings as they are, numbers and bools
 * in their usual text, bytes in base64, arrays and maps as JSON, the empty value as "".
 */
export function anyToString(v: AnyValue): string {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  if ('arrayValue' in v || 'kvlistValue' in v) return goJson(v);
  return '';
}

/**
 * The `hash` action's result: SHA-256 (hex) of the value's bytes as the Collector feeds them —
 * UTF-8 for strings, 8 little-endian bytes for ints (two's complement) and doubles (IEEE 754),
 * one byte 1/0 for bools. Other kinds (bytes, arrays, maps, empty) become the empty string.
 */
export function hashValue(v: AnyValue): string {
  let input: Buffer | undefined;
  if ('stringValue' in v) input = Buffer.from(v.stringValue, 'utf8');
  else if ('boolValue' in v) input = Buffer.from([v.boolValue ? 1 : 0]);
  else if ('intValue' in v) {
    input = Buffer.alloc(8);
    input.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v.intValue)));
  } else if ('doubleValue' in v) {
    input = Buffer.alloc(8);
    input.writeDoubleLE(v.doubleValue);
  }
  if (input === undefined || input.length === 0) return '';
  return crypto().createHash('sha256').update(input).digest('hex');
}

export type ConvertTarget = 'int' | 'double' | 'string';

/** Go's strconv.ParseFloat inputs: decimal with optional exponent, or inf/infinity/nan. */
const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

function parseGoFloat(s: string): number | undefined {
  if (DECIMAL_FLOAT.test(s)) return Number(s);
  const m = SPECIAL_FLOAT.exec(s);
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/**
 * The `convert` action: the converted value, or undefined when the Collector leaves the value
 * as it is (already that type, or not convertible — e.g. "3.5" to int, a map to double).
 */
export function convertValue(v: AnyValue, to: ConvertTarget): AnyValue | undefined {
  switch (to) {
    case 'string':
      return 'stringValue' in v ? undefined : { stringValue: anyToString(v) };
    case 'int': {
      if ('boolValue' in v) return { intValue: v.boolValue ? 1 : 0 };
      if ('doubleValue' in v) {
        // Go's int64(f) truncates toward zero; values outside int64 have no defined result.
        if (!Number.isFinite(v.doubleValue)) return undefined;
        const n = BigInt(Math.trunc(v.doubleValue));
        return n < INT64_MIN || n > INT64_MAX ? undefined : { intValue: int64(n) };
      }
      if ('stringValue' in v) {
        // strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, in int64 range.
        if (!/^[+-]?\d+$/.test(v.stringValue)) return undefined;
        const n = BigInt(v.stringValue);
        return n < INT64_MIN || n > INT64_MAX ? undefined : { intValue: int64(n) };
      }
      return undefined;
    }
    case 'double': {
      if ('intValue' in v) return { doubleValue: Number(v.intValue) };
      if ('boolValue' in v) return { doubleValue: v.boolValue ? 1 : 0 };
      if ('stringValue' in v) {
        const n = parseGoFloat(v.stringValue);
        return n === undefined ? undefined : { doubleValue: n };
      }
      return undefined;
    }
  }
}

/** Typed equality of two values (a strict `attributes:` match): same kind and same content. */
export function valuesEqual(a: AnyValue, b: AnyValue): boolean {
  if ('stringValue' in a) return 'stringValue' in b && a.stringValue === b.stringValue;
  if ('boolValue' in a) return 'boolValue' in b && a.boolValue === b.boolValue;
  if ('intValue' in a) return 'intValue' in b && BigInt(a.intValue) === BigInt(b.intValue);
  if ('doubleValue' in a) return 'doubleValue' in b && a.doubleValue === b.doubleValue;
  if ('bytesValue' in a) return 'bytesValue' in b && Buffer.from(a.bytesValue).equals(b.bytesValue);
  if ('arrayValue' in a)
    return (
      'arrayValue' in b &&
      a.arrayValue.values.length === b.arrayValue.values.length &&
      a.arrayValue.values.every((x, i) => valuesEqual(x, b.arrayValue.values[i]!))
    );
  if ('kvlistValue' in a) return 'kvlistValue' in b && kvsEqual(a.kvlistValue.values, b.kvlistValue.values);
  return Object.keys(b).length === 0;
}

function kvsEqual(a: KeyValue[], b: KeyValue[]): boolean {
  return (
    a.length === b.length &&
    a.every((kv) => {
      const other = b.find((x) => x.key === kv.key);
      return other !== undefined && valuesEqual(kv.value, other.value);
    })
  );
}
