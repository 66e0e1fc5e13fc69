// The crash-safe sending queue on disk.
//
// Layout of `directory`:
//   <seq-of-first-record>.seg  append-only segments of records
//   acks.log                   sequence numbers of acknowledged records (8 bytes each)
//   LOCK                       the owning process's pid
//   queue-id                   random; with a record's sequence, the request's Idempotency-Key
//   positions.json             source positions of data in segments already deleted
//                              (positions.ts; written before a segment with marks goes)
// Record: magic "WQ" (2) | version (1) | signal (1) | payload length (4) | items (4) |
//         sequence (8) | CRC-32 of everything after the CRC field + payload (4) | payload.
//
// offer() resolves when the record is written to the OS (write(2) returned), which survives
// kill -9; with fsync it is also fsync'd (survives power loss). Concurrent offers are written
// together (group commit). Records are read back from disk when taken. On open, every segment
// is scanned; a torn or corrupt tail is cut off at the last good record and counted. Records
// whose sequence is in acks.log are skipped; everything else — including records that were
// leased but not acked when the process died — is queued again (at-least-once). A damaged
// record in the middle of a segment (disk corruption, not a crash: writes only ever append)
// is skipped and counted, and the intact records after it are still replayed.
//
// Source positions (QueueItem.positions) are written as a mark record right after their data
// record, in the same write: a torn write can lose the mark (the source then re-reads: a
// duplicate), never keep a mark without its data (a loss). positions() is the union of every
// mark ever written here, kept across segment deletion in positions.json.
import {
  closeSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Signal } from '../model/common.ts';
import type { Logger } from '../telemetry/logger.ts';
import {
  QueueClosedError,
  QueueFullError,
  type Lease,
  type QueueItem,
  type SendQueue,
  type Sizer,
} from '../queue/types.ts';
import { itemSize } from './memory-queue.ts';
import { PositionSet, type SourcePosition } from './positions.ts';
import { processAlive } from '../util/process-alive.ts';

const HEADER = 24;
const MAGIC0 = 0x57; // 'W'
const MAGIC1 = 0x51; // 'Q'
const VERSION = 1;
const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];
/** The signal byte of a mark record (source positions, no data). */
const MARK = 0xff;

interface Rec {
  seq: number;
  segment: Segment;
  offset: number;
  length: number;
  signal: Signal;
  items: number;
}

interface Segment {
  name: string;
  firstSeq: number;
  live: number; // records not yet acked
  sealed: boolean;
  /** Acked sequence numbers of this segment's records (kept for ack-log compaction). */
  acked: number[];
}

export interface PersistentQueueOptions {
  directory: string;
  sizer: Sizer;
  capacity: number;
  fsync?: boolean;
  /** Roll to a new segment file past this size. */
  segmentBytes?: number;
  logger?: Logger;
}

export class PersistentQueue implements SendQueue {
  readonly directory: string;
  private readonly sizer: Sizer;
  private readonly cap: number;
  private readonly fsync: boolean;
  private readonly segmentBytes: number;
  private readonly logger: Logger | undefined;
  private used = 0;
  private nextSeq = 1;
  private readonly ready: Rec[] = [];
  private readyHead = 0;
  private readonly segments: Segment[] = [];
  /** Segments whose file is being deleted: their acks must stay in acks.log until it is gone. */
  private readonly dropping = new Set<Segment>();
  private readonly drops = new Set<Promise<void>>();
  /** First sequence of the newest segment file; a new file's name must be greater. */
  private lastSegmentSeq = 0;
  /** Key of this directory in lockedHere: its real path, so every spelling of it matches. */
  private lockKey = '';
  /** Made once per directory (queue-id): record ids stay the same across restarts. */
  private queueId = '';
  private current: { seg: Segment; fh: FileHandle; size: number } | undefined;
  private acksFh: FileHandle | undefined;
  private ackEntries = 0;
  private readonly waiters: Array<(l: Lease | null) => void> = [];
  private closed = false;
  private pendingWrites: Array<{ rec: Rec; bytes: Buffer; resolve: () => void; reject: (e: Error) => void }> =
    [];
  private writing = false;
  /**
   * Read handles per segment, as promises: concurrent takes from one segment share a single
   * open() (caching the handle only after the await leaked one handle per race).
   */
  private readonly readFh = new Map<string, Promise<FileHandle>>();
  /** Source positions of everything ever written here. */
  private readonly stored = new PositionSet();
  /** Records dropped at open because they were torn or corrupt. */
  corruptedRecords = 0;
  /** Bytes cut off the end of segments at open (torn or corrupt tails). */
  truncatedBytes = 0;
  /** Bytes of damaged records skipped inside segments at open. */
  skippedBytes = 0;

