// OTLP attribute sets as the two Map(String, String) columns of schema.ts (`<x>` with every value
// as text, `<x>_types` with the kind of each non-string value), with the encoding of attributes.ts.
import type { KeyValue } from '../../model/common.ts';
import { encodeValue } from '../attributes.ts';
import type { Column, EncodedMap, StringMapColumn } from './columns.ts';
import { ArrayColumn, StringMapColumn as MapColumn, encodeMap } from './columns.ts';

/** Decimal texts of the small non-negative integers (status codes, ports, sizes), made once. */
const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => String(i));

function intText(v: number | bigint): string {
  return typeof v === 'number' && v >= 0 && v < 1024 ? SMALL_INTS[v]! : String(v);
}

function addPairs(values: StringMapColumn, types: StringMapColumn, kvs: readonly KeyValue[]): void {
  for (const kv of kvs) {
    const v = kv.value;
    // Strings, the common case, have no `_types` entry and need no encoding; integers, the next
    // most common, skip encodeValue's tuple (see attributes.ts for the encoding).
    if ('stringValue' in v) {
      values.addKey(kv.key, v.stringValue);
      continue;
    }
    if ('intValue' in v) {
      values.addKey(kv.key, intText(v.intValue));
      types.addKey(kv.key, 'int');
      continue;
    }
    const [text, kind] = encodeValue(v);
    values.addKey(kv.key, text);
    if (kind !== '') types.addKey(kv.key, kind);
  }
}

/** An attribute set encoded once (a resource or scope shared by many rows). */
export interface EncodedAttributes {
  values: EncodedMap;
  types: EncodedMap;
}

export function encodeAttributes(kvs: readonly KeyValue[]): EncodedAttributes {
  const values: [string, string][] = [];
  const types: [string, string][] = [];
  for (const kv of kvs) {
    const [text, kind] = encodeValue(kv.value);
    values.push([kv.key, text]);
    if (kind !== '') types.push([kv.key, kind]);
  }
  return { values: encodeMap(values), types: encodeMap(types) };
}

/** The `<name>` and `<name>_types` columns of one attribute set per row. */
export class AttributeColumns {
  readonly values = new MapColumn();
  readonly types = new MapColumn();
  add(kvs: readonly KeyValue[]): void {
    addPairs(this.values, this.types, kvs);
    this.values.endRow();
    this.types.endRow();
  }
  addEncoded(e: EncodedAttributes): void {
    this.values.addEncodedRow(e.values);
    this.types.addEncodedRow(e.types);
  }
  named(name: string): [string, Column][] {
    return [
      [name, this.values],
      [`${name}_types`, this.types],
    ];
  }
}

/** Array(Map) columns: one attribute set per element (span events, links, exemplars). */
export class AttributeArrayColumns {
  readonly values = new ArrayColumn(new MapColumn());
  readonly types = new ArrayColumn(new MapColumn());
  /** One element's attributes; call `endRow(count)` after the row's elements. */
  addItem(kvs: readonly KeyValue[]): void {
    addPairs(this.values.items, this.types.items, kvs);
    this.values.items.endRow();
    this.types.items.endRow();
  }
  endRow(count: number): void {
    this.values.endRow(count);
    this.types.endRow(count);
  }
  named(name: string): [string, Column][] {
    return [
      [name, this.values],
      [`${name}_types`, this.types],
    ];
  }
}
