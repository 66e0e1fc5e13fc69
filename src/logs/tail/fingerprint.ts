// A tailed file's identity: its first bytes (default 1,000). Paths change (the kubelet renames
// 0.log to 0.log.<time>) and inodes are reused; the content's beginning stays with the file.
//
// Contracts: a fingerprint shorter than the configured size belongs to a file that had fewer
// bytes when it was taken; it matches a longer one that starts with it (the same file, grown).
// An empty fingerprint identifies nothing (every file starts with nothing).
import { readSync } from 'node:fs';

export const DEFAULT_FINGERPRINT_SIZE = 1000;

/** The first `size` bytes of an open file (fewer when the file is shorter). */
export function readFingerprint(fd: number, size: number = DEFAULT_FINGERPRINT_SIZE): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const got = readSync(fd, buf, n, size - n, n);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

/** Whether two fingerprints are of the same file: one starts with the other, neither empty. */
export function sameFile(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const n = Math.min(a.length, b.length);
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, n), Buffer.from(b.buffer, b.byteOffset, n)) === 0;
}