  private constructor(o: PersistentQueueOptions) {
    this.directory = o.directory;
    this.sizer = o.sizer;
    this.cap = o.capacity;
    this.fsync = o.fsync ?? false;
    this.segmentBytes = o.segmentBytes ?? 8 * 1024 * 1024;
    this.logger = o.logger;
  }

  static async open(o: PersistentQueueOptions): Promise<PersistentQueue> {
    const q = new PersistentQueue(o);
    await mkdir(o.directory, { recursive: true });
    q.lock();
    try {
      q.queueId = readOrCreateId(join(o.directory, 'queue-id'));
      await q.recover();
    } catch (e) {
      q.unlock();
      throw e;
    }
    return q;
  }

  // ---- lock ----

  private lock(): void {
    this.lockKey = realpathSync(this.directory);
    const path = join(this.directory, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeFileSync(fd, String(process.pid));
        closeSync(fd);
        lockedHere.add(this.lockKey);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(path, 'utf8').trim());
        if (lockedHere.has(this.lockKey) || (pid && pid !== process.pid && processAlive(pid))) {
          throw new Error(
            `queue directory ${this.directory} is in use by process ${pid}; give each process and exporter its own directory`,
            { cause: e },
          );
        }
        unlinkSync(path); // stale lock from a dead process
      }
    }
    throw new Error(`cannot lock queue directory ${this.directory}`);
  }

  private unlock(): void {
    lockedHere.delete(this.lockKey);
    try {
      unlinkSync(join(this.directory, 'LOCK'));
    } catch {
      // already gone
    }
  }

  // ---- recovery ----

  private async recover(): Promise<void> {
    const acked = new Set<number>();
    try {
      const a = readFileSync(join(this.directory, 'acks.log'));
      for (let i = 0; i + 8 <= a.length; i += 8) acked.add(Number(a.readBigUInt64LE(i)));
    } catch {
      // no acks yet
    }
    try {
      this.stored.readJSON(JSON.parse(readFileSync(join(this.directory, 'positions.json'), 'utf8')));
    } catch {
      // none yet, or unreadable: sources re-read more (duplicates), never less
    }
    const names = (await readdir(this.directory)).filter((n) => /^\d{16}\.seg$/.test(n)).sort();
    const liveAcks: number[] = [];
    const finished: string[] = [];
    for (const name of names) {
      const path = join(this.directory, name);
      const data = readFileSync(path);
      const seg: Segment = { name, firstSeq: Number(name.slice(0, 16)), live: 0, sealed: true, acked: [] };
      this.lastSegmentSeq = Math.max(this.lastSegmentSeq, seg.firstSeq);
      let off = 0;
      let lastSeq = 0;
      const recs: Rec[] = [];
      while (off < data.length) {
        const r = parseRecord(data, off);
        if (!r) {
          const next = findRecord(data, off + 1, lastSeq);
          if (next < 0) break; // nothing intact follows: a torn or corrupt tail
          this.corruptedRecords++;
          this.skippedBytes += next - off;
          this.logger?.warn(
            { segment: path, offset: off, bytes: next - off },
            'queue segment has a damaged record; skipping it',
          );
          off = next;
          continue;
        }
        lastSeq = r.seq;
        this.nextSeq = Math.max(this.nextSeq, r.seq + 1);
        if (r.signal === 'mark') {
          this.stored.addAll(decodeMark(data.subarray(off + HEADER, off + HEADER + r.length)));
          off += HEADER + r.length;
          continue;
        }
        if (acked.has(r.seq)) seg.acked.push(r.seq);
        else
          recs.push({
            seq: r.seq,
            segment: seg,
            offset: off,
            length: r.length,
            signal: r.signal,
            items: r.items,
          });
        off += HEADER + r.length;
      }
      if (off < data.length) {
        this.corruptedRecords++;
        this.truncatedBytes += data.length - off;
        this.logger?.warn(
          { segment: path, bytes: data.length - off },
          'queue segment has a torn or corrupt tail; cutting it off',
        );
        const fh = await open(path, 'r+');
        await fh.truncate(off);
        await fh.close();
      }
      if (recs.length === 0) {
        finished.push(path); // deleted once its marks are in positions.json
        continue;
      }
      seg.live = recs.length;
      for (const a of seg.acked) liveAcks.push(a);
      this.segments.push(seg);
      for (const r of recs) {
        this.ready.push(r);
        this.used += this.recSize(r);
      }
    }
    if (finished.length > 0) {
      this.savePositions();
      for (const path of finished) await rm(path, { force: true });
    }
    // Compact the ack log to the acks that still matter.
    const buf = Buffer.alloc(liveAcks.length * 8);
    liveAcks.forEach((s, i) => buf.writeBigUInt64LE(BigInt(s), i * 8));
    writeFileSync(join(this.directory, 'acks.log.tmp'), buf);
    await rename(join(this.directory, 'acks.log.tmp'), join(this.directory, 'acks.log'));
    this.ackEntries = liveAcks.length;
    this.acksFh = await open(join(this.directory, 'acks.log'), 'a');
    if (this.ready.length)
      this.logger?.info(
        { records: this.ready.length, directory: this.directory },
        'replaying queued data from disk',
      );
  }

  private recSize(r: Rec): number {
    return itemSize(this.sizer, {
      signal: r.signal,
      items: r.items,
      payload: { length: r.length } as Uint8Array,
    });
  }

  // ---- writing ----

  async offer(item: QueueItem): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    const n = itemSize(this.sizer, item);
    if (this.used + n > this.cap && this.used > 0) throw new QueueFullError();
    this.used += n;
    const seq = this.nextSeq++;
    const positions = item.positions?.length ? item.positions : undefined;
    // The mark follows its data in the same write (see the header).
    const bytes = positions
      ? Buffer.concat([encodeRecord(seq, item), encodeMark(this.nextSeq++, positions)])
      : encodeRecord(seq, item);
    // The segment and offset are assigned when the batch is written.
    const rec: Rec = {
      seq,
      segment: undefined as unknown as Segment,
      offset: 0,
      length: item.payload.length,
      signal: item.signal,
      items: item.items,
    };
    await new Promise<void>((resolve, reject) => {
      this.pendingWrites.push({ rec, bytes, resolve, reject });
      void this.flush();
    }).catch((e: Error) => {
      this.used -= n;
      throw e;
    });
    if (positions) this.stored.addAll(positions);
    this.publish(rec);
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pendingWrites.length) {
        const batch = this.pendingWrites;
        this.pendingWrites = [];
        try {
          const cur = await this.segmentFor(batch[0]!.rec.seq);
          let off = cur.size;
          for (const p of batch) {
            p.rec.segment = cur.seg;
            p.rec.offset = off;
            off += p.bytes.length;
          }
          const all = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((p) => p.bytes));
          await writeAll(cur.fh, all, cur.size);
          if (this.fsync) await cur.fh.datasync();
          cur.size = off;
          cur.seg.live += batch.length;
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch)
            p.reject(new Error(`cannot write to queue directory ${this.directory}: ${(e as Error).message}`));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** The segment to append the next batch to, whose first record is `firstSeq`. */
  private async segmentFor(firstSeq: number): Promise<{ seg: Segment; fh: FileHandle; size: number }> {
    if (this.current && this.current.size < this.segmentBytes) return this.current;
    if (this.current) {
      this.current.seg.sealed = true;
      const old = this.current;
      this.current = undefined;
      await old.fh.close();
      if (old.seg.live === 0) await this.dropSegment(old.seg);
    }
    // Named after its first record, and always after every earlier file: naming it after
    // nextSeq could repeat a name when a batch was offered during the previous roll, and two
    // segments then shared one file (wrong bytes read back, records deleted with the other).
    const seq = Math.max(firstSeq, this.lastSegmentSeq + 1);
    this.lastSegmentSeq = seq;
    const name = `${String(seq).padStart(16, '0')}.seg`;
    // 'ax': a new file, never appended to an existing one (record offsets start at 0).
    const fh = await open(join(this.directory, name), 'ax');
    const seg: Segment = { name, firstSeq: seq, live: 0, sealed: false, acked: [] };
    this.segments.push(seg);
    this.current = { seg, fh, size: 0 };
    return this.current;
  }

  // ---- reading ----

  private publish(rec: Rec): void {
    const w = this.waiters.shift();
    if (w) this.handOver(rec, w);
    else this.ready.push(rec);
  }

  /** Leases `rec` to a waiting taker; if it can't be read, the taker waits on for the next. */
  private handOver(rec: Rec, w: (l: Lease | null) => void): void {
    this.lease(rec).then(w, (e: Error) => {
      this.unreadable(rec, e);
      if (this.closed) w(null);
      else void this.take().then(w);
    });
  }

  /**
   * A record that can't be read back is set aside for this run, but neither acked nor
   * forgotten: it keeps its capacity and its segment file, so it is tried again after a
   * restart. Dropping it would lose an item whose offer() succeeded.
   */
  private unreadable(rec: Rec, e: Error): void {
    this.logger?.error(
      { err: e.message, seq: rec.seq, segment: rec.segment.name },
      'cannot read a queued record; keeping it on disk for the next start',
    );
  }

  async take(): Promise<Lease | null> {
    for (;;) {
      if (this.readyHead < this.ready.length) {
        const rec = this.ready[this.readyHead]!;
        this.ready[this.readyHead++] = undefined as unknown as Rec;
        if (this.readyHead === this.ready.length) {
          this.ready.length = 0;
          this.readyHead = 0;
        } else if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
          // Keep the array from growing when it is never completely drained.
          this.ready.splice(0, this.readyHead);
          this.readyHead = 0;
        }
        try {
          return await this.lease(rec);
        } catch (e) {
          this.unreadable(rec, e as Error);
          continue;
        }
      }
      if (this.closed) return null;
      return new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  private async lease(rec: Rec): Promise<Lease> {
    let opening = this.readFh.get(rec.segment.name);
    if (!opening) {
      const name = rec.segment.name;
      const p = open(join(this.directory, name), 'r');
      this.readFh.set(name, p);
      // A failed open is not cached: the next take tries again.
      p.catch(() => {
        if (this.readFh.get(name) === p) this.readFh.delete(name);
      });
      opening = p;
    }
    const fh = await opening;
    const payload = Buffer.allocUnsafe(rec.length);
    const { bytesRead } = await fh.read(payload, 0, rec.length, rec.offset + HEADER);
    if (bytesRead !== rec.length) throw new Error('short read');
    let done = false;
    return {
      item: { signal: rec.signal, items: rec.items, payload, id: `${this.queueId}-${rec.seq}` },
      ack: () => {
        if (done) return;
        done = true;
        rec.segment.acked.push(rec.seq);
        this.settle(rec);
        // The ack is best-effort durable: a lost ack means one redelivery, never a loss.
        // Acks made while a write is queued join it (one write(2) per group, in ack order).
        this.ackBuf.push(rec.seq);
        if (this.ackBuf.length === 1)
          this.ackWrites = this.ackWrites
            .then(() => this.writeAcks())
            .then(
              () => {},
              () => {},
            );
        this.ackEntries++;
        this.maybeCompactAcks();
      },
      nack: () => {
        if (done) return;
        done = true;
        const w = this.closed ? undefined : this.waiters.shift();
        if (w) this.handOver(rec, w);
        else if (this.readyHead > 0) this.ready[--this.readyHead] = rec;
        else this.ready.unshift(rec);
      },
    };
  }

  private ackWrites: Promise<void> = Promise.resolve();
  /** Acked sequences not yet handed to write(2); bounded by the records in the queue. */
  private ackBuf: number[] = [];
  private compacting = false;

  private async writeAcks(): Promise<void> {
    const seqs = this.ackBuf;
    this.ackBuf = [];
    const b = Buffer.allocUnsafe(seqs.length * 8);
    seqs.forEach((x, i) => b.writeBigUInt64LE(BigInt(x), i * 8));
    await this.acksFh?.write(b);
  }

  /** Rewrites acks.log with only the acks of records still on disk, once it has grown. */
  private maybeCompactAcks(): void {
    let live = 0;
    for (const seg of this.segments) live += seg.acked.length;
    for (const seg of this.dropping) live += seg.acked.length;
    if (this.compacting || this.ackEntries < 4096 || this.ackEntries < live * 4) return;
    // One compaction at a time: every ack past the threshold used to queue another rewrite.
    this.compacting = true;
    this.ackWrites = this.ackWrites
      .then(async () => {
        const entriesBefore = this.ackEntries;
        const all: number[] = [];
        for (const seg of [...this.segments, ...this.dropping]) for (const a of seg.acked) all.push(a);
        const buf = Buffer.alloc(all.length * 8);
        all.forEach((x, i) => buf.writeBigUInt64LE(BigInt(x), i * 8));
        const tmp = join(this.directory, 'acks.log.tmp');
        writeFileSync(tmp, buf);
        await this.acksFh?.close();
        await rename(tmp, join(this.directory, 'acks.log'));
        this.acksFh = await open(join(this.directory, 'acks.log'), 'a');
        // Acks made during the rewrite are appended to the new file: keep counting them.
        this.ackEntries = all.length + (this.ackEntries - entriesBefore);
      })
      .catch((e: Error) => this.logger?.warn({ err: e.message }, 'ack log compaction failed'))
      .finally(() => (this.compacting = false));
  }

  /** A record is finished: free its capacity and delete its segment once nothing in it is live. */
  private settle(rec: Rec): void {
    this.used -= this.recSize(rec);
    const seg = rec.segment;
    seg.live--;
    if (seg.live === 0 && seg.sealed) void this.dropSegment(seg);
  }

  /**
   * Deletes a segment with no live records. Its acks stay in the ack log until the file is
   * gone (`dropping`), so a crash in between can't bring acked records back.
   */
  private dropSegment(seg: Segment): Promise<void> {
    const i = this.segments.indexOf(seg);
    if (i >= 0) this.segments.splice(i, 1);
    this.dropping.add(seg);
    const fh = this.readFh.get(seg.name);
    this.readFh.delete(seg.name);
    const p = (async () => {
      await fh?.then((h) => h.close()).catch(() => {});
      if (this.stored.size > 0) this.savePositions(); // the segment's marks outlive it
      await rm(join(this.directory, seg.name), { force: true }).catch((e: Error) =>
        this.logger?.warn({ err: e.message, segment: seg.name }, 'cannot delete a finished queue segment'),
      );
      this.dropping.delete(seg);
    })();
    this.drops.add(p);
    void p.finally(() => this.drops.delete(p));
    return p;
  }

  /** Source positions of all data ever stored here (see the header). */
  positions(): PositionSet {
    return this.stored;
  }

  /** Atomically replaces positions.json (temp + rename; survives kill -9). */
  private savePositions(): void {
    const path = join(this.directory, 'positions.json');
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(this.stored));
      renameSync(`${path}.tmp`, path);
    } catch (e) {
      this.logger?.warn({ err: (e as Error).message }, 'cannot save queue source positions');
    }
  }

  size(): number {
    return this.used;
  }

  capacity(): number {
    return this.cap;
  }

  /** Segment files on disk. */
  segmentCount(): number {
    return this.segments.length;
  }

  async bytesOnDisk(): Promise<number> {
    let n = 0;
    for (const s of this.segments)
      n += (await stat(join(this.directory, s.name)).catch(() => ({ size: 0 }))).size;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
    while (this.writing || this.pendingWrites.length) await new Promise((r) => setTimeout(r, 5));
    await this.current?.fh.close().catch(() => {});
    this.current = undefined;
    // Finish deleting segments, so a reopen doesn't read files that are going away.
    await Promise.all(this.drops);
    for (const fh of this.readFh.values()) await fh.then((h) => h.close()).catch(() => {});
    this.readFh.clear();
    await this.ackWrites;
    await this.acksFh?.close().catch(() => {});
    this.unlock();
  }
}

