// Follows log files: finds them by glob every poll, reads new complete lines, hands them to a
// consumer in bounded batches, and remembers — only once the consumer has acknowledged a batch —
// how far each file was read (checkpoints.ts), so lines are neither lost nor repeated across
// rotation and restarts.
//
// Contracts:
// - Identity is the fingerprint (fingerprint.ts), not the path: a file renamed out of the include
//   globs (the kubelet's 0.log → 0.log.<time>) is read to its end through the descriptor already
//   held, then closed; a file whose size drops below the read offset was truncated in place
//   (copytruncate) and is read again from 0.
// - Files found after start are read from their beginning; on a first start (no checkpoints),
//   files that already existed start at their end unless startAt is 'beginning'. With
//   checkpoints, a known file resumes at its acknowledged offset, also when it was rotated while
//   the tailer was stopped (its rotated sibling `<name>.<suffix>` is found and finished first).
// - A batch holds complete lines only (without "\n"; a "\r" before it stays for the parser;
//   invalid UTF-8 becomes U+FFFD). A partial last line waits for its newline. A line longer than
//   maxLineBytes is handed over cut at that size and the rest of it skipped (counted).
// - Back-pressure: when the consumer rejects a batch, the poll stops; the same lines are offered
//   again at the next poll (the files are the buffer). One batch in flight at a time.
// - Partial acknowledgement: a consumer that holds some lines back (an entry waiting for its
//   continuation) resolves with the offset everything before which it has passed on; the
//   checkpoint stops there until acknowledge(file, offset) moves it on. Reading goes on past it.
//   A rotated-out file stays open until it is both read and acknowledged to its end.
// - Bounded: at most maxFiles open files (others wait for a free slot, oldest first), batches of
//   at most maxBatchLines lines / maxBatchBytes bytes, one read buffer.
// - Never throws out of poll() for a file's trouble (vanished, unreadable): counted in
//   stats.readErrors and retried next poll.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, matchesGlob } from 'node:path';
import { CheckpointStore, type Checkpoint } from './checkpoints.ts';
import { GlobCache } from './discovery.ts';
import { DEFAULT_FINGERPRINT_SIZE, readFingerprint, sameFile } from './fingerprint.ts';

export interface TailOptions {
  include: string[];
  exclude?: string[];
  startAt?: 'end' | 'beginning';
  fingerprintSize?: number;
  maxLineBytes?: number;
  maxBatchLines?: number;
  maxBatchBytes?: number;
  maxFiles?: number;
  /** Directory of the checkpoint file. */
  checkpointDir: string;
  /** At most one checkpoint write per this many ms (and one at stop). Default 1000. */
  checkpointEveryMs?: number;
  /**
   * Where to really start reading a file that would start at `offset` (its checkpoint, 0 for a
   * new file): a consumer that knows more of it is stored already (a persistent queue's source
   * positions) returns a later offset. Must be at a line start.
   */
  resume?: (file: TailedFile, offset: number) => number;
  /**
   * Look for new, renamed and deleted files at most this often (ms; default 0: every poll).
   * Open files are read every poll regardless; a file is never missed, only found later.
   */
  discoverEveryMs?: number;
}

/** A file as the tailer follows it: the same object for the file's whole life in the tailer. */
export interface TailedFile {
  readonly path: string;
  readonly ino: number;
  /** Its first bytes (up to fingerprintSize; grows with a young file). */
  readonly fingerprint: Buffer;
}

export interface Batch {
  file: TailedFile;
  path: string;
  lines: string[];
  /** File offset just after each line's newline (for a consumer that acknowledges part of a batch later). */
  lineEnds: number[];
  startOffset: number;
  endOffset: number;
}

/**
 * Resolves once the batch's lines are passed on — with nothing (all of them) or with the file
 * offset before which they are (the start of the first line still held back); rejects to refuse
 * the batch (it is offered again).
 */
export type BatchConsumer = (batch: Batch) => Promise<number | void>;

export interface TailStats {
  filesOpen: number;
  bytesRead: number;
  linesRead: number;
  linesTruncated: number;
  readErrors: number;
  checkpointWrites: number;
  checkpointFailures: number;
  /** Bytes skipped at open because the consumer had them stored already (options.resume). */
  resumedBytes: number;
  /** Bytes written to each open file and not yet acknowledged. */
  lagBytes: Map<string, number>;
}

