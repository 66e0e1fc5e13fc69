// OTLP attribute sets as the two map columns of schema.ts (`<x>` with every value as text,
// `<x>_types` with the kind of each non-string value), with the encoding of attributes.ts. They
// are sent in the table's own types, Map(LowCardinality(String), String) and
// Map(LowCardinality(String), LowCardinality(String)): keys and kinds repeat on almost every row.
import type { KeyValue } from '../../model/common.ts';
import { encodeValue } from '../attributes.ts';
import type { Column, EncodedMap } from './columns.ts';
import { ArrayColumn, LowCardinalityColumn, StringColumn, StringMapColumn, encodeMap } from './columns.ts';

/** Map(LowCardinality(String), String): attribute values as text. */
type ValuesColumn = StringMapColumn<LowCardinalityColumn, StringColumn>;
/** Map(LowCardinality(String), LowCardinality(String)): the kinds of non-string values. */
type TypesColumn = StringMapColumn<LowCardinalityColumn, LowCardinalityColumn>;

const valuesColumn = (): ValuesColumn => new StringMapColumn(new LowCardinalityColumn(), new StringColumn());
const typesColumn = (): TypesColumn =>
  new StringMapColumn(new LowCardinalityColumn(), new LowCardinalityColumn());

/** Decimal texts of the small non-negative integers (status codes, ports, sizes), made once. */
const SMALL_INTS = Array.from({ length: 1024 }, (_, i) => String(i));

function intText(v: number | bigint): string {
  return typeof v === 'number' && v >= 0 && v < 1024 ? SMALL_INTS[v]! : String(v);
}

function addPairs(values: ValuesColumn, types: TypesColumn, kvs: readonly KeyValue[]): void {
  for (const kv of kvs) {
    const v = kv.value;
    // Strings, the common case, have no `_types` entry and need no encoding; integers, the next
    // most common, skip encodeValue's tuple (see attributes.ts for the encoding).
    if ('stringValue' in v) {
      values.add(kv.key, v.stringValue);
      continue;
    }
    if ('intValue' in v) {
      values.add(kv.key, intText(v.intValue));
      types.add(kv.key, 'int');
      continue;
    }
    const [text, kind] = encodeValue(v);
    values.add(kv.key, text);
    if (kind !== '') types.add(kv.key, kind);
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
  readonly values = valuesColumn();
  readonly types = typesColumn();
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
  readonly values = new ArrayColumn(valuesColumn());
  readonly types = new ArrayColumn(typesColumn());
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
