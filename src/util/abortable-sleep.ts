// A wait that ends early — resolving, never rejecting — when its signal aborts, and leaves no
// timer or listener behind either way. For loops that sleep between attempts and must stop at once.

/** Waits `ms`, or until `signal` aborts. Resolves true when the full time passed. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
