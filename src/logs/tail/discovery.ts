// Finds the files include globs name, every poll, without re-reading directories that have not
// changed. Node's globSync re-listed all 2,001 directories of a 1,000-pod node each time (50 ms of
// CPU per poll, a quarter of a core at the 200 ms poll interval); here a poll stats each directory
// and lists only those whose modification time moved (an entry added, removed or renamed).
//
// Contracts:
// - Patterns are absolute paths whose segments may hold `*`, `?` and `[...]` (not across `/`;
//   a leading `.` is matched only by a pattern segment starting with `.`). A pattern with `**`
//   or `{` is handed to globSync unchanged (uncached).
// - A listing is reused only when the directory's mtime is unchanged and was already 2 s old when
//   it was listed: a change in the same clock tick as the listing cannot hide (coarse-mtime file
//   systems, the "racy timestamp" problem).
// - `changed` names the directories listed this time: a file in a directory that was not
//   re-listed is the same file it was (a rename or a replacement changes the directory's mtime).
// - Unreadable or vanished directories are skipped, never thrown.
import { globSync, readdirSync, statSync, type Dirent } from 'node:fs';

interface Listing {
  mtimeMs: number;
  listedAt: number;
  entries: Dirent[];
}

interface Compiled {
  /** Directory to start from (no wildcard in it). */
  base: string;
  /** One matcher per remaining segment. */
  segments: ((name: string) => boolean)[];
}

const RACY_MS = 2000;

function segmentMatcher(segment: string): (name: string) => boolean {
  if (!/[*?[]/.test(segment)) return (name) => name === segment;
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`);
  const dotOk = segment.startsWith('.');
  return (name) => (dotOk || name.charCodeAt(0) !== 46) && rx.test(name);
}

function compile(pattern: string): Compiled | undefined {
  if (!pattern.startsWith('/') || pattern.includes('**') || pattern.includes('{')) return undefined;
  const parts = pattern.split('/').filter((p) => p !== '');
  const first = parts.findIndex((p) => /[*?[]/.test(p));
  if (first < 0) {
    // No wildcard: the file itself, found by listing its directory.
    const name = parts.pop()!;
    return { base: `/${parts.join('/')}`, segments: [segmentMatcher(name)] };
  }
  return { base: `/${parts.slice(0, first).join('/')}`, segments: parts.slice(first).map(segmentMatcher) };
}

export interface Found {
  paths: string[];
  /** Directories listed afresh this time. */
  changed: Set<string>;
}

export class GlobCache {
  private readonly compiled: (Compiled | string)[];
  private listings = new Map<string, Listing>();
  /** Directories listed (not served from cache) since the cache was made; for tests and stats. */
  listed = 0;

  constructor(patterns: string[]) {
    this.compiled = patterns.map((p) => compile(p) ?? p);
  }

  find(now = Date.now()): Found {
    const out = new Set<string>();
    const changed = new Set<string>();
    const visited = new Map<string, Listing>();
    for (const c of this.compiled) {
      if (typeof c === 'string') {
        for (const p of globSync(c)) out.add(p);
        continue;
      }
      this.walk(c.base, c.segments, 0, out, changed, visited, now);
    }
    this.listings = visited; // directories no longer reached are forgotten
    return { paths: [...out].sort(), changed };
  }

  private walk(
    dir: string,
    segments: ((name: string) => boolean)[],
    depth: number,
    out: Set<string>,
    changed: Set<string>,
    visited: Map<string, Listing>,
    now: number,
  ): void {
    const listing = visited.get(dir) ?? this.list(dir, changed, now);
    if (listing === undefined) return;
    visited.set(dir, listing);
    const match = segments[depth]!;
    const last = depth === segments.length - 1;
    const prefix = dir === '/' ? '/' : `${dir}/`;
    for (const e of listing.entries) {
      if (!match(e.name)) continue;
      if (last) {
        if (e.isFile() || e.isSymbolicLink()) out.add(prefix + e.name);
      } else if (e.isDirectory() || e.isSymbolicLink()) {
        this.walk(prefix + e.name, segments, depth + 1, out, changed, visited, now);
      }
    }
  }

  private list(dir: string, changed: Set<string>, now: number): Listing | undefined {
    let mtimeMs: number;
    try {
      const st = statSync(dir, { throwIfNoEntry: false });
      if (st === undefined || !st.isDirectory()) return undefined;
      mtimeMs = st.mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.listings.get(dir);
    if (cached && cached.mtimeMs === mtimeMs && cached.listedAt - mtimeMs > RACY_MS) return cached;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    this.listed++;
    changed.add(dir);
    return { mtimeMs, listedAt: now, entries };
  }
}
