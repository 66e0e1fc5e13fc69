// A small, strict parser of the Prometheus text exposition format (0.0.4), for tests and
// benchmarks that compare our /metrics/node with node_exporter's (test-only: the product never
// parses expositions). Strict on purpose: a line it cannot read is an error with its line
// number, so a malformed exposition fails the comparison instead of being half-compared.
//
// Grouping: a sample belongs to the family named by the last `# TYPE` / `# HELP` when its name is
// that family's name or, for summaries and histograms, the name plus _sum, _count or _bucket;
// any other sample starts a family of its own (untyped, no help). A family whose samples appear
// in two places is one family (samples in order of appearance).

export interface ParsedSample {
  /** The sample's own name (differs from the family's for _sum/_count/_bucket). */
  name: string;
  labels: [string, string][];
  value: number;
  timestampMs?: number;
}

export interface ParsedFamily {
  name: string;
  /** '' when the exposition has no HELP line for it. */
  help: string;
  /** counter, gauge, untyped, summary, histogram; 'untyped' when there is no TYPE line. */
  type: string;
  samples: ParsedSample[];
}

export class ExpositionParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string, text: string) {
    super(`line ${line}: ${message}: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
    this.name = 'ExpositionParseError';
    this.line = line;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'untyped', 'summary', 'histogram']);
const SUFFIXES = ['_sum', '_count', '_bucket'];

/** The families of an exposition, in order of first appearance. */
export function parseExposition(text: string): ParsedFamily[] {
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  const familyFor = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, help: '', type: 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const no = i + 1;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) continue; // any other comment
      const [, kw, name, rest = ''] = m;
      if (!NAME.test(name!) || NAME.exec(name!)![0] !== name)
        throw new ExpositionParseError(no, 'bad metric name', line);
      const f = familyFor(name!);
      if (kw === 'HELP') f.help = unescapeHelp(rest);
      else {
        const type = rest.trim();
        if (!TYPES.has(type)) throw new ExpositionParseError(no, `unknown type "${type}"`, line);
        if (f.samples.length > 0)
          throw new ExpositionParseError(no, 'TYPE after the samples of its family', line);
        f.type = type;
      }
      current = f;
      continue;
    }
    const s = parseSample(line, no);
    let f: ParsedFamily;
    if (current && belongs(s.name, current)) f = current;
    else {
      f = familyFor(s.name);
      current = f;
    }
    f.samples.push(s);
  }
  return [...families.values()];
}

function belongs(sample: string, f: ParsedFamily): boolean {
  if (sample === f.name) return true;
  if (f.type !== 'summary' && f.type !== 'histogram') return false;
  return SUFFIXES.some((x) => sample === f.name + x);
}

function parseSample(line: string, no: number): ParsedSample {
  const nm = NAME.exec(line);
  if (!nm) throw new ExpositionParseError(no, 'no metric name', line);
  const name = nm[0];
  let pos = name.length;
  const labels: [string, string][] = [];
  if (line[pos] === '{') {
    pos++;
    const seen = new Set<string>();
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const ln = LABEL_NAME.exec(line.slice(pos));
      if (!ln) throw new ExpositionParseError(no, 'bad label name', line);
      const key = ln[0];
      pos = skipSpaces(line, pos + key.length);
      if (line[pos] !== '=') throw new ExpositionParseError(no, `no "=" after label ${key}`, line);
      pos = skipSpaces(line, pos + 1);
      if (line[pos] !== '"') throw new ExpositionParseError(no, `label ${key} has no quoted value`, line);
      pos++;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new ExpositionParseError(no, `unterminated value of label ${key}`, line);
        pos++;
        if (c === '"') break;
        if (c !== '\\') {
          value += c;
          continue;
        }
        const e = line[pos++];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new ExpositionParseError(no, `bad escape in label ${key}`, line);
      }
      if (seen.has(key)) throw new ExpositionParseError(no, `label ${key} repeated`, line);
      seen.add(key);
      labels.push([key, value]);
      pos = skipSpaces(line, pos);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}')
        throw new ExpositionParseError(no, 'expected "," or "}" after a label', line);
    }
  }
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) throw new ExpositionParseError(no, 'no value', line);
  const parts = rest.trim().split(/[ \t]+/);
  if (parts.length > 2) throw new ExpositionParseError(no, 'text after the timestamp', line);
  const value = parseValue(parts[0]!);
  if (value === undefined) throw new ExpositionParseError(no, `bad value "${parts[0]}"`, line);
  const sample: ParsedSample = { name, labels, value };
  if (parts.length === 2) {
    if (!/^-?[0-9]+$/.test(parts[1]!))
      throw new ExpositionParseError(no, `bad timestamp "${parts[1]}"`, line);
    sample.timestampMs = Number(parts[1]);
  }
  return sample;
}

function skipSpaces(s: string, pos: number): number {
  while (s[pos] === ' ' || s[pos] === '\t') pos++;
  return pos;
}

/** Go's ParseFloat as the Prometheus text parser applies it (NaN, ±Inf spelled as Go writes them). */
function parseValue(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) return undefined;
  return Number(s);
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** A sample's labels as one comparable key (label order kept: both sides sort them the same way). */
export function labelKey(labels: readonly (readonly [string, string])[]): string {
  return labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
}
