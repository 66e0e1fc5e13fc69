// Go's strings.Fields applied to every line of a file, without the per-line arrays and regular
// expression runs of `text.split('\n').map(goFields)`: a host scrape parses a few hundred lines
// of /proc/vmstat, /proc/meminfo and /proc/net/snmp6 every time, and that garbage was a fifth of
// what a scrape allocated (each young-generation collection is CPU the agent spends per scrape).
//
// Contract: `fn` receives exactly goFields(line) for each line of `text.split('\n')`, in order,
// in an array that is reused for the next line (copy what you keep). Only the field strings are
// allocated.

/** Go's unicode.IsSpace, for one UTF-16 code unit (all of Go's spaces are in the BMP). */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function forEachLineFields(text: string, fn: (fields: string[]) => void): void {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    fields.length = 0;
    let start = -1;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) break;
      if (isGoSpace(c)) {
        if (start >= 0) {
          fields.push(text.slice(start, i));
          start = -1;
        }
      } else if (start < 0) start = i;
    }
    if (start >= 0) fields.push(text.slice(start, i));
    fn(fields);
    if (i >= n) return;
    i++; // past the newline
  }
}

/**
 * The Go fields (strings.Fields) of one line, one at a time and as offsets: a caller reads only
 * the fields it needs and slices only those it keeps.
 */
export class FieldCursor {
  private text = '';
  private end = 0;
  private pos = 0;
  /** The current field is text[start, stop). */
  start = 0;
  stop = 0;

  /** Positions the cursor before the first field of text[from, end). */
  reset(text: string, from: number, end: number): void {
    this.text = text;
    this.pos = from;
    this.end = end;
  }

  /** Moves to the next field; false when the line has no more. */
  next(): boolean {
    const { text, end } = this;
    let i = this.pos;
    while (i < end && isGoSpace(text.charCodeAt(i))) i++;
    if (i >= end) {
      this.pos = end;
      return false;
    }
    this.start = i;
    while (i < end && !isGoSpace(text.charCodeAt(i))) i++;
    this.stop = i;
    this.pos = i;
    return true;
  }

  /** The current field as a string. */
  field(): string {
    return this.text.slice(this.start, this.stop);
  }
}

/**
 * Calls `fn` with a cursor on each line of `text.split('\n')` and the line's index. The cursor is
 * reused: read it during the call only.
 */
export function forEachLine(text: string, fn: (line: FieldCursor, index: number) => void): void {
  const cursor = new FieldCursor();
  let from = 0;
  for (let index = 0; ; index++) {
    let end = text.indexOf('\n', from);
    const last = end < 0;
    if (last) end = text.length;
    cursor.reset(text, from, end);
    fn(cursor, index);
    if (last) return;
    from = end + 1;
  }
}

/**
 * The first field of each line, remembered by line index: a kernel file whose names do not change
 * between reads (/proc/vmstat, /proc/net/snmp6) yields the same string objects every time, found
 * by comparing characters instead of allocating a new string per line. Bounded by MAX_LINES.
 */
export class FirstFieldMemo {
  private static readonly MAX_LINES = 4096;
  private readonly names: string[] = [];

  /** The current field of `line` (a cursor just moved to a line's first field) as a string. */
  name(text: string, line: FieldCursor, index: number): string {
    const known = this.names[index];
    const len = line.stop - line.start;
    if (known !== undefined && known.length === len && text.startsWith(known, line.start)) return known;
    const name = line.field();
    if (index < FirstFieldMemo.MAX_LINES) this.names[index] = name;
    return name;
  }
}
