// OTLP wire codecs: the public surface. Protobuf is hand-written (the hot path: see
// bench/RESULTS.md); JSON follows the OTLP/JSON mapping (hex ids, int64 as strings, enum ints).
//
// Decoders throw DecodeError (never anything else) on malformed input, with a message that
// says what is wrong and where (field path / byte offset).
import type { Signal } from '../../model/common.ts';
import type { SignalData } from '../../model/signal.ts';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  type DecodeOptions,
} from './proto-decode.ts';
import { encodeLogsRequest, encodeMetricsRequest, encodeTracesRequest } from './proto-encode.ts';
import { decodeJsonRequest, encodeJsonRequest } from './json.ts';

export { DecodeError } from './decode-error.ts';
export type { DecodeOptions } from './proto-decode.ts';
export {
  decodeTracesRequest,
  decodeMetricsRequest,
  decodeLogsRequest,
  encodeTracesRequest,
  encodeMetricsRequest,
  encodeLogsRequest,
  decodeJsonRequest,
  encodeJsonRequest,
};
export {
  encodeExportResponse,
  decodeExportResponse,
  encodeRpcStatus,
  decodeRpcStatus,
  encodeRetryInfo,
  decodeRetryInfoDelayMs,
} from './responses.ts';
export type { ExportResponse, RpcStatus } from './responses.ts';

/**
 * Decodes an Export<Signal>ServiceRequest protobuf message. `keepEncoded` keeps each resource
 * group's scope groups as the received bytes until something reads them (receivers use it; see
 * model/encoded-groups.ts); validation is the same either way.
 */
export function decodeRequest<S extends Signal>(
  signal: S,
  buf: Uint8Array,
  opts?: DecodeOptions,
): SignalData<S> {
  switch (signal) {
    case 'traces':
      return decodeTracesRequest(buf, opts) as SignalData<S>;
    case 'metrics':
      return decodeMetricsRequest(buf, opts) as SignalData<S>;
    default:
      return decodeLogsRequest(buf, opts) as SignalData<S>;
  }
}

/** Encodes an Export<Signal>ServiceRequest protobuf message. */
export function encodeRequest<S extends Signal>(signal: S, data: SignalData<S>): Uint8Array {
  switch (signal) {
    case 'traces':
      return encodeTracesRequest(data as SignalData<'traces'>);
    case 'metrics':
      return encodeMetricsRequest(data as SignalData<'metrics'>);
    default:
      return encodeLogsRequest(data as SignalData<'logs'>);
  }
}
