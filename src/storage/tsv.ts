// Text of single values in ClickHouse's TabSeparated input format, for the embedded chDB raw insert.
//
// Contracts (each checked against chDB in tsv.test.ts):
// - A top-level String field escapes backslash, tab, newline, carriage return and NUL as `\\`, `\t`,
//   `\n`, `\r`, `\0`; ClickHouse unescapes them, so every JS string reads back identical, except
//   lone UTF-16 surrogates, which have no UTF-8 form and become U+FFFD when the body is encoded.
// - Inside arrays and maps, strings are single-quoted with `\\`, `\'` and the control characters
//   above escaped; the quoted form holds no raw tab or newline, so it is NOT escaped a second time.
// - DateTime64(9) is written as `SSSSSSSSSS.NNNNNNNNN` (zero-padded seconds): a bare integer of a
//   few digits would be parsed as a date ("5" is the 5th of the month) and an unpadded
//   `99999.000000001` is refused, while ten-digit seconds are always read as a Unix timestamp.
// - Doubles use JS's shortest round-trip spelling plus `nan`/`inf`/`-inf`/`-0`; NULL is `\N` at
//   the top level and `NULL` inside arrays.

const TOP_SPECIAL = /[\\\t\n\r\0]/;
const TOP_SPECIAL_G = /[\\\t\n\r\0]/g;
const QUOTED_SPECIAL = /[\\'\t\n\r\0]/;
const QUOTED_SPECIAL_G = /[\\'\t\n\r\0]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '\t':
      return '\\t';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\0':
      return '\\0';
    default:
      return '\\' + c; // the quote
  }
}

/** A String column's field. */
export function field(s: string): string {
  // Most values need no escaping; the test is much cheaper than a replace that finds nothing.
  return TOP_SPECIAL.test(s) ? s.replace(TOP_SPECIAL_G, escapeChar) : s;
}

/** A string inside an array or map: `'…'`. */
export function quoted(s: string): string {
  return "'" + (QUOTED_SPECIAL.test(s) ? s.replace(QUOTED_SPECIAL_G, escapeChar) : s) + "'";
}

export function f64(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return Object.is(d, -0) ? '-0' : String(d);
}

/** A Nullable(Float64) column's field. */
export const optF64 = (d: number | undefined): string => (d === undefined ? '\\N' : f64(d));

/** An element of Array(Nullable(...)): NULL inside composite text, not `\N`. */
export const optInArray = (v: string | undefined): string => (v === undefined ? 'NULL' : v);

/** An array of already-formatted elements (numbers, `quoted(...)`, maps). */
export const array = (xs: readonly string[]): string => '[' + xs.join(',') + ']';

const MAX_DATETIME64_NS = 2n ** 63n - 1n;
const NS_PER_S = 1_000_000_000n;

/**
 * A DateTime64(9, 'UTC') field from Unix nanoseconds, clamped into the type's range
 * [0, 2^63 - 1] (the stored end time keeps the exact value in a UInt64 column).
 */
export function datetime64(ns: bigint): string {
  const v = ns < 0n ? 0n : ns > MAX_DATETIME64_NS ? MAX_DATETIME64_NS : ns;
  const s = String(v / NS_PER_S);
  const f = String(v % NS_PER_S);
  return '0000000000'.slice(s.length) + s + '.' + '000000000'.slice(f.length) + f;
}
