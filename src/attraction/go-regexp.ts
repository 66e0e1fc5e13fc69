// Collector configurations carry regular expressions in Go's RE2 syntax. Most of it is valid
// JavaScript as written; this translates the Go-only spellings users copy from Collector docs
// (e.g. the attributes processor's `(?P<name>...)` example), so such configs keep working:
//   (?P<name>…)  → (?<name>…)        named group, Go's classic spelling
//   leading (?i) / (?s) / (?m) / (?is) … → RegExp flags
//   \A → ^ and \z → $               (Go's `$` without (?m) is already end of text, like JS)
// Anything JavaScript cannot express throws with the pattern in the message.

const FLAG_MAP: Record<string, string> = { i: 'i', s: 's', m: 'm' };

/** Compiles a Go/RE2-style pattern. Throws (SyntaxError) when it is not valid. */
export function compileGoRegexp(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      const js = FLAG_MAP[f];
      if (!js) throw new SyntaxError(`Invalid regular expression: /${pattern}/: unsupported flag (?${f})`);
      if (!flags.includes(js)) flags += js;
    }
    src = src.slice(lead[0].length);
  }
  // Only rewrite unescaped sequences: an odd number of backslashes before them means "literal".
  src = src.replace(/(?<!\\)((?:\\\\)*)\(\?P</g, '$1(?<');
  src = src.replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^');
  src = src.replace(/(?<!\\)((?:\\\\)*)\\z/g, '$1$');
  return new RegExp(src, flags);
}

/** Number of capture groups in a compiled pattern, and how many of them are named. */
export function captureGroups(re: RegExp): { total: number; named: number } {
  // An alternative that matches the empty string makes exec report every group (as undefined).
  const m = new RegExp(`${re.source}|`, re.flags).exec('')!;
  return { total: m.length - 1, named: Object.keys(m.groups ?? {}).length };
}
