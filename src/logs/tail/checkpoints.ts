// Where each tailed file was read up to, kept on disk so a restart neither repeats nor skips
// lines: per file its fingerprint (fingerprint.ts), the acknowledged offset and its last path.
//
// Contracts:
// - save() is atomic: the new state is written to a temporary file, fsync'd, renamed over the
//   old one, and the directory fsync'd; a crash leaves the old state or the new, never a mix.
// - load() never throws for bad content: a missing file is an empty state; a garbled or
//   truncated one is an empty state plus an error saying what was wrong (the caller logs it and
//   starts as on a first start). Bounded: files above MAX_FILE_BYTES or with more than
//   MAX_ENTRIES entries are refused the same way.
// - The caller saves only offsets whose lines were acknowledged downstream.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface Checkpoint {
  fingerprint: Buffer;
  offset: number;
  /** The path it was last seen at (diagnostics; identity is the fingerprint). */
  path: string;
}

export const MAX_ENTRIES = 100_000;
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const VERSION = 1;

export interface Loaded {
  checkpoints: Checkpoint[];
  /** Why the stored state was not usable, when it was not. */
  error?: string;
}

/** Parses the stored text; never throws. */
export function decodeCheckpoints(text: string): Loaded {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { checkpoints: [], error: `checkpoint file is not JSON (${(e as Error).message})` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { checkpoints: [], error: 'checkpoint file is not an object' };
  const o = v as Record<string, unknown>;
  if (o.version !== VERSION)
    return {
      checkpoints: [],
      error: `checkpoint file has version ${String(o.version)}, expected ${VERSION}`,
    };
  if (!Array.isArray(o.files)) return { checkpoints: [], error: 'checkpoint file has no "files" list' };
  if (o.files.length > MAX_ENTRIES)
    return {
      checkpoints: [],
      error: `checkpoint file has ${o.files.length} entries (at most ${MAX_ENTRIES})`,
    };
  const out: Checkpoint[] = [];
  for (let i = 0; i < o.files.length; i++) {
    const f = o.files[i] as Record<string, unknown> | null;
    const bad = (why: string): Loaded => ({ checkpoints: [], error: `checkpoint entry ${i}: ${why}` });
    if (f === null || typeof f !== 'object') return bad('not an object');
    if (typeof f.fp !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(f.fp))
      return bad('fingerprint is not base64');
    if (typeof f.offset !== 'number' || !Number.isSafeInteger(f.offset) || f.offset < 0)
      return bad('offset is not a non-negative integer');
    if (typeof f.path !== 'string') return bad('path is not a string');
    out.push({ fingerprint: Buffer.from(f.fp, 'base64'), offset: f.offset, path: f.path });
  }
  return { checkpoints: out };
}

/** Base64 of each fingerprint buffer, made once: a file's fingerprint rarely changes, saves are every second. */
const base64Of = new WeakMap<Buffer, string>();

function fingerprintText(fp: Buffer): string {
  let t = base64Of.get(fp);
  if (t === undefined) {
    t = fp.toString('base64');
    base64Of.set(fp, t);
  }
  return t;
}

export function encodeCheckpoints(checkpoints: readonly Checkpoint[]): string {
  return JSON.stringify({
    version: VERSION,
    files: checkpoints.map((c) => ({ fp: fingerprintText(c.fingerprint), offset: c.offset, path: c.path })),
  });
}

export class CheckpointStore {
  readonly file: string;
  private readonly dir: string;

  constructor(dir: string, name = 'filelog-checkpoints.json') {
    this.dir = dir;
    this.file = join(dir, name);
  }

  load(): Loaded {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? { checkpoints: [] }
        : { checkpoints: [], error: `cannot read ${this.file}: ${code}` };
    }
    if (size > MAX_FILE_BYTES)
      return { checkpoints: [], error: `${this.file} is ${size} bytes (at most ${MAX_FILE_BYTES})` };
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      return { checkpoints: [], error: `cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code}` };
    }
    const r = decodeCheckpoints(text);
    return r.error ? { checkpoints: [], error: `${this.file}: ${r.error}` } : r;
  }

  /** Replaces the stored state atomically. Throws what the file system throws (ENOSPC, ...). */
  save(checkpoints: readonly Checkpoint[]): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, encodeCheckpoints(checkpoints));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    const dfd = openSync(this.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}
