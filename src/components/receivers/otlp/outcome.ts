// How a request ends, independent of transport: the HTTP status, the gRPC code and the
// telemetry reason for each way a request can be refused. One table so both servers answer the
// same failure the same way (OTLP specification, "Failures" for OTLP/gRPC and OTLP/HTTP).
import { DecodeError } from '../../../codecs/otlp/index.ts';
import { PermanentError, RetryableError } from '../../../pipeline/errors.ts';

/** google.rpc.Code values used here (the same numbers gRPC puts in grpc-status). */
export const RpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
  UNIMPLEMENTED: 12,
} as const;

export interface Refusal {
  /** Telemetry reason label, e.g. "decode_error", "queue_full". */
  reason: string;
  /** Told to the sender (HTTP Status body message / gRPC status details). */
  message: string;
  httpStatus: number;
  grpcCode: number;
  /** Set when the sender should retry: Retry-After / google.rpc.RetryInfo. */
  retryAfterMs?: number;
  /** True when nothing about the server is wrong (no error log). */
  expected: boolean;
}

/** The payload could not be decoded: 400 / INVALID_ARGUMENT. */
export function decodeRefusal(err: DecodeError): Refusal {
  return {
    reason: 'decode_error',
    message: err.message,
    httpStatus: 400,
    grpcCode: RpcCode.INVALID_ARGUMENT,
    expected: true,
  };
}

/**
 * Partial success. Contract (proposed for src/pipeline/errors.ts, duck-typed until then): a
 * consumer that accepted part of a payload and can never accept the rest rejects with a
 * PermanentError carrying `rejectedItems` (an integer, 0 < rejectedItems < the payload's item
 * count). The receiver then acknowledges with 200 / OK and reports the count and the message in
 * the response's partial_success field.
 */
export function partialRejection(err: unknown, total: number): number | undefined {
  if (!(err instanceof PermanentError)) return undefined;
  const n = (err as { rejectedItems?: unknown }).rejectedItems;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < total ? n : undefined;
}

/** Maps a consumer's rejection to what the sender is told. */
export function consumeRefusal(err: unknown): Refusal {
  if (err instanceof RetryableError) {
    const pressure = err.reason === 'memory_pressure' || err.reason === 'queue_full';
    return {
      reason: err.reason,
      message: err.message,
      // 429 / RESOURCE_EXHAUSTED(+RetryInfo) say "slow down"; 503 / UNAVAILABLE "try again later".
      httpStatus: pressure ? 429 : 503,
      grpcCode: pressure ? RpcCode.RESOURCE_EXHAUSTED : RpcCode.UNAVAILABLE,
      retryAfterMs: Math.max(0, err.retryAfterMs),
      expected: true,
    };
  }
  if (err instanceof PermanentError || err instanceof DecodeError) {
    return {
      reason: 'permanent_error',
      message: err.message,
      httpStatus: 400,
      grpcCode: RpcCode.INVALID_ARGUMENT,
      expected: true,
    };
  }
  return internalRefusal(err);
}

/** A bug or an unclassified failure: 500 / INTERNAL, logged as an error by the caller. */
export function internalRefusal(err: unknown): Refusal {
  const detail = err instanceof Error ? err.message : String(err);
  return {
    reason: 'internal_error',
    message: `internal error: ${detail}`,
    httpStatus: 500,
    grpcCode: RpcCode.INTERNAL,
    expected: false,
  };
}

/** Retry-After in whole seconds, at least 1 (0 would invite an immediate retry storm). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
