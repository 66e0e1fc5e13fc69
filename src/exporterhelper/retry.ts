// One request from first attempt to final outcome: each attempt bounded by `timeout`, retryable
// failures retried with exponential backoff and jitter per `retry_on_failure`, the
// destination's own delay (Retry-After, RetryInfo) honoured when it is longer than ours.
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { RetrySettings } from '../config/schema-helpers.ts';
import type { Logger } from '../telemetry/logger.ts';
import { ExponentialBackoff } from './backoff.ts';
import type { SendFunction, SendRequest, SendResult } from './types.ts';

export type Outcome =
  | { kind: 'ok'; rejected: number; message?: string }
  /** The destination refused the data for good. */
  | { kind: 'permanent'; message: string }
  /** Retries are disabled or max_elapsed_time would be exceeded. */
  | { kind: 'exhausted'; message: string; retryAfterMs?: number }
  /** Shutdown ended the attempts before the data was delivered. */
  | { kind: 'shutdown'; message: string };

export interface DeliverOptions {
  retry: RetrySettings;
  /** Per attempt, in milliseconds; 0 = no timeout. */
  timeoutMs: number;
  /** Fires when shutdown begins: backoff waits end and no new retries start. */
  stopping: AbortSignal;
  /** Fires when in-flight attempts must be abandoned (the drain deadline passed). */
  hardStop: AbortSignal;
  /**
   * When shutdown interrupts a backoff wait: true = one last attempt now (a memory queue
   * draining), false = give up at once (a persistent queue keeps the data for the next start).
   */
  lastAttemptOnStop: boolean;
  logger: Logger;
  random?: () => number;
  now?: () => number;
}

/** Resolves with the final outcome; never rejects. */
export async function deliver(send: SendFunction, req: SendRequest, opts: DeliverOptions): Promise<Outcome> {
  const now = opts.now ?? Date.now;
  const started = now();
  const backoff = new ExponentialBackoff(opts.retry, opts.random);
  for (;;) {
    if (opts.hardStop.aborted)
      return { kind: 'shutdown', message: 'exporter stopped before the request was sent' };
    const result = await attempt(send, req, opts.timeoutMs, opts.hardStop);
    if (result.kind === 'ok') return { kind: 'ok', rejected: result.rejected ?? 0, message: result.message };
    if (result.kind === 'permanent') return result;
    if (opts.stopping.aborted) return { kind: 'shutdown', message: result.message };
    if (!opts.retry.enabled)
      return { kind: 'exhausted', message: result.message, retryAfterMs: result.retryAfterMs };
    let wait = backoff.next();
    if (result.retryAfterMs !== undefined) wait = Math.max(wait, result.retryAfterMs);
    const max = opts.retry.max_elapsed_time;
    if (max > 0 && now() - started + wait > max) {
      return { kind: 'exhausted', message: result.message, retryAfterMs: result.retryAfterMs };
    }
    opts.logger.info(
      { signal: req.signal, items: req.items, error: result.message, interval_ms: Math.round(wait) },
      'Exporting failed. Will retry the request after interval.',
    );
    const slept = await sleep(wait, opts.stopping);
    if (!slept && !opts.lastAttemptOnStop) return { kind: 'shutdown', message: result.message };
  }
}

/** One attempt with its own timeout; expected failures and throws become SendResults. */
async function attempt(
  send: SendFunction,
  req: SendRequest,
  timeoutMs: number,
  hardStop: AbortSignal,
): Promise<SendResult> {
  const ctl = new AbortController();
  let timedOut = false;
  const onStop = () => ctl.abort(new Error('exporter stopped'));
  hardStop.addEventListener('abort', onStop, { once: true });
  // A cleared timer rather than AbortSignal.timeout(): under load, thousands of 30 s timers that
  // cannot be cancelled would pile up.
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
  try {
    const r = await send(req, ctl.signal);
    if (r.kind !== 'ok' && timedOut)
      return { kind: 'retryable', message: `request timed out after ${timeoutMs} ms` };
    return r;
  } catch (e) {
    const message = timedOut ? `request timed out after ${timeoutMs} ms` : (e as Error).message;
    return { kind: 'retryable', message };
  } finally {
    clearTimeout(timer);
    hardStop.removeEventListener('abort', onStop);
  }
}

/** Waits `ms`; resolves false when `signal` ends the wait early. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleepFor(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
