// What the recombiner and the multi-line grouper both keep per stream (stdout, stderr): at most
// one pending entry each, with the file offset of its first line and its length so far.
import type { Stream } from './cri.ts';

export type PerStream<T> = Record<Stream, T | undefined>;

/** The earliest file offset of a pending entry (undefined: none pending, or no offsets). */
export function earliestOffset(p: PerStream<{ offset: number | undefined }>): number | undefined {
  const a = p.stdout?.offset;
  const b = p.stderr?.offset;
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Characters pending over both streams. */
export function pendingLength(p: PerStream<{ length: number }>): number {
  return (p.stdout?.length ?? 0) + (p.stderr?.length ?? 0);
}
