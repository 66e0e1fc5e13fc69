// How a line relates to the entry before it, for automatic multi-line grouping: stack traces of
// Java (and the JVM languages), Python, Go, Node.js and .NET, and indented continuation lines.
//
// The rules follow what those runtimes print (checked against their formats, not guessed from
// one example):
// - Java / .NET: a header `fully.qualified.SomeException: message` (or `…Error`, `…Throwable`),
//   frames indented (`\tat …`, `   at … in file:line N`), `Caused by: …`, `\t... N more`,
//   ` ---> Inner.Exception: …`, `--- End of inner exception stack trace ---`.
// - Python: `Traceback (most recent call last):`, indented `File …` lines and source lines, then
//   the unindented `module.ErrorType: message` that ends it; chained tracebacks joined by a blank
//   line, `During handling of the above exception, another exception occurred:` or
//   `The above exception was the direct cause of the following exception:`.
// - Go: `panic: …` / `fatal error: …` / `goroutine N [state]:` then unindented function lines
//   `pkg.Func(…)`, tab-indented `/path/file.go:N +0x…`, `created by …`, `[signal …`, blank lines.
// - Node.js: `Error: …` / `TypeError: …` (any `…Error` / `…Exception` name), frames `    at …`.
// - Any indented line continues the entry before it (YAML-ish dumps, wrapped messages).
//
// A JSON line (`{…}`) is always an entry of its own: structured loggers write one object per line.

/** What the grouper is inside of; decides which unindented lines still continue. */
export type TraceKind = 'none' | 'python' | 'python-end' | 'go';

export type LineClass =
  /** Starts a new entry (and may start a trace). */
  | { start: true; kind: TraceKind; header: boolean }
  /** Belongs to the entry before it. */
  | { start: false; kind: TraceKind };

const TAB = 9;
const SPACE = 32;
const BRACE = 123;

// `a.b.C…Exception: …` — a JVM or .NET exception header (at least one package dot).
const JVM_HEADER =
  /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Fault)(?::\s.*|:?\s*)$/;
// `TypeError: …`, `Error [ERR_X]: …`, `Uncaught RangeError: …` — a Node.js error header.
const NODE_HEADER = /^(?:Uncaught\s+)?[A-Z]?[A-Za-z]*(?:Error|Exception)(?:\s\[[\w-]+\])?:\s/;
// `module.ValueError: …`, `KeyError: 'x'`, `StopIteration` — the last line of a Python traceback.
const PYTHON_END = /^[A-Za-z_][\w.]*(?::.*)?$/;
// `main.main()`, `net/http.(*conn).serve(0xc000…)` — a Go frame's function line.
const GO_FUNC = /^[\w./*()[\]{}<>$%-]+\(.*\)$/;

const startsTrace = (kind: TraceKind): LineClass => ({ start: true, kind, header: true });
const plainStart: LineClass = { start: true, kind: 'none', header: false };

/** Classifies `line` given the trace the entry before it is in (`kind`). */
export function classify(line: string, kind: TraceKind): LineClass {
  const c0 = line.charCodeAt(0);
  if (c0 === TAB || c0 === SPACE) {
    // Indented: continues anything (a frame, a source line, a wrapped message) — unless blank.
    if (line.trim() === '') return blank(kind);
    return { start: false, kind: kind === 'python-end' ? 'python' : kind };
  }
  if (line.length === 0) return blank(kind);
  if (c0 === BRACE) return plainStart;
  switch (kind) {
    case 'python':
      // The unindented line after the frames ends the traceback.
      if (line.startsWith('Traceback (most recent call last):')) return { start: false, kind: 'python' };
      if (PYTHON_END.test(line)) return { start: false, kind: 'python-end' };
      break;
    case 'python-end':
      if (
        line.startsWith('During handling of the above exception') ||
        line.startsWith('The above exception was the direct cause')
      )
        return { start: false, kind: 'python-end' }; // a blank line and the next traceback follow
      if (line.startsWith('Traceback (most recent call last):')) return { start: false, kind: 'python' };
      break;
    case 'go':
      if (
        line.startsWith('goroutine ') ||
        line.startsWith('created by ') ||
        line.startsWith('[signal ') ||
        line.startsWith('exit status ') ||
        GO_FUNC.test(line)
      )
        return { start: false, kind: 'go' };
      break;
    case 'none':
      break;
  }
  // Lines that continue a JVM / .NET trace wherever they appear.
  if (line.startsWith('Caused by: ') || line.startsWith('--- End of ')) return { start: false, kind };
  if (line.startsWith('Traceback (most recent call last):')) return startsTrace('python');
  if (line.startsWith('Exception in thread ')) return startsTrace('none');
  if (line.startsWith('panic: ') || line.startsWith('fatal error: ')) return startsTrace('go');
  if (line.startsWith('goroutine ') && line.endsWith(':')) return startsTrace('go');
  if (c0 >= 65 && c0 <= 122 && headerShaped(line) && (JVM_HEADER.test(line) || NODE_HEADER.test(line)))
    return startsTrace('none');
  return plainStart;
}

/**
 * A cheap pre-check for the header patterns (most lines are not headers and the regular
 * expressions cost more than the rest of the grouping): the first word ends with ':', is
 * followed by a `[code]`, is the whole line, or is `Uncaught`.
 */
function headerShaped(line: string): boolean {
  const sp = line.indexOf(' ');
  if (sp < 0) return true;
  return (
    line.charCodeAt(sp - 1) === 58 /* : */ ||
    line.charCodeAt(sp + 1) === 91 /* [ */ ||
    line.startsWith('Uncaught ')
  );
}

/** A blank line continues a Python traceback chain or a Go panic; elsewhere it stands alone. */
function blank(kind: TraceKind): LineClass {
  if (kind === 'python-end' || kind === 'go') return { start: false, kind };
  return plainStart;
}
