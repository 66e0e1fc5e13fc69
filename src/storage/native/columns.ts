// Column builders for ClickHouse's Native format (the columnar wire and file format), so rows
// are handed to the engine already in its own layout: no text to parse, no escaping.
//
// Layouts (as ClickHouse writes them without custom serializations, checked in native.test.ts):
// - fixed-width numbers: little endian, one per value; Bool is a UInt8; DateTime64(9) is the
//   Int64 count of nanoseconds.
// - String: LEB128 byte length + UTF-8 bytes per value.
// - Nullable(T): one UInt8 per value (1 = NULL), then T with a placeholder for each NULL.
// - Array(T): the cumulative element count after each row as UInt64, then every element as T.
// - Map(K, V): as Array(Tuple(K, V)): cumulative offsets, then all keys, then all values.
// Every builder appends; `parts()` are views of its bytes, valid until the next append or reset.
import { ByteSink } from './byte-sink.ts';

export interface Column {
  /** The ClickHouse type the bytes are in (the table may convert, e.g. String → LowCardinality). */
  readonly type: string;
  parts(): Buffer[];
  /** Bytes written so far (to bound a block's size). */
  byteLength(): number;
  reset(): void;
}

abstract class SinkColumn implements Column {
  abstract readonly type: string;
  protected readonly sink = new ByteSink();
  parts(): Buffer[] {
    return [this.sink.view()];
  }
  byteLength(): number {
    return this.sink.length;
  }
  reset(): void {
    this.sink.reset();
  }
}

/** Distinct values a StringColumn keeps encoded (addCached). */
const MAX_CACHED = 4096;

export class StringColumn extends SinkColumn {
  readonly type = 'String';
  add(s: string): void {
    this.sink.str(s);
  }
  /** Lowercase hex of an id ('' for no bytes). */
  addHex(bytes: Uint8Array): void {
    this.sink.hexStr(bytes);
  }
  /** Values already in this column's encoding (see `encodeStrings`). */
  addEncoded(bytes: Uint8Array): void {
    this.sink.raw(bytes);
  }
  private readonly cache = new Map<string, Uint8Array>();
  /**
   * `add` for values that repeat (attribute keys): encoded on first sight and copied after. At
   * most MAX_CACHED distinct values are kept, so data with unbounded keys costs no more memory.
   */
  addCached(s: string): void {
    let bytes = this.cache.get(s);
    if (bytes === undefined) {
      if (this.cache.size >= MAX_CACHED || s.length > 64) {
        this.sink.str(s);
        return;
      }
      const one = new ByteSink(3 * s.length + 2);
      one.str(s);
      bytes = one.copy();
      this.cache.set(s, bytes);
    }
    this.sink.small(bytes);
  }
}

export class UInt8Column extends SinkColumn {
  readonly type: 'UInt8' | 'Bool';
  constructor(type: 'UInt8' | 'Bool' = 'UInt8') {
    super();
    this.type = type;
  }
  add(v: number): void {
    this.sink.u8(v);
  }
}

export class UInt32Column extends SinkColumn {
  readonly type = 'UInt32';
  add(v: number): void {
    this.sink.u32(v);
  }
}

export class Int32Column extends SinkColumn {
  readonly type = 'Int32';
  add(v: number): void {
    this.sink.i32(v);
  }
}

export class UInt64Column extends SinkColumn {
  readonly type = 'UInt64';
  add(v: number | bigint): void {
    this.sink.u64(v);
  }
  /** `end - start`, or 0 when end < start. */
  addDiff(end: bigint, start: bigint): void {
    this.sink.u64Diff(end, start);
  }
}

export class Int64Column extends SinkColumn {
  readonly type = 'Int64';
  add(v: number | bigint): void {
    this.sink.i64(v);
  }
}

export class Float64Column extends SinkColumn {
  readonly type = 'Float64';
  add(v: number): void {
    this.sink.f64(v);
  }
}

const MAX_DATETIME64_NS = 2n ** 63n - 1n;

/** DateTime64(9, 'UTC') from Unix nanoseconds, clamped into its range [0, 2^63 - 1]. */
export class DateTime64Column extends SinkColumn {
  readonly type = "DateTime64(9, 'UTC')";
  add(ns: bigint): void {
    this.sink.i64(ns < 0n ? 0n : ns > MAX_DATETIME64_NS ? MAX_DATETIME64_NS : ns);
  }
}