interface Reader extends TailedFile {
  path: string;
  fd: number;
  ino: number;
  fingerprint: Buffer;
  /** Read offset: lines before it were handed to the consumer. */
  offset: number;
  /** Acknowledged offset (≤ handed): what the checkpoint says. */
  acked: number;
  /** End of the lines handed to the consumer (≥ offset while a batch is being consumed). */
  handed: number;
  /** No longer matched by the globs (renamed or deleted): read to the end, then closed. */
  gone: boolean;
  /** Inside an over-long line that was already delivered cut: skip to its newline. */
  skipping: boolean;
  /** Let go (closed): acknowledgements for it are ignored. */
  closed?: boolean;
}

const READ_CHUNK = 256 * 1024;

export class FileTailer {
  readonly stats: TailStats = {
    filesOpen: 0,
    bytesRead: 0,
    linesRead: 0,
    linesTruncated: 0,
    readErrors: 0,
    checkpointWrites: 0,
    checkpointFailures: 0,
    resumedBytes: 0,
    lagBytes: new Map(),
  };
  private readonly o: Required<Omit<TailOptions, 'exclude' | 'resume'>> &
    Pick<TailOptions, 'resume'> & { exclude: string[] };
  private readonly consume: BatchConsumer;
  private readonly store: CheckpointStore;
  private readers: Reader[] = [];
  /** Checkpoints loaded at start that no open file has claimed yet. */
  private unclaimed: Checkpoint[] = [];
  private firstPoll = true;
  private hadCheckpoints = false;
  private lastSave = 0;
  private dirty = false;
  /** One read buffer; it holds a whole line of maxLineBytes, so an over-long line is seen as one. */
  private buf: Buffer;
  private polling: Promise<void> | undefined;
  private readonly globs: GlobCache;
  /** Whether each path seen last time is excluded (matchesGlob is slow; paths repeat). */
  private excludedPaths = new Map<string, boolean>();

  constructor(options: TailOptions, consume: BatchConsumer) {
    this.o = {
      exclude: [],
      startAt: 'end',
      fingerprintSize: DEFAULT_FINGERPRINT_SIZE,
      maxLineBytes: 1024 * 1024,
      maxBatchLines: 1000,
      maxBatchBytes: 1024 * 1024,
      maxFiles: 1024,
      checkpointEveryMs: 1000,
      discoverEveryMs: 0,
      ...options,
    };
    this.buf = Buffer.allocUnsafe(Math.max(READ_CHUNK, this.o.maxLineBytes + 1));
    this.consume = consume;
    this.store = new CheckpointStore(options.checkpointDir);
    this.globs = new GlobCache(this.o.include);
  }

  /** Loads the checkpoints; returns why they were unusable, if they were (then: a first start). */
  start(): string | undefined {
    const loaded = this.store.load();
    this.unclaimed = loaded.checkpoints;
    this.hadCheckpoints = loaded.checkpoints.length > 0;
    return loaded.error;
  }

