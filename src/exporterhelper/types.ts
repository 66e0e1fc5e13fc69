// The contract between the exporter helper (queue, workers, retries, telemetry) and a concrete
// exporter (otlp, otlphttp), which only knows how to put one encoded request on the wire.
import type { QueueItem } from '../queue/types.ts';

/** One export request as queued: the signal, its item count and the protobuf bytes to send. */
export type SendRequest = QueueItem;

/**
 * The outcome of one attempt. A send function resolves with one of these for every expected
 * failure (HTTP status, gRPC status, network error, timeout); if it throws, the helper treats
 * the throw as a retryable failure.
 */
export type SendResult =
  /** Delivered. `rejected` items were refused by the destination (OTLP partial success). */
  | { kind: 'ok'; rejected?: number; message?: string }
  /** Worth trying again; `retryAfterMs` is the destination's own delay (Retry-After, RetryInfo). */
  | { kind: 'retryable'; message: string; retryAfterMs?: number }
  /** Will never succeed (bad request, unauthenticated, …): dropped and counted. */
  | { kind: 'permanent'; message: string };

/**
 * Sends one request once. `abort` fires when the attempt's timeout expires or the exporter is
 * shutting down for good; the function must then give up promptly (resolving or rejecting).
 */
export type SendFunction = (req: SendRequest, abort: AbortSignal) => Promise<SendResult>;
