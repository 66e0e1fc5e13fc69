// `${env:VAR}` expansion, as the Collector does it, applied to parsed YAML scalars (never to
// raw text, so an environment value can't inject YAML structure).
//   ${env:VAR}            the variable's value ("" with a warning when unset)
//   ${env:VAR:-default}   the default when VAR is unset or empty
//   $$                    a literal "$"
// A scalar that is exactly one reference takes the value's YAML type (so `port: ${env:PORT}`
// is a number); a reference inside a longer string is substituted as text.
import { parse as parseYamlScalar } from 'yaml';

const MAX_DEPTH = 64;
const REF = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export interface ExpandResult {
  value: unknown;
  /** Variables that were referenced but not set (and had no default). */
  missing: string[];
}

export function expandEnv(value: unknown, env: NodeJS.ProcessEnv = process.env): ExpandResult {
  const missing = new Set<string>();
  const lookup = (name: string, dflt: string | undefined): string => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (dflt !== undefined) return dflt;
    missing.add(name);
    return '';
  };
  const walk = (v: unknown, depth = 0): unknown => {
    // A recursive YAML alias (`a: &a [*a]`) yields a cyclic value; real configs are shallow.
    if (depth > MAX_DEPTH)
      throw new RangeError(`configuration nests deeper than ${MAX_DEPTH} levels (a recursive alias?)`);
    if (typeof v === 'string') {
      const whole = WHOLE.exec(v);
      if (whole) {
        const text = lookup(whole[1]!, whole[2]);
        return scalarFromEnv(text);
      }
      if (!v.includes('$')) return v;
      return v.replace(REF, (m, name: string | undefined, dflt: string | undefined) =>
        m === '$$' ? '$' : lookup(name!, dflt),
      );
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
      return out;
    }
    return v;
  };
  return { value: walk(value), missing: [...missing] };
}

/** A whole-value reference takes the YAML scalar type of the text (number, bool, null, string). */
function scalarFromEnv(text: string): unknown {
  if (text === '') return '';
  try {
    const v: unknown = parseYamlScalar(text);
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return v;
  } catch {
    // not a plain scalar: keep it as text
  }
  return text;
}