/** The directory's id: read, or made (random) and written atomically. */
function readOrCreateId(path: string): string {
  try {
    const id = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch {
    // first open
  }
  const id = randomUUID();
  writeFileSync(`${path}.tmp`, id);
  renameSync(`${path}.tmp`, path);
  return id;
}

/** Directories locked by this process (a lock file with our own pid is not enough to tell). */
const lockedHere = new Set<string>();

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

function encodeRecord(seq: number, item: QueueItem): Buffer {
  const b = Buffer.allocUnsafe(HEADER + item.payload.length);
  b[0] = MAGIC0;
  b[1] = MAGIC1;
  b[2] = VERSION;
  b[3] = SIGNALS.indexOf(item.signal);
  b.writeUInt32LE(item.payload.length, 4);
  b.writeUInt32LE(item.items >>> 0, 8);
  b.writeBigUInt64LE(BigInt(seq), 12);
  b.set(item.payload, HEADER);
  b.writeUInt32LE(crc32(b.subarray(HEADER), crc32(b.subarray(2, 20))), 20);
  return b;
}

function encodeMark(seq: number, positions: readonly SourcePosition[]): Buffer {
  const payload = Buffer.from(JSON.stringify(positions.map((p) => [p.key, p.from, p.to])));
  const b = Buffer.allocUnsafe(HEADER + payload.length);
  b[0] = MAGIC0;
  b[1] = MAGIC1;
  b[2] = VERSION;
  b[3] = MARK;
  b.writeUInt32LE(payload.length, 4);
  b.writeUInt32LE(0, 8);
  b.writeBigUInt64LE(BigInt(seq), 12);
  b.set(payload, HEADER);
  b.writeUInt32LE(crc32(b.subarray(HEADER), crc32(b.subarray(2, 20))), 20);
  return b;
}

function decodeMark(payload: Buffer): SourcePosition[] {
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    if (!Array.isArray(v)) return [];
    return v
      .filter(
        (e): e is [string, number, number] =>
          Array.isArray(e) &&
          typeof e[0] === 'string' &&
          typeof e[1] === 'number' &&
          typeof e[2] === 'number',
      )
      .map(([key, from, to]) => ({ key, from, to }));
  } catch {
    return [];
  }
}

