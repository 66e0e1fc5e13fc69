// A byte-size option: a number of bytes or a string with a unit, e.g. "50GiB", "500MB", "1.5Ti".
// Units are case-insensitive: k, M, G, T, P (optionally followed by B) are powers of 1000; Ki, Mi, Gi,
// Ti, Pi (optionally followed by B) powers of 1024, as in Kubernetes quantities. Comes out as an integer
// number of bytes (rounded to the nearest byte).
import { z } from 'zod';

const MULTIPLIER: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  p: 1e15,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
  pi: 2 ** 50,
};

/** Parses "50GiB", "500 MB", "1024", "1.5Ti" into bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgtp]i?)?b?$/i.exec(text.trim());
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * MULTIPLIER[(m[2] ?? '').toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * The zod schema of a byte-size option. The number branch is an integer so the generated docs
 * show "integer | string" (a number|string union is what they render as a duration).
 */
export const byteSize = () =>
  z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const bytes = parseByteSize(v);
    if (bytes === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a size in bytes such as 1073741824, "500MB" or "50GiB", got "${v}"`,
      });
      return z.NEVER;
    }
    return bytes;
  });
