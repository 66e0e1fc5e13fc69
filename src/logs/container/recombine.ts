// Recombines the pieces of long lines: CRI "P" lines (Docker: pieces without a final "\n") up to
// the next complete one, per stream — stdout and stderr are written independently and may
// interleave.
//
// Contracts:
// - Every piece pushed ends up in exactly one entry; an entry has the first piece's timestamp.
// - An entry longer than maxBytes (UTF-16 code units of the message, a close bound on bytes for
//   text) is cut at maxBytes and the rest of its pieces up to the complete line are dropped;
//   the entry is still emitted once, when its last piece arrives (counted in `truncated`).
// - flush() hands out what is pending (a flush timeout or shutdown); pending is bounded by
//   maxBytes per stream.
// - Offsets: a piece pushed with its file offset gives its entry that offset (the first piece's);
//   pendingOffset is the earliest offset still pending (what a checkpoint must not pass).
import type { CriLine, Stream } from './cri.ts';
import { earliestOffset, pendingLength, type PerStream } from './per-stream.ts';

export interface Entry {
  timeUnixNano: bigint;
  stream: Stream;
  message: string;
  /** The file offset of the entry's first line, when the pieces came with offsets. */
  offset?: number;
}

interface Pending {
  timeUnixNano: bigint;
  offset: number | undefined;
  parts: string[];
  length: number;
  cut: boolean;
}

export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;

export class Recombiner {
  /** Entries cut at maxBytes. */
  truncated = 0;
  private readonly maxBytes: number;
  private readonly pending: PerStream<Pending> = { stdout: undefined, stderr: undefined };

  constructor(maxBytes = DEFAULT_MAX_ENTRY_BYTES) {
    this.maxBytes = Math.max(1, maxBytes);
  }

  /** The entry this piece completes, if any. */
  push(line: CriLine, offset?: number): Entry | undefined {
    const p = this.pending[line.stream];
    if (p === undefined && !line.partial) {
      let message = line.message;
      if (message.length > this.maxBytes) {
        this.truncated++;
        message = message.slice(0, this.maxBytes);
      }
      return offset === undefined
        ? { timeUnixNano: line.timeUnixNano, stream: line.stream, message }
        : { timeUnixNano: line.timeUnixNano, stream: line.stream, message, offset };
    }
    const q = p ?? { timeUnixNano: line.timeUnixNano, offset, parts: [], length: 0, cut: false };
    this.pending[line.stream] = q;
    if (!q.cut) {
      const room = this.maxBytes - q.length;
      if (line.message.length <= room) {
        q.parts.push(line.message);
        q.length += line.message.length;
      } else {
        q.parts.push(line.message.slice(0, room));
        q.length += room;
        q.cut = true;
      }
    }
    if (line.partial) return undefined;
    return this.take(line.stream);
  }

  /** Everything pending, as entries (oldest first). */
  flush(): Entry[] {
    const out: Entry[] = [];
    for (const s of ['stdout', 'stderr'] as const) if (this.pending[s]) out.push(this.take(s));
    return out.sort((a, b) =>
      a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
    );
  }

  /** The earliest file offset of a pending piece (undefined: nothing pending, or no offsets). */
  get pendingOffset(): number | undefined {
    return earliestOffset(this.pending);
  }

  /** Characters waiting for the rest of their line. */
  get pendingBytes(): number {
    return pendingLength(this.pending);
  }

  private take(stream: Stream): Entry {
    const q = this.pending[stream]!;
    this.pending[stream] = undefined;
    if (q.cut) this.truncated++;
    const message = q.parts.join('');
    return q.offset === undefined
      ? { timeUnixNano: q.timeUnixNano, stream, message }
      : { timeUnixNano: q.timeUnixNano, stream, message, offset: q.offset };
  }
}