/**
 * Offset of the next intact record at or after `from` whose sequence follows `afterSeq`
 * (sequences only grow within a segment), or -1. The CRC makes a false match within a
 * payload all but impossible; the sequence check rules out replaying an older copy.
 */
function findRecord(data: Buffer, from: number, afterSeq: number): number {
  const magic = Buffer.from([MAGIC0, MAGIC1, VERSION]);
  for (let at = data.indexOf(magic, from); at >= 0; at = data.indexOf(magic, at + 1)) {
    const r = parseRecord(data, at);
    if (r && r.seq > afterSeq) return at;
  }
  return -1;
}

function parseRecord(
  data: Buffer,
  off: number,
): { seq: number; length: number; signal: Signal | 'mark'; items: number } | undefined {
  if (off + HEADER > data.length) return undefined;
  if (data[off] !== MAGIC0 || data[off + 1] !== MAGIC1 || data[off + 2] !== VERSION) return undefined;
  const signal = data[off + 3] === MARK ? 'mark' : SIGNALS[data[off + 3]!];
  if (!signal) return undefined;
  const length = data.readUInt32LE(off + 4);
  if (off + HEADER + length > data.length) return undefined;
  const items = data.readUInt32LE(off + 8);
  const seq = Number(data.readBigUInt64LE(off + 12));
  const crc = data.readUInt32LE(off + 20);
  if (
    crc32(data.subarray(off + HEADER, off + HEADER + length), crc32(data.subarray(off + 2, off + 20))) !== crc
  )
    return undefined;
  return { seq, length, signal, items };
}
