// Errors that travel back up a pipeline to the receiver, which turns them into the
// sender-facing status (HTTP 429/503/400, gRPC RESOURCE_EXHAUSTED/UNAVAILABLE/INVALID_ARGUMENT).

export type RetryReason = 'memory_pressure' | 'queue_full' | 'unavailable';

/** The sender should retry later; nothing was accepted. */
export class RetryableError extends Error {
  readonly reason: RetryReason;
  /** How long the sender should wait, when known. */
  readonly retryAfterMs: number;
  constructor(message: string, reason: RetryReason, retryAfterMs = 1000) {
    super(message);
    this.name = 'RetryableError';
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The data can never be accepted (malformed, rejected by policy); retrying will not help. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

export function isRetryable(err: unknown): err is RetryableError {
  return err instanceof RetryableError;
}
