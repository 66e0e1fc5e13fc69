// Container log files as containerd writes them and the kubelet rotates them.
//
// Path: var/log/pods/<namespace>_<pod>_<uid>/<container>/<restartCount>.log
// Line: <RFC3339Nano time> <stdout|stderr> <P|F> <message>\n — a message longer than maxLineBytes is
//       split into P (partial) lines followed by one F (full) line, like containerd's
//       max_container_log_line_size.
// Rotation follows the kubelet's container log manager: every monitor interval, a running container's
// log of at least maxFileBytes is renamed to <n>.log.<YYYYMMDD-hhmmss> (simulated UTC time) and a
// new <n>.log is started; before that, excess rotated files are removed (oldest first, keeping
// maxFiles-2) and the older rotated files are gzipped to <name>.gz, so at most maxFiles files exist.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appendText } from './fast-fs.ts';
import type { LogEntry, LogGenerator } from './log-content.ts';

export interface LogPolicy {
  /** rotate a log once it reaches this size */
  maxFileBytes: number;
  /** files per container, current one included (the kubelet requires > 1) */
  maxFiles: number;
  /** how often rotation is checked (kubelet: containerLogMonitorInterval, 10 s); at least 1 s */
  monitorIntervalMs: number;
  /** containerd's max_container_log_line_size */
  maxLineBytes: number;
  /** bytes buffered per container between flushes; a fuller buffer is appended early */
  maxBufferBytes: number;
}

export const DEFAULT_LOG_POLICY: LogPolicy = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 5,
  monitorIntervalMs: 10_000,
  maxLineBytes: 16 * 1024,
  maxBufferBytes: 1024 * 1024,
};

export function validateLogPolicy(p: LogPolicy): void {
  if (!(p.maxFiles > 1)) throw new Error(`invalid maxLogFiles ${p.maxFiles}, must be > 1`);
  if (!(p.maxFileBytes > 0)) throw new Error(`invalid maxLogFileBytes ${p.maxFileBytes}, must be > 0`);
  if (!(p.monitorIntervalMs >= 1000)) throw new Error('log monitor interval must be at least 1 s');
  if (!(p.maxLineBytes >= 16)) throw new Error('maxLineBytes must be at least 16');
}

export function podLogDir(namespace: string, pod: string, uid: string): string {
  return `var/log/pods/${namespace}_${pod}_${uid}`;
}

/** RFC 3339 with up to nanoseconds and trailing zeros trimmed, like Go's time.RFC3339Nano. */
export function rfc3339Nano(ms: number, nanosWithinMs = 0): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2024-01-02T03:04:05.678Z
  const frac = (
    iso.slice(20, 23) + String(Math.max(0, Math.min(999_999, Math.floor(nanosWithinMs)))).padStart(6, '0')
  ).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

