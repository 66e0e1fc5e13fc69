// Export responses (partial success), google.rpc.Status and google.rpc.RetryInfo.
//
// Export<Signal>ServiceResponse { partial_success = 1: Export<Signal>PartialSuccess {
//   rejected_spans | rejected_data_points | rejected_log_records = 1 (int64), error_message = 2 } }
// google.rpc.Status { code = 1 (int32), message = 2, details = 3 (repeated google.protobuf.Any
//   { type_url = 1, value = 2 }) }
// google.rpc.RetryInfo { retry_delay = 1: google.protobuf.Duration { seconds = 1 (int64),
//   nanos = 2 (int32) } }
//
// Decoders throw DecodeError (only) on malformed input; unknown fields are skipped.
import type { Signal } from '../../model/common.ts';
import { DecodeError, INTERNAL_ERROR } from './decode-error.ts';
import { ProtoReader } from './protobuf-reader.ts';
import { ProtoWriter } from './protobuf-writer.ts';

export interface ExportResponse {
  /** Items the server rejected (0: all accepted). */
  rejected: number;
  errorMessage: string;
}

export interface RpcStatus {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

const REJECTED_JSON: Record<Signal, [camel: string, snake: string]> = {
  traces: ['rejectedSpans', 'rejected_spans'],
  metrics: ['rejectedDataPoints', 'rejected_data_points'],
  logs: ['rejectedLogRecords', 'rejected_log_records'],
};

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** Runs a decoder, turning anything but a DecodeError into one (the decoders' contract). */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(`${what}: ${e.message}`);
    // JSON.parse errors are expected; anything else would be a decoder bug.
    const internal = e instanceof SyntaxError ? '' : `${INTERNAL_ERROR}: `;
    throw new DecodeError(`${what}: ${internal}${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---- export responses -------------------------------------------------------------------

/**
 * Export<Signal>ServiceResponse. With nothing rejected and no message it is the empty message
 * (zero bytes / `{}`), as the Collector sends on full success.
 */
export function encodeExportResponse(
  signal: Signal,
  resp: ExportResponse,
  format: 'proto' | 'json',
): Uint8Array | string {
  const rejected = Math.max(0, Math.trunc(resp.rejected) || 0);
  const partial = rejected > 0 || resp.errorMessage !== '';
  if (format === 'json') {
    if (!partial) return '{}';
    const p: Record<string, string> = {};
    // int64 is a decimal string in OTLP/JSON; defaults are omitted.
    if (rejected > 0) p[REJECTED_JSON[signal][0]] = String(rejected);
    if (resp.errorMessage !== '') p.errorMessage = resp.errorMessage;
    return JSON.stringify({ partialSuccess: p });
  }
  if (!partial) return new Uint8Array(0);
  const w = new ProtoWriter(64 + resp.errorMessage.length * 3);
  const start = w.length();
  if (resp.errorMessage !== '') {
    w.string(resp.errorMessage);
    w.byte(0x12);
  }
  if (rejected > 0) {
    w.int64(rejected);
    w.byte(0x08);
  }
  w.close(start, 0x0a);
  return w.finish();
}

/** Lenient about what is absent (an empty body or `{}` is full success), strict about form. */
export function decodeExportResponse(
  signal: Signal,
  buf: Uint8Array,
  format: 'proto' | 'json',
): ExportResponse {
  const out: ExportResponse = { rejected: 0, errorMessage: '' };
  if (buf.length === 0) return out;
  if (format === 'json') return guarded('invalid export response', () => decodeJsonResponse(signal, buf));
  return guarded('invalid export response', () => {
    const r = new ProtoReader(buf);
    const end = r.limit;
    while (r.pos < end) {
      const t = r.tag();
      if (t !== 0x0a) {
        r.skip(t, end);
        continue;
      }
      const e = r.len(end) + r.pos;
      while (r.pos < e) {
        const t2 = r.tag();
        if (t2 === 0x08) out.rejected = Number(r.int64());
        else if (t2 === 0x12) out.errorMessage = r.string(e);
        else r.skip(t2, e);
      }
      r.checkEnd(e);
    }
    return out;
  });
}

function decodeJsonResponse(signal: Signal, buf: Uint8Array): ExportResponse {
  const out: ExportResponse = { rejected: 0, errorMessage: '' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new DecodeError('the body is not valid UTF-8');
  }
  if (text.trim() === '') return out;
  const v: unknown = JSON.parse(text);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new DecodeError('expected a JSON object');
  const o = v as Record<string, unknown>;
  const p = o.partialSuccess ?? o.partial_success;
  if (p === undefined || p === null) return out;
  if (typeof p !== 'object' || Array.isArray(p)) throw new DecodeError('partialSuccess: expected an object');
  const ps = p as Record<string, unknown>;
  const [camel, snake] = REJECTED_JSON[signal];
  const rejected = ps[camel] ?? ps[snake];
  if (rejected !== undefined && rejected !== null) {
    const n = typeof rejected === 'string' && /^-?\d+$/.test(rejected) ? Number(rejected) : rejected;
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw new DecodeError(`partialSuccess.${camel}: expected an integer`);
    out.rejected = n;
  }
  const msg = ps.errorMessage ?? ps.error_message;
  if (msg !== undefined && msg !== null) {
    if (typeof msg !== 'string') throw new DecodeError('partialSuccess.errorMessage: expected a string');
    out.errorMessage = msg;
  }
  return out;
}

// ---- google.rpc.Status --------------------------------------------------------------------

export function encodeRpcStatus(s: RpcStatus): Uint8Array {
  const w = new ProtoWriter(256);
  for (let i = s.details.length - 1; i >= 0; i--) {
    const d = s.details[i]!;
    const start = w.length();
    if (d.value.length !== 0) {
      w.bytes(d.value);
      w.byte(0x12);
    }
    if (d.typeUrl !== '') {
      w.string(d.typeUrl);
      w.byte(0x0a);
    }
    w.close(start, 0x1a);
  }
  if (s.message !== '') {
    w.string(s.message);
    w.byte(0x12);
  }
  if (s.code !== 0) {
    w.int32(s.code);
    w.byte(0x08);
  }
  return w.finish();
}

export function decodeRpcStatus(buf: Uint8Array): RpcStatus {
  return guarded('invalid google.rpc.Status', () => {
    const s: RpcStatus = { code: 0, message: '', details: [] };
    const r = new ProtoReader(buf);
    const end = r.limit;
    while (r.pos < end) {
      const t = r.tag();
      if (t === 0x08) s.code = r.int32();
      else if (t === 0x12) s.message = r.string(end);
      else if (t === 0x1a) {
        const e = r.len(end) + r.pos;
        let typeUrl = '';
        // A copy: details outlive the (possibly pooled) buffer they arrived in.
        let value = new Uint8Array(0);
        while (r.pos < e) {
          const t2 = r.tag();
          if (t2 === 0x0a) typeUrl = r.string(e);
          else if (t2 === 0x12) value = r.bytes(e).slice();
          else r.skip(t2, e);
        }
        r.checkEnd(e);
        s.details.push({ typeUrl, value });
      } else r.skip(t, end);
    }
    return s;
  });
}

// ---- google.rpc.RetryInfo -------------------------------------------------------------------

/** A RetryInfo detail asking to wait `delayMs` (rounded to whole milliseconds, at least 0). */
export function encodeRetryInfo(delayMs: number): { typeUrl: string; value: Uint8Array } {
  const ms = Math.max(0, Math.round(Number.isFinite(delayMs) ? delayMs : 0));
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  const w = new ProtoWriter(32);
  const start = w.length();
  if (nanos !== 0) {
    w.int32(nanos);
    w.byte(0x10);
  }
  if (seconds !== 0) {
    w.int64(seconds);
    w.byte(0x08);
  }
  w.close(start, 0x0a);
  return { typeUrl: RETRY_INFO_TYPE_URL, value: w.finish() };
}

/**
 * The delay of the first RetryInfo detail in milliseconds, or undefined when there is none or
 * it cannot be read. Negative durations count as 0.
 */
export function decodeRetryInfoDelayMs(status: RpcStatus): number | undefined {
  const d = status.details.find((x) => x.typeUrl === RETRY_INFO_TYPE_URL);
  if (!d) return undefined;
  try {
    const r = new ProtoReader(d.value);
    const end = r.limit;
    let seconds = 0;
    let nanos = 0;
    while (r.pos < end) {
      const t = r.tag();
      if (t !== 0x0a) {
        r.skip(t, end);
        continue;
      }
      const e = r.len(end) + r.pos;
      while (r.pos < e) {
        const t2 = r.tag();
        if (t2 === 0x08) seconds = Number(r.int64());
        else if (t2 === 0x10) nanos = r.int32();
        else r.skip(t2, e);
      }
      r.checkEnd(e);
    }
    return Math.max(0, seconds * 1000 + nanos / 1e6);
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}
