// A canonical text of any stored value, so unordered read-backs can be sorted and compared
// item by item (object key order is ignored; bigint, NaN, -0, ±Infinity and byte arrays are spelled distinctly).
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0))) return `num:${Object.is(x, -0) ? '-0' : x}`;
    if (x instanceof Uint8Array) return `hex:${Buffer.from(x).toString('hex')}`;
    // Key order is not part of the value: sort it so equal objects have equal texts.
    if (x !== null && typeof x === 'object' && !Array.isArray(x))
      return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return x;
  });
}

/** Both lists sorted by their canonical text (for an order-insensitive deepEqual). */
export function sortedPair<T>(got: T[], want: T[]): [T[], T[]] {
  const by = (a: T, b: T): number => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0);
  return [[...got].sort(by), [...want].sort(by)];
}
