// A log record's severity, read from what the application wrote (the runtime does not say):
// a JSON object's level field, or a level word / klog letter near the start of the line.
//
// Contracts:
// - Never throws; { number: 0, text: '' } (unspecified) when nothing says.
// - Cheap for the common line that says nothing recognizable: JSON.parse only for lines that
//   start with "{" and mention a level key; the prefix scan looks at the first 48 characters.
// - Numbers are OpenTelemetry SeverityNumber: TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17,
//   FATAL 21; text is the word as the application wrote it (klog: INFO, WARNING, ERROR, FATAL).

export interface Severity {
  number: number;
  text: string;
}

export const UNSPECIFIED: Severity = { number: 0, text: '' };

/** Level words (lower case) → SeverityNumber. */
const WORDS: ReadonlyMap<string, number> = new Map([
  ['trace', 1],
  ['trc', 1],
  ['debug', 5],
  ['dbg', 5],
  ['verbose', 5],
  ['info', 9],
  ['inf', 9],
  ['information', 9],
  ['informational', 9],
  ['notice', 10],
  ['warn', 13],
  ['wrn', 13],
  ['warning', 13],
  ['error', 17],
  ['err', 17],
  ['eror', 17],
  ['critical', 21],
  ['crit', 21],
  ['fatal', 21],
  ['ftl', 21],
  ['panic', 21],
  ['alert', 22],
  ['emerg', 23],
  ['emergency', 23],
]);

/** pino / bunyan numeric levels. */
function fromNumber(n: number): number {
  if (n >= 60) return 21;
  if (n >= 50) return 17;
  if (n >= 40) return 13;
  if (n >= 30) return 9;
  if (n >= 20) return 5;
  if (n >= 10) return 1;
  return 0;
}

// The first level field and its value, without parsing the whole object (a JSON.parse per line
// was the receiver's largest cost): a string of up to 24 characters or a number. Keys inside
// string values cannot match — their quotes are escaped there.
const JSON_LEVEL =
  /"(?:level|severity|lvl|loglevel|log\.level|@l|levelname|severity_text)"\s*:\s*(?:"([^"\\]{1,24})"|(-?\d+(?:\.\d+)?)[\s,}])/;

function fromJson(message: string): Severity | undefined {
  const m = JSON_LEVEL.exec(message);
  if (m === null) return undefined;
  if (m[2] !== undefined) {
    const n = Number(m[2]);
    const number = fromNumber(n);
    return number > 0 ? { number, text: m[2] } : undefined;
  }
  const level = m[1]!;
  const number = WORDS.get(level.toLowerCase());
  return number !== undefined ? { number, text: level } : undefined;
}

const KLOG: Record<string, Severity> = {
  I: { number: 9, text: 'INFO' },
  W: { number: 13, text: 'WARNING' },
  E: { number: 17, text: 'ERROR' },
  F: { number: 21, text: 'FATAL' },
};

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** klog's header: "I0622 10:27:25.813799 ...". */
function fromKlog(m: string): Severity | undefined {
  const s = KLOG[m[0]!];
  if (!s || m.length < 6 || m[5] !== ' ') return undefined;
  for (let i = 1; i < 5; i++) if (!isDigit(m.charCodeAt(i))) return undefined;
  return s;
}

/**
 * A level word standing alone near the start: "INFO ...", "[warn] ...", "level=error ...",
 * "2024-01-01T00:00:00Z ERROR ...", "<time> | DEBUG | ...". Words inside other words do not count.
 */
function fromWords(m: string): Severity | undefined {
  const end = Math.min(m.length, 48);
  let i = 0;
  while (i < end) {
    const c = m.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < m.length && isLetter(m.charCodeAt(j))) j++;
    if (j - i >= 3 && j - i <= 13) {
      const word = m.slice(i, j);
      const number = WORDS.get(word.toLowerCase());
      // "level=warn" / "severity: info" or a word that is upper case or bracketed: a level, not prose.
      const before = i > 0 ? m[i - 1] : '';
      const upper = word === word.toUpperCase();
      if (number !== undefined && (upper || before === '[' || before === '=' || before === '"' || i === 0))
        return { number, text: word };
    }
    i = j;
  }
  return undefined;
}

export function severityOf(message: string): Severity {
  if (message.length === 0) return UNSPECIFIED;
  if (message.charCodeAt(0) === 123 /* { */) return fromJson(message) ?? UNSPECIFIED;
  return fromKlog(message) ?? fromWords(message) ?? UNSPECIFIED;
}
