// Kubernetes resource quantities ("250m", "1Gi", "1.5e3") as numbers, with
// apimachinery's rounding: Value() and MilliValue() round up to the next integer.
// Exact arithmetic (BigInt) so "0.1" and "100m" agree and large byte counts are exact.

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

interface Parsed {
  negative: boolean;
  /** The digits as an integer; the value is digits × 10^pow10 × 2^pow2. */
  digits: bigint;
  pow10: number;
  pow2: number;
}

function parse(q: string | number): Parsed | undefined {
  if (typeof q === 'number') q = String(q);
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, sign, int = '', frac = '', suffix, exp] = m;
  if (int === '' && frac === '') return undefined;
  let pow10 = -frac.length;
  let pow2 = 0;
  if (suffix !== undefined) {
    if (suffix in BINARY) pow2 = BINARY[suffix]!;
    else pow10 += DECIMAL[suffix]!;
  } else if (exp !== undefined) {
    pow10 += Number(exp);
  }
  return { negative: sign === '-', digits: BigInt(int + frac || '0'), pow10, pow2 };
}

/** The quantity × 10^scale, rounded up (away from zero for negatives, like apimachinery). */
function scaled(p: Parsed, scale: number): bigint {
  let n = p.digits << BigInt(p.pow2);
  const e = p.pow10 + scale;
  if (e >= 0) n *= 10n ** BigInt(e);
  else {
    const d = 10n ** BigInt(-e);
    n = (n + d - 1n) / d;
  }
  return p.negative ? -n : n;
}

/** Quantity.Value(): integer, rounded up. NaN when `q` is not a quantity. */
export function quantityValue(q: string | number | undefined): number {
  const p = q === undefined ? undefined : parse(q);
  return p ? Number(scaled(p, 0)) : NaN;
}

/** Quantity.MilliValue(): thousandths, rounded up. */
export function quantityMilliValue(q: string | number | undefined): number {
  const p = q === undefined ? undefined : parse(q);
  return p ? Number(scaled(p, 3)) : NaN;
}

/** apimachinery's MaxMilliValue: above it MilliValue overflows int64 and Value() is used. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

/**
 * kube-state-metrics' convertValueToFloat64: MilliValue()/1000 (so "250m" → 0.25), or Value()
 * for quantities too large for milli precision.
 */
export function quantityFloat(q: string | number | undefined): number {
  const p = q === undefined ? undefined : parse(q);
  if (!p) return NaN;
  const v = scaled(p, 0);
  if (v > MAX_MILLI_VALUE) return Number(v);
  return Number(scaled(p, 3)) / 1000;
}

export function isQuantity(q: unknown): q is string | number {
  return (typeof q === 'string' || typeof q === 'number') && parse(q) !== undefined;
}
