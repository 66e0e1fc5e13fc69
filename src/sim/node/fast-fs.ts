// Synchronous small-file I/O for the simulated trees. Measured on ext4 (2 cores): rewriting a small
// file in place (open r+, write, ftruncate) costs ~15 µs, writeFile with O_TRUNC ~45 µs and the
// promise API 70-300 µs, so the node writes synchronously in short batches and yields to the event
// loop between batches (see SimNode) to keep the kubelet endpoints responsive.
//
// In-place rewrite: a reader racing a rewrite that makes the file shorter can briefly see the old
// tail; the files are counters whose text rarely shrinks, and an emptied file (O_TRUNC) would be worse.

import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

export function rewriteFile(path: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    writeFileSync(path, content);
    return;
  }
  try {
    const n = writeSync(fd, content, 0);
    ftruncateSync(fd, n);
  } finally {
    closeSync(fd);
  }
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true });
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export function appendText(path: string, text: string): void {
  appendFileSync(path, text);
}

/** Lets timers and sockets run between batches of synchronous writes. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