type Adder<V> = Column & { add(v: V): void };

/** Nullable(T): `add(undefined)` is NULL, stored with `placeholder` in T. */
export class NullableColumn<V> implements Column {
  readonly type: string;
  private readonly nulls = new ByteSink();
  private readonly inner: Adder<V>;
  private readonly placeholder: V;
  constructor(inner: Adder<V>, placeholder: V) {
    this.inner = inner;
    this.placeholder = placeholder;
    this.type = `Nullable(${inner.type})`;
  }
  add(v: V | undefined): void {
    this.nulls.u8(v === undefined ? 1 : 0);
    this.inner.add(v === undefined ? this.placeholder : v);
  }
  parts(): Buffer[] {
    return [this.nulls.view(), ...this.inner.parts()];
  }
  byteLength(): number {
    return this.nulls.length + this.inner.byteLength();
  }
  reset(): void {
    this.nulls.reset();
    this.inner.reset();
  }
}

/** Cumulative UInt64 offsets: the shared part of Array and Map. */
class Offsets {
  private readonly sink = new ByteSink();
  private total = 0;
  /** Ends a row (or element) of `count` items. */
  end(count: number): void {
    this.total += count;
    this.sink.u64(this.total);
  }
  view(): Buffer {
    return this.sink.view();
  }
  get length(): number {
    return this.sink.length;
  }
  reset(): void {
    this.sink.reset();
    this.total = 0;
  }
}

/** Array(T): append a row's elements to `items`, then `endRow(count)`. */
export class ArrayColumn<C extends Column> implements Column {
  readonly type: string;
  private readonly offsets = new Offsets();
  readonly items: C;
  constructor(items: C) {
    this.items = items;
    this.type = `Array(${items.type})`;
  }
  endRow(count: number): void {
    this.offsets.end(count);
  }
  parts(): Buffer[] {
    return [this.offsets.view(), ...this.items.parts()];
  }
  byteLength(): number {
    return this.offsets.length + this.items.byteLength();
  }
  reset(): void {
    this.offsets.reset();
    this.items.reset();
  }
}

/** Map(String, String): `add` each pair of a row, then `endRow()`. */
export class StringMapColumn implements Column {
  readonly type = 'Map(String, String)';
  readonly keys = new StringColumn();
  readonly values = new StringColumn();
  private readonly offsets = new Offsets();
  private pending = 0;
  add(key: string, value: string): void {
    this.keys.add(key);
    this.values.add(value);
    this.pending++;
  }
  /** `add` for keys that repeat (attribute names): their bytes are encoded once and copied. */
  addKey(key: string, value: string): void {
    this.keys.addCached(key);
    this.values.add(value);
    this.pending++;
  }
  /** Pairs encoded once by `encodeMap` and repeated on many rows (ends the row). */
  addEncodedRow(m: EncodedMap): void {
    this.keys.addEncoded(m.keys);
    this.values.addEncoded(m.values);
    this.pending += m.count;
    this.endRow();
  }
  endRow(): void {
    this.offsets.end(this.pending);
    this.pending = 0;
  }
  parts(): Buffer[] {
    return [this.offsets.view(), ...this.keys.parts(), ...this.values.parts()];
  }
  byteLength(): number {
    return this.offsets.length + this.keys.byteLength() + this.values.byteLength();
  }
  reset(): void {
    this.offsets.reset();
    this.keys.reset();
    this.values.reset();
    this.pending = 0;
  }
}

/** The pairs of one map row, encoded once. */
export interface EncodedMap {
  count: number;
  keys: Buffer;
  values: Buffer;
}

export function encodeMap(pairs: readonly (readonly [string, string])[]): EncodedMap {
  const k = new ByteSink(64);
  const v = new ByteSink(64);
  for (const [key, value] of pairs) {
    k.str(key);
    v.str(value);
  }
  return { count: pairs.length, keys: k.copy(), values: v.copy() };
}

/** Array(Map(String, String)): add the maps of a row through `maps`, then `endRow(count)`. */
export class MapArrayColumn extends ArrayColumn<StringMapColumn> {
  constructor() {
    super(new StringMapColumn());
  }
}