  /** One round: discover, read and deliver. Concurrent calls share the round in progress. */
  poll(): Promise<void> {
    this.polling ??= this.round().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Waits for the round in progress, saves the checkpoints and closes every file. */
  async stop(): Promise<void> {
    await this.polling;
    this.save(true);
    for (const r of this.readers) this.close(r);
    this.readers = [];
  }

  private lastDiscover = -Infinity;

  private async round(): Promise<void> {
    const now = Date.now();
    if (this.firstPoll || now - this.lastDiscover >= this.o.discoverEveryMs) {
      this.lastDiscover = now;
      this.discover();
    }
    // Rotated-out files first: they hold the older lines of their container.
    const order = [...this.readers.filter((r) => r.gone), ...this.readers.filter((r) => !r.gone)];
    for (const r of order) {
      const ok = await this.drain(r);
      if (!ok) break; // back-pressure: the consumer refused; try again next poll
    }
    for (const r of this.readers.filter((x) => x.gone && !x.skipping && x.acked >= x.handed && this.atEnd(x)))
      this.drop(r);
    this.save(false);
  }

  /** Matched paths (sorted) and the directories listed afresh this time. */
  private matched(): { paths: string[]; changed: Set<string> } {
    const found = this.globs.find();
    const excluded = new Map<string, boolean>();
    const paths: string[] = [];
    for (const p of found.paths) {
      let x = this.excludedPaths.get(p);
      if (x === undefined) x = p.endsWith('.gz') || this.o.exclude.some((g) => matchesGlob(p, g));
      excluded.set(p, x);
      if (!x) paths.push(p);
    }
    this.excludedPaths = excluded;
    return { paths, changed: found.changed };
  }

  private discover(): void {
    const { paths, changed } = this.matched();
    const seen = new Set(paths);
    const active = new Map<string, Reader>();
    for (const r of this.readers) {
      if (r.gone) continue;
      if (!seen.has(r.path)) r.gone = true;
      else active.set(r.path, r);
    }
    for (const path of paths) {
      const current = active.get(path);
      // Its directory unchanged: no rename or replacement happened there, the file is the same.
      if (current && !changed.has(dirname(path))) continue;
      let ino: number;
      try {
        const st = statSync(path);
        if (!st.isFile()) continue;
        ino = st.ino;
      } catch {
        continue; // gone between listing and stat
      }
      if (current && current.ino === ino) continue;
      if (current) {
        current.gone = true; // replaced at the same path: the old one was rotated
        active.delete(path);
        let mtimeMs: number | undefined;
        try {
          mtimeMs = fstatSync(current.fd).mtimeMs;
        } catch {
          // keep undefined
        }
        this.openRotatedSiblings(path, { ino: current.ino, ...(mtimeMs !== undefined ? { mtimeMs } : {}) });
      }
      if (active.size >= this.o.maxFiles) continue; // waits for a slot
      const r = this.open(path, ino);
      if (r) active.set(path, r);
    }
    if (this.firstPoll) {
      this.finishRotatedWhileStopped(seen);
      // Checkpoints of files that are neither matched nor rotated copies: gone for good (pods
      // come and go); kept, they would pile up across restarts. A matched file still waiting
      // for a slot (maxFiles) keeps its own.
      const before = this.unclaimed.length;
      this.unclaimed = this.unclaimed.filter((c) => seen.has(c.path));
      if (this.unclaimed.length !== before) this.dirty = true;
    }
    this.firstPoll = false;
  }

  private open(path: string, ino: number): Reader | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      this.stats.readErrors++;
      return undefined;
    }
    const fingerprint = readFingerprint(fd, this.o.fingerprintSize);
    // Another open file with the same content start (a hard link, the copytruncate moment): once.
    if (fingerprint.length > 0 && this.readers.some((r) => sameFile(r.fingerprint, fingerprint))) {
      closeSync(fd);
      return undefined;
    }
    let offset = 0;
    const known = fingerprint.length > 0 ? this.claim(fingerprint) : undefined;
    if (known) offset = known.offset;
    else if (this.firstPoll && !this.hadCheckpoints && this.o.startAt === 'end') offset = fstatSync(fd).size;
    return this.follow({ path, fd, ino, fingerprint, offset, gone: false });
  }

  private claim(fingerprint: Buffer): Checkpoint | undefined {
    const i = this.unclaimed.findIndex((c) => sameFile(c.fingerprint, fingerprint));
    if (i < 0) return undefined;
    return this.unclaimed.splice(i, 1)[0];
  }

  /**
   * Checkpointed files not at a matched path any more: a rotated copy we were finishing (the
   * checkpoint names it) or a file rotated while we were stopped (found by its fingerprint among
   * `<path>.<suffix>`). Each is finished from its checkpoint, and the copies rotated after it,
   * never seen, are read whole.
   */
  private finishRotatedWhileStopped(matched: Set<string>): void {
    for (const c of [...this.unclaimed]) {
      if (!this.unclaimed.includes(c)) continue; // claimed meanwhile, as a later copy of another
      const dir = dirname(c.path);
      if (!matched.has(c.path) && this.openCheckpointed(c.path, c)) {
        const base = [...matched].find(
          (m) => dirname(m) === dir && basename(c.path).startsWith(`${basename(m)}.`),
        );
        if (base) this.openRotatedSiblings(base, { name: basename(c.path) });
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.startsWith(`${basename(c.path)}.`) || n.endsWith('.gz')) continue;
        if (!this.openCheckpointed(join(dir, n), c)) continue;
        // Rotated again while stopped: the copies after it were never seen.
        this.openRotatedSiblings(c.path, { name: n });
        break;
      }
    }
  }

  /** Opens `path` as a rotated-out file resuming at checkpoint `c`, if it is that file. */
  private openCheckpointed(path: string, c: Checkpoint): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return false;
    }
    const fp = readFingerprint(fd, this.o.fingerprintSize);
    if (!sameFile(fp, c.fingerprint) || this.readers.some((r) => sameFile(r.fingerprint, fp))) {
      closeSync(fd);
      return false;
    }
    this.unclaimed.splice(this.unclaimed.indexOf(c), 1);
    this.follow({ path, fd, ino: fstatSync(fd).ino, fingerprint: fp, offset: c.offset, gone: true });
    return true;
  }

  /**
   * Rotated copies of `path` (`<path>.<suffix>`, not .gz) that came after the one named `after`
   * (kubelet suffixes are times: name order is age order) — or, when that one cannot be found,
   * that were written after `after.mtimeMs` — and that no reader holds: opened as rotated-out
   * files to be read from their start (a checkpoint's offset when they have one). This is how a
   * file rotated more than once between two looks (or while stopped) is not missed.
   */
  private openRotatedSiblings(path: string, after: { name?: string; ino?: number; mtimeMs?: number }): void {
    const dir = dirname(path);
    const base = `${basename(path)}.`;
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => n.startsWith(base) && !n.endsWith('.gz'))
        .sort();
    } catch {
      return;
    }
    const held = new Set(this.readers.map((r) => r.ino));
    const stats = new Map<string, { ino: number; mtimeMs: number }>();
    for (const n of names) {
      try {
        const st = statSync(join(dir, n));
        if (st.isFile()) stats.set(n, { ino: st.ino, mtimeMs: st.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    let afterName = after.name;
    if (afterName === undefined && after.ino !== undefined)
      afterName = [...stats].find(([, s]) => s.ino === after.ino)?.[0];
    for (const [n, st] of stats) {
      if (
        afterName !== undefined ? n <= afterName : after.mtimeMs === undefined || st.mtimeMs < after.mtimeMs
      )
        continue;
      if (held.has(st.ino)) continue;
      let fd: number;
      try {
        fd = openSync(join(dir, n), 'r');
      } catch {
        continue;
      }
      const fingerprint = readFingerprint(fd, this.o.fingerprintSize);
      if (fingerprint.length === 0 || this.readers.some((r) => sameFile(r.fingerprint, fingerprint))) {
        closeSync(fd);
        continue;
      }
      const offset = this.claim(fingerprint)?.offset ?? 0;
      this.follow({ path: join(dir, n), fd, ino: st.ino, fingerprint, offset, gone: true });
      held.add(st.ino);
    }
  }

  /** Starts following an open file from `offset` (or past it: resumeAt). */
  private follow(f: Pick<Reader, 'path' | 'fd' | 'ino' | 'fingerprint' | 'offset' | 'gone'>): Reader {
    const r: Reader = { ...f, acked: f.offset, handed: f.offset, skipping: false };
    this.resumeAt(r);
    this.readers.push(r);
    this.stats.filesOpen++;
    return r;
  }

  /** Moves a reader past what the consumer says is stored already (options.resume). */
  private resumeAt(r: Reader): void {
    if (!this.o.resume || r.fingerprint.length === 0) return;
    let to: number;
    try {
      to = Math.min(this.o.resume(r, r.offset), fstatSync(r.fd).size);
    } catch {
      return;
    }
    if (to > r.offset) {
      this.stats.resumedBytes += to - r.offset;
      r.offset = r.acked = r.handed = to;
      this.dirty = true;
    }
  }

  private atEnd(r: Reader): boolean {
    try {
      return fstatSync(r.fd).size <= r.offset;
    } catch {
      return true;
    }
  }

  /** Delivers a file's complete lines in batches; false when the consumer refused one. */
  private async drain(r: Reader): Promise<boolean> {
    for (;;) {
      let size: number;
      try {
        size = fstatSync(r.fd).size;
      } catch {
        this.stats.readErrors++;
        return true;
      }
      if (size < r.offset) {
        // Truncated in place (copytruncate): the content is new.
        r.offset = 0;
        r.acked = 0;
        r.handed = 0;
        r.skipping = false;
        r.fingerprint = readFingerprint(r.fd, this.o.fingerprintSize);
        this.dirty = true;
      }
      if (r.fingerprint.length < this.o.fingerprintSize && size > r.fingerprint.length)
        r.fingerprint = readFingerprint(r.fd, this.o.fingerprintSize); // grown: a fuller identity
      this.stats.lagBytes.set(r.path, size - r.offset);
      if (size === r.offset) return true;
      const batch = this.readBatch(r, size);
      if (batch === undefined) return true; // only a partial line so far
      let acked: number | void = batch.endOffset;
      if (batch.lines.length > 0) {
        r.handed = batch.endOffset; // the consumer may acknowledge them before it returns
        try {
          acked = await this.consume(batch);
        } catch {
          r.handed = r.offset;
          return false;
        }
        this.stats.linesRead += batch.lines.length;
      }
      r.offset = batch.endOffset;
      r.handed = batch.endOffset;
      this.ack(r, acked ?? batch.endOffset);
      this.stats.lagBytes.set(r.path, size - r.offset);
      this.dirty = true;
    }
  }

  /** The next batch of complete lines from r.offset (not past `size`), or undefined for none. */
  private readBatch(r: Reader, size: number): Batch | undefined {
    const lines: string[] = [];
    const lineEnds: number[] = [];
    let bytes = 0;
    let pos = r.offset;
    let skipping = r.skipping;
    let cutAt = -1;
    // Reads ask for about what the batch has room for (reading 256 KiB to use 64 KiB of it cost
    // half the tailer's time); a read that holds no whole line is repeated with the whole buffer,
    // so a long line is still seen at once.
    let wide = false;
    while (pos < size && lines.length < this.o.maxBatchLines && bytes < this.o.maxBatchBytes) {
      const full = Math.min(this.buf.length, size - pos);
      const want = wide ? full : Math.min(full, this.o.maxBatchBytes - bytes + 16 * 1024);
      let n: number;
      try {
        n = readSync(r.fd, this.buf, 0, want, pos);
      } catch {
        this.stats.readErrors++;
        break;
      }
      if (n === 0) break;
      this.stats.bytesRead += n;
      let start = 0;
      let progressed = false;
      while (start < n && lines.length < this.o.maxBatchLines && bytes < this.o.maxBatchBytes) {
        const nl = this.buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= n) {
          // No newline in what was read: wait for it — unless the line is already too long.
          if (!skipping && n - start >= this.o.maxLineBytes) {
            lines.push(this.buf.toString('utf8', start, start + this.o.maxLineBytes));
            this.stats.linesTruncated++;
            lineEnds.push(pos + n);
            cutAt = lines.length - 1;
            skipping = true;
            start = n;
            progressed = true;
          } else if (skipping) {
            start = n;
            progressed = true;
          }
          break;
        }
        if (skipping) {
          skipping = false;
          // The cut line ends here: its end moves past the skipped rest (when cut in this batch).
          if (cutAt >= 0 && cutAt === lines.length - 1) lineEnds[cutAt] = pos + nl + 1;
        } else {
          if (nl - start > this.o.maxLineBytes) {
            lines.push(this.buf.toString('utf8', start, start + this.o.maxLineBytes));
            this.stats.linesTruncated++;
          } else lines.push(this.buf.toString('utf8', start, nl));
          lineEnds.push(pos + nl + 1);
        }
        bytes += nl - start + 1;
        start = nl + 1;
        progressed = true;
      }
      pos += start;
      if (!progressed && !wide && want < full) {
        wide = true; // no whole line in a short read: look at all of it
        continue;
      }
      wide = false;
      if (!progressed || start < n) break; // a partial line (or a full batch) ends the read
      if (n < want) break;
    }
    if (pos === r.offset) return undefined;
    const batch: Batch = { file: r, path: r.path, lines, lineEnds, startOffset: r.offset, endOffset: pos };
    r.skipping = skipping;
    return batch;
  }

  /**
   * Lines of `file` before `offset` are passed on (after a consumer resolved with an earlier
   * offset). Ignored for a file no longer followed, an offset not past the last one, or one
   * beyond the lines handed out (it is cut there).
   */
  acknowledge(file: TailedFile, offset: number): void {
    const r = file as Reader; // handed out by us
    if (!r.closed) this.ack(r, offset);
  }

  private ack(r: Reader, offset: number): void {
    const to = Math.min(offset, r.handed);
    if (to <= r.acked) return;
    r.acked = to;
    this.dirty = true;
  }

  /** Called when a file is let go (rotated out and finished): its per-file state can go too. */
  onClose: ((file: TailedFile) => void) | undefined;

  private save(force: boolean): void {
    if (!this.dirty && !force) return;
    const now = Date.now();
    if (!force && now - this.lastSave < this.o.checkpointEveryMs) return;
    const state: Checkpoint[] = [
      ...this.readers
        .filter((r) => r.fingerprint.length > 0)
        .map((r) => ({ fingerprint: r.fingerprint, offset: r.acked, path: r.path })),
      // Loaded, matched, and waiting for a slot: kept.
      ...this.unclaimed,
    ];
    try {
      this.store.save(state);
      this.stats.checkpointWrites++;
      this.dirty = false;
      this.lastSave = now;
    } catch {
      this.stats.checkpointFailures++;
    }
  }

  private drop(r: Reader): void {
    this.close(r);
    this.readers.splice(this.readers.indexOf(r), 1);
    if (!this.readers.some((x) => x.path === r.path)) this.stats.lagBytes.delete(r.path);
    this.dirty = true;
    this.onClose?.(r);
  }

  private close(r: Reader): void {
    r.closed = true;
    try {
      closeSync(r.fd);
    } catch {
      // a read-only descriptor: nothing is lost
    }
    this.stats.filesOpen--;
  }
}
