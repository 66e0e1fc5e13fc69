// OTEL_RESOURCE_ATTRIBUTES: `key1=value1,key2=value2`, values percent-encoded (W3C Baggage
// octets). Per the OpenTelemetry SDK environment specification, a value that cannot be parsed
// is discarded as a whole and the error reported — half a resource is worse than none, since it
// would be taken for the whole.

export type ParsedAttributes =
  { ok: true; attributes: Array<[string, string]> } | { ok: false; error: string };

export function parseResourceAttributes(text: string): ParsedAttributes {
  const out: Array<[string, string]> = [];
  if (text.trim() === '') return { ok: true, attributes: out };
  const parts = text.split(',');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.trim() === '') continue; // a trailing or doubled comma
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, error: `pair ${i + 1} ("${clip(part)}") has no "="` };
    const key = part.slice(0, eq).trim();
    if (key === '') return { ok: false, error: `pair ${i + 1} has an empty key` };
    if (!/^[\x21-\x7e]+$/.test(key) || /[=,;"\\]/.test(key))
      return { ok: false, error: `pair ${i + 1}: key "${clip(key)}" has characters a key may not have` };
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return { ok: false, error: `pair ${i + 1} ("${clip(key)}"): the value is not valid percent-encoding` };
    }
    out.push([key, value]);
  }
  return { ok: true, attributes: out };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
