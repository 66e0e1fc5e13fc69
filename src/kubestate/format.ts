// The Prometheus text exposition as kube-state-metrics writes it: Go's shortest `%g` for
// values, its escaping for label values and help text, `[STABLE] ` and deprecation prefixes.
import type { FamilyDef, Metric } from './types.ts';

/**
 * A float the way Go's strconv.FormatFloat(v, 'g', -1, 64) writes it: the shortest digits that
 * round-trip, in exponent form when the decimal exponent is < -4 or >= 6 (1e+06, 1.5e-05), with
 * at least two exponent digits. JavaScript's own toString switches only at 1e21 / 1e-7.
 */
export function formatValue(v: number): string {
  if (v === 1) return '1';
  if (v === 0) return '0';
  if (v === -1) return '-1';
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
  return s.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/** The help line's text: "[STABLE] " for stable families, then "(Deprecated since vX) ". */
export function helpText(f: Pick<FamilyDef<never>, 'help' | 'stability' | 'deprecatedVersion'>): string {
  let h = f.help;
  if (f.deprecatedVersion) h = `(Deprecated since ${f.deprecatedVersion}) ${h}`;
  if (f.stability === 'stable') h = `[STABLE] ${h}`;
  return h;
}

export type ExpositionFormat = 'text' | 'openmetrics';

/**
 * `# HELP` and `# TYPE` lines of a family. In the text format info and stateset families are
 * gauges (as kube-state-metrics rewrites them); in OpenMetrics a counter's family name drops
 * the `_total` its samples carry, and a counter without it is `unknown`.
 */
export function familyHeader(f: FamilyDef<never>, format: ExpositionFormat = 'text'): string {
  let name = f.name;
  let type: string = f.type;
  if (format === 'text') {
    if (type === 'info' || type === 'stateset') type = 'gauge';
  } else if (type === 'counter') {
    if (name.endsWith('_total')) name = name.slice(0, -6);
    else type = 'unknown';
  }
  return `# HELP ${name} ${escapeHelp(helpText(f))}\n# TYPE ${name} ${type}\n`;
}

/** Series lines of one family for one object: identifying labels first, then the metric's own. */
export function seriesLines(
  name: string,
  idKeys: readonly string[],
  idValues: readonly string[],
  metrics: readonly Metric[],
): string {
  let prefix = name;
  if (idKeys.length > 0) {
    prefix += '{';
    for (let i = 0; i < idKeys.length; i++) {
      if (i > 0) prefix += ',';
      prefix += `${idKeys[i]}="${escapeLabelValue(idValues[i] ?? '')}"`;
    }
  }
  let out = '';
  for (const m of metrics) {
    let line = prefix;
    if (m.keys.length > 0) {
      line += idKeys.length > 0 ? ',' : '{';
      for (let i = 0; i < m.keys.length; i++) {
        if (i > 0) line += ',';
        line += `${m.keys[i]}="${escapeLabelValue(m.values[i] ?? '')}"`;
      }
      line += '}';
    } else if (idKeys.length > 0) {
      line += '}';
    }
    out += `${line} ${formatValue(m.value)}\n`;
  }
  return out;
}
