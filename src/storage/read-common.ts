// Shared pieces of the read paths: running a parameterized query, selecting attribute maps so
// their order survives JSON, and rebuilding resource/scope groups from a row.
//
// Contract: every column a decoder reads is produced by the matching `*Cols` helper here, and
// every value that JSON could not spell exactly (Int64/UInt64, NaN, ±Infinity, -0) is selected
// through toString() and parsed back with the helpers of attributes.ts.
import type { InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import { decodeAttributes, doubleFromString } from './attributes.ts';
import type { Storage } from './connection.ts';

export class QueryError extends Error {}

export type Row = Record<string, unknown>;

export async function rows<T = Row>(
  storage: Storage,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const rs = await storage.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

// Attribute maps come back as key/value arrays so their order survives JSON parsing.
export const attrCols = (c: string, alias = c): string =>
  `mapKeys(${c}) AS ${alias}_k, mapValues(${c}) AS ${alias}_v, mapKeys(${c}_types) AS ${alias}_tk, mapValues(${c}_types) AS ${alias}_tv`;
export const arrAttrCols = (c: string): string =>
  `arrayMap(m -> mapKeys(m), ${c}) AS ${c}_k, arrayMap(m -> mapValues(m), ${c}) AS ${c}_v, ` +
  `arrayMap(m -> mapKeys(m), ${c}_types) AS ${c}_tk, arrayMap(m -> mapValues(m), ${c}_types) AS ${c}_tv`;

export const s = (r: Row, k: string): string => r[k] as string;
export const n = (r: Row, k: string): number => Number(r[k]);
/** A Float64 selected as `toString(x) AS k`. */
export const f = (r: Row, k: string): number => doubleFromString(r[k] as string);
/** A Nullable(Float64) selected as `toString(x) AS k`: undefined for NULL. */
export const optF = (r: Row, k: string): number | undefined =>
  r[k] === null ? undefined : doubleFromString(r[k] as string);

export const attrs = (r: Row, a: string): KeyValue[] =>
  decodeAttributes(
    r[`${a}_k`] as string[],
    r[`${a}_v`] as string[],
    r[`${a}_tk`] as string[],
    r[`${a}_tv`] as string[],
  );
export const arrAttrs = (r: Row, a: string, i: number): KeyValue[] =>
  decodeAttributes(
    (r[`${a}_k`] as string[][])[i]!,
    (r[`${a}_v`] as string[][])[i]!,
    (r[`${a}_tk`] as string[][])[i]!,
    (r[`${a}_tv`] as string[][])[i]!,
  );

export const GROUP_COLS = [
  attrCols('resource_attributes'),
  'resource_dropped_attributes',
  'resource_schema_url',
  'scope_name',
  'scope_version',
  attrCols('scope_attributes'),
  'scope_dropped_attributes',
  'scope_schema_url',
].join(', ');

export interface StoredGroup {
  resource: Resource;
  resourceSchemaUrl: string;
  scope: InstrumentationScope;
  scopeSchemaUrl: string;
}

export function group(r: Row): StoredGroup {
  return {
    resource: {
      attributes: attrs(r, 'resource_attributes'),
      droppedAttributesCount: n(r, 'resource_dropped_attributes'),
    },
    resourceSchemaUrl: s(r, 'resource_schema_url'),
    scope: {
      name: s(r, 'scope_name'),
      version: s(r, 'scope_version'),
      attributes: attrs(r, 'scope_attributes'),
      droppedAttributesCount: n(r, 'scope_dropped_attributes'),
    },
    scopeSchemaUrl: s(r, 'scope_schema_url'),
  };
}

const HEX32 = /^[0-9a-f]{32}$/;
export const MAX_LIMIT = 10_000;
/** The widest time range a query may scan (a little over the longest month). */
export const MAX_RANGE_NS = 32n * 86_400n * 1_000_000_000n;

export function checkTraceId(id: string): string {
  const lower = id.toLowerCase();
  if (!HEX32.test(lower))
    throw new QueryError(`invalid trace id ${JSON.stringify(id)}: expected 32 hex digits`);
  return lower;
}

export function checkLimit(limit: number | undefined, dflt: number, what = 'limit'): number {
  const l = limit ?? dflt;
  if (!Number.isInteger(l) || l < 1 || l > MAX_LIMIT)
    throw new QueryError(`invalid ${what} ${l}: expected an integer in 1..${MAX_LIMIT}`);
  return l;
}

export function checkTime(ns: bigint | undefined, what: string): bigint | undefined {
  if (ns === undefined) return undefined;
  if (typeof ns !== 'bigint' || ns < 0n || ns >= 2n ** 63n)
    throw new QueryError(`invalid ${what}: expected nanoseconds as a bigint in [0, 2^63)`);
  return ns;
}

/** Checks a [start, end] range in nanoseconds; `names` are the parameter names for messages. */
export function checkRange(start: bigint, end: bigint, names: [string, string] = ['startNs', 'endNs']): void {
  checkTime(start, names[0]);
  checkTime(end, names[1]);
  if (end < start) throw new QueryError(`invalid time range: ${names[1]} < ${names[0]}`);
}

/** Like checkRange, and the range may span at most MAX_RANGE_NS (the scan cost is bounded). */
export function checkBoundedRange(
  start: bigint,
  end: bigint,
  names: [string, string] = ['start', 'end'],
): void {
  checkRange(start, end, names);
  if (end - start > MAX_RANGE_NS)
    throw new QueryError(
      `invalid time range: ${names[0]}..${names[1]} spans more than ${MAX_RANGE_NS / 86_400_000_000_000n} days`,
    );
}

export function checkString(v: unknown, what: string, max = 1024): string {
  if (typeof v !== 'string') throw new QueryError(`invalid ${what}: expected a string`);
  if (v.length > max) throw new QueryError(`invalid ${what}: longer than ${max} characters`);
  return v;
}