/** "20060102-150405" in UTC: the kubelet's rotated-log suffix. */
export function rotationSuffix(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** Largest prefix length <= max that does not cut a UTF-8 sequence. */
function utf8Cut(buf: Buffer, start: number, max: number): number {
  let end = Math.min(buf.length, start + max);
  if (end >= buf.length) return buf.length;
  while (end > start && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return end === start ? start + max : end;
}

/** One message as CRI log lines: P-tagged chunks of maxLineBytes, then the F-tagged rest. */
export function formatCriLines(time: string, entry: LogEntry, maxLineBytes: number): string {
  // a UTF-16 unit is at most 3 UTF-8 bytes: short messages skip the byte count
  if (entry.message.length * 3 <= maxLineBytes || Buffer.byteLength(entry.message) <= maxLineBytes) {
    return `${time} ${entry.stream} F ${entry.message}\n`;
  }
  const msg = Buffer.from(entry.message, 'utf8');
  let out = '';
  let pos = 0;
  while (msg.length - pos > maxLineBytes) {
    const end = utf8Cut(msg, pos, maxLineBytes);
    out += `${time} ${entry.stream} P ${msg.toString('utf8', pos, end)}\n`;
    pos = end;
  }
  return out + `${time} ${entry.stream} F ${msg.toString('utf8', pos)}\n`;
}

interface RotatedFile {
  name: string;
  bytes: number;
}

/**
 * Writes one container instance's log (<restartCount>.log). produceUntil() generates the lines up to a
 * time into a buffer; flush() appends the buffer with one write and applies rotation. The buffer is
 * bounded: when it would exceed maxBufferBytes it is appended early. Synchronous (see fast-fs.ts);
 * a rotation gzips at most one file of about maxFileBytes.
 */
export class ContainerLogWriter {
  readonly dir: string;
  readonly fileName: string;
  private readonly policy: LogPolicy;
  private readonly gen: LogGenerator;
  private buffer: string[] = [];
  private bufferBytes = 0;
  private currentBytes = 0;
  private rotated: RotatedFile[] = [];
  private carry = 0;
  private seq = 0;
  private producedTo: number;
  private lastCheckMs: number;
  private closed = false;
  /** CRI lines appended so far (partial lines count one each) */
  linesWritten = 0;
  /** appendFile calls so far */
  appends = 0;

  constructor(dir: string, restartCount: number, policy: LogPolicy, gen: LogGenerator, nowMs: number) {
    this.dir = dir;
    this.fileName = `${restartCount}.log`;
    this.policy = policy;
    this.gen = gen;
    this.lastCheckMs = nowMs;
    this.producedTo = nowMs;
  }

  get path(): string {
    return join(this.dir, this.fileName);
  }

  /** Generates the lines since the last call up to toMs at `linesPerSecond`, spread over the interval. */
  produceUntil(toMs: number, linesPerSecond: number): void {
    const fromMs = this.producedTo;
    if (this.closed || toMs <= fromMs) return;
    this.producedTo = toMs;
    if (linesPerSecond <= 0) return;
    const exact = ((toMs - fromMs) / 1000) * linesPerSecond + this.carry;
    const n = Math.floor(exact);
    this.carry = exact - n;
    for (let i = 0; i < n; i++) {
      const t = fromMs + ((i + 1) * (toMs - fromMs)) / (n + 1);
      const time = rfc3339Nano(t, ((this.seq++ * 7919) % 1000) * 1000 + ((this.seq * 31) % 997));
      for (const entry of this.gen.next(t)) this.push(formatCriLines(time, entry, this.policy.maxLineBytes));
    }
  }

  /** Adds preformatted CRI text; appends the buffer first if the text would overflow it. */
  push(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.bufferBytes > 0 && this.bufferBytes + bytes > this.policy.maxBufferBytes) this.writeBuffer();
    this.buffer.push(text);
    this.bufferBytes += bytes;
  }

  private writeBuffer(): void {
    if (this.bufferBytes === 0) return;
    const text = this.buffer.length === 1 ? (this.buffer[0] as string) : this.buffer.join('');
    const n = this.bufferBytes;
    this.buffer = [];
    this.bufferBytes = 0;
    appendText(this.path, text);
    this.appends++;
    this.currentBytes += n;
    this.linesWritten += countNewlines(text);
  }

  get pendingBytes(): number {
    return this.bufferBytes;
  }

  /** Bytes of this instance's files on disk: current log plus rotated and compressed ones. */
  diskBytes(): number {
    return this.currentBytes + this.rotated.reduce((a, r) => a + r.bytes, 0);
  }

  fileCount(): number {
    return 1 + this.rotated.length;
  }

  /** Creates the empty log file (containerd opens it when the container starts). */
  open(): void {
    appendText(this.path, '');
  }

  /** Appends the buffer in one write, then rotates if the monitor interval has passed and the file is full. */
  flush(nowMs: number): void {
    this.writeBuffer();
    if (!this.closed && nowMs - this.lastCheckMs >= this.policy.monitorIntervalMs) {
      this.lastCheckMs = nowMs;
      if (this.currentBytes >= this.policy.maxFileBytes) this.rotate(nowMs);
    }
  }

  /** The container stopped: write what is buffered; no more rotation (the kubelet rotates running containers only). */
  close(nowMs: number): void {
    this.flush(nowMs);
    this.closed = true;
  }

  private rotate(nowMs: number): void {
    // remove the oldest rotated files so that, with the new current file and the file about to be
    // rotated, at most maxFiles remain
    const keep = Math.max(0, this.policy.maxFiles - 2);
    while (this.rotated.length > keep) {
      const old = this.rotated.shift() as RotatedFile;
      rmSync(join(this.dir, old.name), { force: true });
    }
    // compress what is still plain (the previously rotated file)
    for (const r of this.rotated) {
      if (r.name.endsWith('.gz')) continue;
      const src = join(this.dir, r.name);
      const gz = gzipSync(readFileSync(src));
      const tmp = `${src}.tmp`;
      writeFileSync(tmp, gz);
      renameSync(tmp, `${src}.gz`);
      rmSync(src);
      r.name += '.gz';
      r.bytes = gz.length;
    }
    const rotatedName = `${this.fileName}.${rotationSuffix(nowMs)}`;
    renameSync(this.path, join(this.dir, rotatedName));
    this.rotated.push({ name: rotatedName, bytes: this.currentBytes });
    // containerd reopens the log (ReopenContainerLog) and creates a fresh file
    writeFileSync(this.path, '');
    this.currentBytes = 0;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
