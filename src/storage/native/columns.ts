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
// - LowCardinality(String) (ClickHouse's SerializationLowCardinality, as a Native block holds it):
//   a state prefix, the UInt64 keys-serialization version 1, written before the column's data
//   (so before the offsets of an Array or Map around it); then, unless the column holds no value
//   (an Array/Map column whose rows are all empty writes nothing but the prefix), one granule:
//   the UInt64 index type (the index width 0 = UInt8, 1 = UInt16, 2 = UInt32, with the flags
//   HasAdditionalKeys 1 << 9 and NeedUpdateDictionary 1 << 10), the UInt64 number of keys, the
//   keys as String, the UInt64 number of rows, and one index into the keys per row.
//   A column sent as LowCardinality needs no conversion on insert into a LowCardinality column
//   (sent as String, the engine built the dictionary of every such column from the strings).
// Every builder appends; `prefix()` and `parts()` are views of its bytes, valid until the next
// append or reset; a column's bytes in a block are its prefix, then its parts.
import { ByteSink } from './byte-sink.ts';

export interface Column {
  /** The ClickHouse type the bytes are in (the table may convert, e.g. String → LowCardinality). */
  readonly type: string;
  /** The state prefix (serializeBinaryBulkStatePrefix): written before `parts()`; empty but for LowCardinality. */
  prefix(): Buffer[];
  parts(): Buffer[];
  /** Bytes written so far (to bound a block's size). */
  byteLength(): number;
  reset(): void;
}

abstract class SinkColumn implements Column {
  abstract readonly type: string;
  protected readonly sink = new ByteSink();
  prefix(): Buffer[] {
    return [];
  }
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

export class StringColumn extends SinkColumn {
  readonly type = 'String';
  add(s: string): void {
    this.sink.str(s);
  }
  /** Lowercase hex of an id ('' for no bytes). */
  addHex(bytes: Uint8Array): void {
    this.sink.hexStr(bytes);
  }
  /** Strings repeated on many rows: encoded on first use, copied after. */
  addStrings(e: EncodedStrings): void {
    this.sink.raw((e.bytes ??= encodeStrings(e.strings)));
  }
}

function encodeStrings(strings: readonly string[]): Buffer {
  const sink = new ByteSink(64);
  for (const s of strings) sink.str(s);
  return sink.copy();
}

/**
 * Strings written together on many rows (the keys or values of a resource's attributes), with
 * what the columns they go to keep of them: their String bytes, or their dictionary ids in one
 * LowCardinality column's current block.
 */
export class EncodedStrings {
  readonly strings: readonly string[];
  bytes: Buffer | undefined;
  ids: number[] = [];
  owner: LowCardinalityColumn | undefined;
  generation = -1;
  constructor(strings: readonly string[]) {
    this.strings = strings;
  }
}

const LC_KEYS_VERSION = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
const LC_HAS_ADDITIONAL_KEYS = 1 << 9;
const LC_NEED_UPDATE_DICTIONARY = 1 << 10;

/**
 * LowCardinality(String): a dictionary of the block's distinct values plus one index per row, the
 * narrowest of UInt8/UInt16/UInt32 that the dictionary needs (indexes written so far are widened
 * when it outgrows one). The dictionary holds every distinct value of the block; the block's
 * byte bound (appender.ts) bounds it.
 */
export class LowCardinalityColumn implements Column {
  readonly type = 'LowCardinality(String)';
  private readonly ids = new Map<string, number>();
  private readonly keys = new ByteSink();
  private idx = Buffer.allocUnsafe(1024);
  private count = 0;
  private width: 1 | 2 | 4 = 1;
  /** Counts resets: dictionary ids cached outside (EncodedStrings) are valid for one generation. */
  generation = 0;

