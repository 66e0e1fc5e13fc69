// Response bodies: Export<Signal>ServiceResponse on success, google.rpc.Status on failure (as
// the OTLP specification asks of OTLP/HTTP, in the request's format), and the Status with a
// google.rpc.RetryInfo detail that gRPC carries in `grpc-status-details-bin`.
import { encodeExportResponse, encodeRetryInfo, encodeRpcStatus } from '../../../codecs/otlp/index.ts';
import type { Signal } from '../../../model/common.ts';
import type { BodyFormat } from './intake.ts';
import type { Refusal } from './outcome.ts';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** The success body; partial_success is present only when something was rejected. */
export function exportResponseBody(
  signal: Signal,
  rejected: number,
  errorMessage: string,
  format: BodyFormat,
): Buffer {
  return toBuffer(encodeExportResponse(signal, { rejected, errorMessage }, format));
}

/** A google.rpc.Status for a refusal, with RetryInfo when the sender should wait. */
export function statusBody(refusal: Refusal, format: BodyFormat): Buffer {
  // encodeRetryInfo gives the google.protobuf.Any (type URL + RetryInfo bytes).
  const details = refusal.retryAfterMs !== undefined ? [encodeRetryInfo(refusal.retryAfterMs)] : [];
  if (format === 'proto') {
    return toBuffer(encodeRpcStatus({ code: refusal.grpcCode, message: refusal.message, details }));
  }
  // OTLP/JSON Status: protobuf JSON mapping; an Any is {"@type", ...fields} — for RetryInfo
  // the Duration field is a string of seconds ("1.5s").
  const json: Record<string, unknown> = { code: refusal.grpcCode, message: refusal.message };
  if (refusal.retryAfterMs !== undefined) {
    json.details = [{ '@type': RETRY_INFO_TYPE, retryDelay: `${refusal.retryAfterMs / 1000}s` }];
  }
  return Buffer.from(JSON.stringify(json));
}

/** `grpc-status-details-bin`: the serialized Status (with RetryInfo when retryable). */
export function grpcStatusDetails(refusal: Refusal): Buffer {
  return statusBody(refusal, 'proto');
}

function toBuffer(b: Uint8Array | string): Buffer {
  if (typeof b === 'string') return Buffer.from(b);
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
