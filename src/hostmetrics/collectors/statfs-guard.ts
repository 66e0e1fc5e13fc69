// statfs(2) of mount points without letting a hung mount (dead NFS server, stuck FUSE daemon)
// hang a scrape or pile up blocked calls.
//
// node_exporter runs statfs in a goroutine with a 5 s watcher: past the timeout the mount point is
// marked "stuck", later scrapes skip it (device_error with device_error="mountpoint timeout")
// until the hung call returns and unmarks it. Here:
// - At most ONE statfs per mount point is in flight, ever. A hung call occupies one libuv pool
//   thread until the kernel returns; a second call on the same mount would take another.
// - A scrape that finds a call in flight joins it (same result) with the time it has left;
//   once the call is older than the timeout, the mount point is stuck and answers "timeout" at
//   once. When the call finally returns, the mount point is healthy again.
// - A scrape never waits longer than the timeout for any mount point.
// Limit: Node cannot cancel a blocked statfs; each hung mount point holds one libuv pool thread
// (UV_THREADPOOL_SIZE, 4 by default, shared with all async fs work of the process) until the
// kernel returns. The one-call-per-mount-point rule keeps that to one thread per hung mount.
import { statfs } from 'node:fs/promises';
import { constants } from 'node:os';
import { errnoCode } from '../read.ts';

/** What node_exporter uses of struct statfs. */
export interface StatfsValues {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

export type StatfsFn = (path: string) => Promise<StatfsValues>;

export type StatfsOutcome =
  | { kind: 'ok'; stats: StatfsValues }
  /** `message` is what Go's err.Error() says for the errno (node_exporter's device_error label). */
  | { kind: 'error'; message: string }
  | { kind: 'timeout' };

interface InFlight {
  result: Promise<StatfsOutcome>;
  /** Resolves to a timeout outcome when the call outlives the timeout. */
  timedOut: Promise<StatfsOutcome>;
  stuck: boolean;
}

export const DEFAULT_MOUNT_TIMEOUT_MS = 5000;

export class StatfsGuard {
  readonly #statfs: StatfsFn;
  readonly #timeoutMs: number;
  readonly #inFlight = new Map<string, InFlight>();

  constructor(fn: StatfsFn = statfs, timeoutMs: number = DEFAULT_MOUNT_TIMEOUT_MS) {
    this.#statfs = fn;
    this.#timeoutMs = timeoutMs;
  }

  /** True while a call on this mount point has been in flight longer than the timeout. */
  isStuck(key: string): boolean {
    return this.#inFlight.get(key)?.stuck === true;
  }

  /** Number of calls in flight (tests and diagnostics). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** statfs(path) for mount point `key`, settled within the timeout; never rejects. */
  stat(key: string, path: string): Promise<StatfsOutcome> {
    const existing = this.#inFlight.get(key);
    if (existing !== undefined) {
      return existing.stuck
        ? Promise.resolve({ kind: 'timeout' })
        : Promise.race([existing.result, existing.timedOut]);
    }
    let call: Promise<StatfsValues>;
    try {
      call = this.#statfs(path);
    } catch (err) {
      call = Promise.reject(err);
    }
    const result = call.then(
      (stats): StatfsOutcome => ({ kind: 'ok', stats }),
      (err: unknown): StatfsOutcome => ({ kind: 'error', message: goErrorString(err) }),
    );
    let timer: NodeJS.Timeout | undefined;
    const entry: InFlight = {
      result,
      stuck: false,
      timedOut: new Promise<StatfsOutcome>((resolve) => {
        timer = setTimeout(() => {
          entry.stuck = true;
          resolve({ kind: 'timeout' });
        }, this.#timeoutMs);
        // Kept ref'd: a scrape is waiting on it, and it lives no longer than the timeout.
      }),
    };
    this.#inFlight.set(key, entry);
    void result.then(() => {
      clearTimeout(timer);
      if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key);
    });
    return Promise.race([result, entry.timedOut]);
  }
}

// Go's x/sys/unix error strings (errno → Errno.Error()) for what statfs can return; others fall
// back to libuv's text, which is the same wording for most codes.
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EINTR: 'interrupted system call',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'cannot allocate memory',
  EACCES: 'permission denied',
  EFAULT: 'bad address',
  EBUSY: 'device or resource busy',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EINVAL: 'invalid argument',
  ENAMETOOLONG: 'file name too long',
  ENOSYS: 'function not implemented',
  ELOOP: 'too many levels of symbolic links',
  ENOLINK: 'link has been severed',
  EOVERFLOW: 'value too large for defined data type',
  ENOTSUP: 'operation not supported',
  ENOTCONN: 'transport endpoint is not connected',
  ETIMEDOUT: 'connection timed out',
  ECONNREFUSED: 'connection refused',
  EHOSTDOWN: 'host is down',
  EHOSTUNREACH: 'no route to host',
  ESTALE: 'stale file handle',
  EREMOTEIO: 'remote I/O error',
  ENOMEDIUM: 'no medium found',
  EKEYEXPIRED: 'key has expired',
};

/** The text node_exporter puts in device_error for a failed statfs. */
export function goErrorString(err: unknown): string {
  const code = errnoCode(err);
  const known = GO_ERRNO_TEXT[code];
  if (known !== undefined) return known;
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  const message = err instanceof Error ? err.message : String(err);
  // libuv's message: "ECODE: description, statfs '/path'".
  const m = /^[A-Z0-9]+: (.*?), statfs /.exec(message);
  if (m !== null) return m[1]!;
  return errno !== undefined ? `errno ${errno}` : message;
}
