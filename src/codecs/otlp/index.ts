// OTLP wire codecs: the public surface. Protobuf is hand-written (the hot path: see
// bench/RESULTS.md); JSON follows the OTLP/JSON mapping (hex ids, int64 as strings, enum ints).
//
// Decoders throw DecodeError (never anything else) on malformed input, with a message that
// says what is wrong and where (field path / byte offset).
import type { Signal } from '../../model/common.ts';
import type { SignalData } from '../../model/signal.ts';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from './proto-decode.ts';
import { encodeLogsRequest, encodeMetricsRequest, encodeTracesRequest } from './proto-encode.ts';
import { decodeJsonRequest, encodeJsonRequest } from './json.ts';

export { DecodeError } from './decode-error.ts';
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

/** Decodes an Export<Signal>ServiceRequest protobuf message. */
export function decodeRequest<S extends Signal>(signal: S, buf: Uint8Array): SignalData<S> {
  switch (signal) {
    case 'traces':
      return decodeTracesRequest(buf) as SignalData<S>;
    case 'metrics':
      return decodeMetricsRequest(buf) as SignalData<S>;
    default:
      return decodeLogsRequest(buf) as SignalData<S>;
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
