// A Native block: column count and row count as varints, then per column its name, its type and
// its data. Every column must hold exactly `rows` values.
import { ByteSink } from './byte-sink.ts';
import type { Appendable } from '../appender.ts';
import type { Column } from './columns.ts';

export type NamedColumns = readonly (readonly [name: string, column: Column])[];

/** The block's bytes as a list of parts (views of the columns; valid until they change). */
export function nativeBlock(rows: number, columns: NamedColumns): Buffer[] {
  const out: Buffer[] = [];
  const head = new ByteSink(16);
  head.varint(columns.length);
  head.varint(rows);
  out.push(head.view());
  for (const [name, col] of columns) {
    const h = new ByteSink(64);
    h.str(name);
    h.str(col.type);
    out.push(h.view(), ...col.parts());
  }
  return out;
}

/** Rows of one table, built column by column (see spans.ts and friends). */
export interface RowBlock extends Appendable {
  /** The columns in insert order (names are the table's). */
  columns(): NamedColumns;
}

export function blockBytes(columns: NamedColumns): number {
  let n = 0;
  for (const [, c] of columns) n += c.byteLength();
  return n;
}

/**
 * A RowBlock over named columns: subclasses list their columns once, in insert order, and count
 * `rows` as they add them.
 */
export abstract class ColumnBlock implements RowBlock {
  rows = 0;
  private cols: NamedColumns | undefined;
  /** The columns in insert order; called once, on first use (after the subclass's fields exist). */
  protected abstract namedColumns(): NamedColumns;
  columns(): NamedColumns {
    return (this.cols ??= this.namedColumns());
  }
  byteLength(): number {
    return blockBytes(this.columns());
  }
  reset(): void {
    for (const [, c] of this.columns()) c.reset();
    this.rows = 0;
  }
}
