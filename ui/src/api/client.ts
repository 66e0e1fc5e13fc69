// The REST API client: same origin (the backend serves the UI and forwards /api to the API).
import type { AnyValue, KeyValue } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type Params = Record<string, string | number | undefined | null | string[]>;

/** `/api/v1/<path>?<params>`: undefined/null/'' values are left out, arrays repeat the key. */
export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return `/api/v1/${path.replace(/^\//, '')}${s ? `?${s}` : ''}`;
}

let unauthorized: (() => void) | undefined;

/** Called whenever the API answers 401 (the shell then asks for the token). */
export function onUnauthorized(f: (() => void) | undefined): void {
  unauthorized = f;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal: signal ?? null, headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'bad_response', `${res.status} ${res.statusText}: not JSON`);
  }
  if (res.status === 401) unauthorized?.();
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

/** An OTLP AnyValue as display text. */
export function anyText(v: AnyValue | undefined): string {
  if (!v) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(anyText).join(', ')}]`;
  if ('kvlistValue' in v)
    return `{${v.kvlistValue.values.map((kv) => `${kv.key}: ${anyText(kv.value)}`).join(', ')}}`;
  return '';
}

export function attr(kvs: KeyValue[] | undefined, key: string): string | undefined {
  const kv = kvs?.find((x) => x.key === key);
  return kv ? anyText(kv.value) : undefined;
}
