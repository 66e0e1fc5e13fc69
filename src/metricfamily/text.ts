// The Prometheus text format's value and escaping rules as Go's client libraries write them
// (kube-state-metrics, node_exporter and the kubelet's cAdvisor endpoint all use them).

/**
 * A float the way Go's strconv.FormatFloat(v, 'g', -1, 64) writes it: the shortest digits that
 * round-trip, in exponent form when the decimal exponent is < -4 or >= 6 (1e+06, 1.5e-05), with
 * at least two exponent digits. JavaScript's own toString switches only at 1e21 / 1e-7.
 */
export function formatValue(v: number): string {
  if (v === 1) return '1';
  if (v === 0) return '0';
  if (v === -1) return '-1';
  // Integers below 1e6 print the same in both (most counters and gauges of small things).
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const e = v.toExponential(); // shortest round-trip digits: "-1.2345e+6"
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const mantissa = e.slice(0, at);
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v);
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** Label values escape backslash, newline and double quote. */
export function escapeLabelValue(s: string): string {
  if (typeof s !== 'string') s = s === undefined || s === null ? '' : String(s); // never trust a generator's types
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\n"]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\"'));
}

/** HELP text escapes backslash and newline only. */
export function escapeHelp(s: string): string {
  if (s.indexOf('\\') < 0 && s.indexOf('\n') < 0) return s;
  return s.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}
