// A minimal protobuf reader for tests, independent of the product's codec: enough to check
// google.rpc.Status, google.rpc.RetryInfo and Export*ServiceResponse bodies.

export interface Field {
  no: number;
  /** varint value, or the bytes of a length-delimited field. */
  value: bigint | Uint8Array;
}

export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated field');
      out.push({ no, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (v: bigint | Uint8Array | undefined) =>
  v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : '';

export interface Status {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

export function readStatus(buf: Uint8Array): Status {
  const st: Status = { code: 0, message: '', details: [] };
  for (const f of readFields(buf)) {
    if (f.no === 1) st.code = Number(f.value);
    else if (f.no === 2) st.message = text(f.value);
    else if (f.no === 3 && f.value instanceof Uint8Array) {
      const any = readFields(f.value);
      st.details.push({
        typeUrl: text(any.find((x) => x.no === 1)?.value),
        value: (any.find((x) => x.no === 2)?.value as Uint8Array | undefined) ?? new Uint8Array(),
      });
    }
  }
  return st;
}

/** google.rpc.RetryInfo → retry_delay in milliseconds. */
export function readRetryDelayMs(buf: Uint8Array): number {
  const delay = readFields(buf).find((f) => f.no === 1)?.value;
  if (!(delay instanceof Uint8Array)) return 0;
  let ms = 0;
  for (const f of readFields(delay)) {
    if (f.no === 1) ms += Number(f.value) * 1000;
    if (f.no === 2) ms += Number(f.value) / 1e6;
  }
  return ms;
}

/** Export*ServiceResponse → partial_success, or undefined when the field is absent. */
export function readPartialSuccess(buf: Uint8Array): { rejected: number; errorMessage: string } | undefined {
  const ps = readFields(buf).find((f) => f.no === 1)?.value;
  if (!(ps instanceof Uint8Array)) return undefined;
  const fields = readFields(ps);
  return {
    rejected: Number(fields.find((f) => f.no === 1)?.value ?? 0n),
    errorMessage: text(fields.find((f) => f.no === 2)?.value),
  };
}