  /** The id of `s` in this block's dictionary, added on first sight. */
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(s, i);
      this.keys.str(s);
      if (i === 0x100 || i === 0x1_0000) this.widen();
    }
    return i;
  }

  add(s: string): void {
    this.addId(this.id(s));
  }

  /** A row holding the value of dictionary id `i` (an id of this generation). */
  addId(i: number): void {
    const w = this.width;
    const p = this.count * w;
    if (p + w > this.idx.length) this.grow(p + w);
    const b = this.idx;
    b[p] = i & 0xff;
    if (w !== 1) {
      b[p + 1] = (i >>> 8) & 0xff;
      if (w === 4) {
        b[p + 2] = (i >>> 16) & 0xff;
        b[p + 3] = i >>> 24;
      }
    }
    this.count++;
  }

  /** Strings repeated on many rows: looked up once per block, their ids copied after. */
  addStrings(e: EncodedStrings): void {
    if (e.owner !== this || e.generation !== this.generation) {
      e.ids = e.strings.map((s) => this.id(s));
      e.owner = this;
      e.generation = this.generation;
    }
    for (const i of e.ids) this.addId(i);
  }

  private grow(need: number): void {
    let size = this.idx.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.idx.copy(next, 0, 0, this.count * this.width);
    this.idx = next;
  }

  /** Rewrites the indexes so far at twice the width (UInt8 → UInt16 → UInt32). */
  private widen(): void {
    const from = this.width;
    const to = from === 1 ? 2 : 4;
    const old = this.idx;
    const next = Buffer.allocUnsafe(Math.max(1024, 2 * this.count * to));
    for (let r = 0; r < this.count; r++) {
      const i = from === 1 ? old[r]! : old.readUInt16LE(2 * r);
      if (to === 2) next.writeUInt16LE(i, 2 * r);
      else next.writeUInt32LE(i, 4 * r);
    }
    this.idx = next;
    this.width = to;
  }

  prefix(): Buffer[] {
    return [LC_KEYS_VERSION];
  }

  parts(): Buffer[] {
    if (this.count === 0) return [];
    const head = Buffer.alloc(16);
    const widthCode = this.width === 1 ? 0 : this.width === 2 ? 1 : 2;
    head.writeUInt32LE(widthCode | LC_HAS_ADDITIONAL_KEYS | LC_NEED_UPDATE_DICTIONARY, 0);
    head.writeUInt32LE(this.ids.size, 8);
    const rows = Buffer.alloc(8);
    rows.writeUInt32LE(this.count, 0);
    return [head, this.keys.view(), rows, this.idx.subarray(0, this.count * this.width)];
  }

  byteLength(): number {
    return 8 + (this.count === 0 ? 0 : 24 + this.keys.length + this.count * this.width);
  }

  reset(): void {
    this.ids.clear();
    this.keys.reset();
    this.count = 0;
    this.width = 1;
    this.generation++;
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
  prefix(): Buffer[] {
    return this.inner.prefix();
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
  prefix(): Buffer[] {
    return this.items.prefix();
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

/** A column of strings: String or LowCardinality(String). */
export type StringsColumn = StringColumn | LowCardinalityColumn;

/** Map(K, V) of two string columns: `add` each pair of a row, then `endRow()`. */
export class StringMapColumn<K extends StringsColumn, V extends StringsColumn> implements Column {
  readonly type: string;
  readonly keys: K;
  readonly values: V;
  private readonly offsets = new Offsets();
  private pending = 0;
  constructor(keys: K, values: V) {
    this.keys = keys;
    this.values = values;
    this.type = `Map(${keys.type}, ${values.type})`;
  }
  add(key: string, value: string): void {
    this.keys.add(key);
    this.values.add(value);
    this.pending++;
  }
  /** Pairs encoded once by `encodeMap` and repeated on many rows (ends the row). */
  addEncodedRow(m: EncodedMap): void {
    this.keys.addStrings(m.keys);
    this.values.addStrings(m.values);
    this.pending += m.count;
    this.endRow();
  }
  endRow(): void {
    this.offsets.end(this.pending);
    this.pending = 0;
  }
  prefix(): Buffer[] {
    return [...this.keys.prefix(), ...this.values.prefix()];
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
  keys: EncodedStrings;
  values: EncodedStrings;
}

export function encodeMap(pairs: readonly (readonly [string, string])[]): EncodedMap {
  return {
    count: pairs.length,
    keys: new EncodedStrings(pairs.map(([k]) => k)),
    values: new EncodedStrings(pairs.map(([, v]) => v)),
  };
}
