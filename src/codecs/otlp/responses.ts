// Export responses (partial success), google.rpc.Status and google.rpc.RetryInfo.
import type { Signal } from '../../model/common.ts';
import { DecodeError } from './decode-error.ts';
import { Reader, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';

export interface ExportResponse {
  rejected: number;
  errorMessage: string;
}

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = n >= 2 ** 32 ? Math.floor(n / 128) : n >>> 7;
  }
  out.push(n);
  return out;
}

function lenField(field: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(body.length)]), body]);
}

/** Export<Signal>ServiceResponse { partial_success = 1 { rejected_<items> = 1, error_message = 2 } }. */
export function encodeExportResponse(
  signal: Signal,
  resp: ExportResponse,
  format: 'proto' | 'json',
): Uint8Array | string {
  const partial = resp.rejected > 0 || resp.errorMessage !== '';
  if (format === 'json') {
    if (!partial) return '{}';
    return JSON.stringify({
      partialSuccess: { [REJECTED_FIELD[signal]]: String(resp.rejected), errorMessage: resp.errorMessage },
    });
  }
  if (!partial) return new Uint8Array(0);
  const parts: Buffer[] = [];
  if (resp.rejected > 0) parts.push(Buffer.from([(1 << 3) | 0, ...varint(resp.rejected)]));
  if (resp.errorMessage) parts.push(lenField(2, Buffer.from(resp.errorMessage, 'utf8')));
  return lenField(1, Buffer.concat(parts));
}

export function decodeExportResponse(
  signal: Signal,
  buf: Uint8Array,
  format: 'proto' | 'json',
): ExportResponse {
  const out: ExportResponse = { rejected: 0, errorMessage: '' };
  if (buf.length === 0) return out;
  if (format === 'json') {
    try {
      const v = JSON.parse(Buffer.from(buf).toString('utf8')) as { partialSuccess?: Record<string, unknown> };
      const p = v?.partialSuccess;
      if (p && typeof p === 'object') {
        out.rejected = Number(p[REJECTED_FIELD[signal]] ?? 0) || 0;
        out.errorMessage = typeof p.errorMessage === 'string' ? p.errorMessage : '';
      }
    } catch {
      // lenient: an unparsable success body is not a failure
    }
    return out;
  }
  try {
    const r = new Reader(buf);
    while (r.pos < r.end) {
      const t = r.uint32();
      if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) {
        const n = r.len();
        const end = r.pos + n;
        const outer = r.end;
        r.end = end;
        while (r.pos < end) {
          const t2 = r.uint32();
          if (t2 >>> 3 === 1 && (t2 & 7) === WIRE_VARINT) out.rejected = r.uint64Number();
          else if (t2 >>> 3 === 2 && (t2 & 7) === WIRE_LEN) out.errorMessage = r.string();
          else r.skip(t2 & 7);
        }
        r.end = outer;
      } else r.skip(t & 7);
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
  return out;
}

export interface RpcStatus {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

/** google.rpc.Status { code = 1, message = 2, details = 3 (google.protobuf.Any { type_url = 1, value = 2 }) }. */
export function encodeRpcStatus(s: RpcStatus): Uint8Array {
  const parts: Buffer[] = [];
  if (s.code) parts.push(Buffer.from([(1 << 3) | 0, ...varint(s.code >>> 0)]));
  if (s.message) parts.push(lenField(2, Buffer.from(s.message, 'utf8')));
  for (const d of s.details)
    parts.push(
      lenField(
        3,
        Buffer.concat([lenField(1, Buffer.from(d.typeUrl, 'utf8')), lenField(2, Buffer.from(d.value))]),
      ),
    );
  return Buffer.concat(parts);
}

export function decodeRpcStatus(buf: Uint8Array): RpcStatus {
  const s: RpcStatus = { code: 0, message: '', details: [] };
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const t = r.uint32();
    const f = t >>> 3;
    const w = t & 7;
    if (f === 1 && w === WIRE_VARINT) s.code = r.int32();
    else if (f === 2 && w === WIRE_LEN) s.message = r.string();
    else if (f === 3 && w === WIRE_LEN) {
      const n = r.len();
      const end = r.pos + n;
      const outer = r.end;
      r.end = end;
      const d = { typeUrl: '', value: new Uint8Array(0) as Uint8Array };
      while (r.pos < end) {
        const t2 = r.uint32();
        if (t2 >>> 3 === 1 && (t2 & 7) === WIRE_LEN) d.typeUrl = r.string();
        else if (t2 >>> 3 === 2 && (t2 & 7) === WIRE_LEN) d.value = r.bytes();
        else r.skip(t2 & 7);
      }
      r.end = outer;
      s.details.push(d);
    } else r.skip(w);
  }
  return s;
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/** google.rpc.RetryInfo { retry_delay = 1 (google.protobuf.Duration { seconds = 1, nanos = 2 }) }. */
export function encodeRetryInfo(delayMs: number): { typeUrl: string; value: Uint8Array } {
  const ms = Math.max(0, Math.round(delayMs));
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  const dur: number[] = [];
  if (seconds) dur.push((1 << 3) | 0, ...varint(seconds));
  if (nanos) dur.push((2 << 3) | 0, ...varint(nanos));
  return { typeUrl: RETRY_INFO, value: lenField(1, Buffer.from(dur)) };
}

export function decodeRetryInfoDelayMs(status: RpcStatus): number | undefined {
  const d = status.details.find((x) => x.typeUrl === RETRY_INFO);
  if (!d) return undefined;
  try {
    const r = new Reader(d.value);
    let ms = 0;
    while (r.pos < r.end) {
      const t = r.uint32();
      if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) {
        const n = r.len();
        const end = r.pos + n;
        while (r.pos < end) {
          const t2 = r.uint32();
          if (t2 >>> 3 === 1 && (t2 & 7) === WIRE_VARINT) ms += r.uint64Number() * 1000;
          else if (t2 >>> 3 === 2 && (t2 & 7) === WIRE_VARINT) ms += r.int32() / 1e6;
          else r.skip(t2 & 7);
        }
      } else r.skip(t & 7);
    }
    return ms;
  } catch {
    return undefined;
  }
}
