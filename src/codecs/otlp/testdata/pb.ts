// A tiny forward protobuf builder for hand-made test messages, independent of the codec's
// writer: each helper returns one encoded field; `msg` concatenates fields into a body.
//   msg(f.str(1, 'name'), f.len(2, msg(f.varint(1, 5))), f.fixed64(7, 10n))
import { EncodedGroup } from '../../../model/encoded-groups.ts';

function varint(v: bigint): number[] {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
}

const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));

export type Part = Uint8Array;

export function msg(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

export const f = {
  varint: (field: number, v: number | bigint): Part => Uint8Array.from([...tag(field, 0), ...varint(BigInt(v))]),
  sint: (field: number, v: number): Part =>
    Uint8Array.from([...tag(field, 0), ...varint(BigInt(v >= 0 ? v * 2 : -v * 2 - 1))]),
  fixed64: (field: number, v: bigint): Part => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return Uint8Array.from([...tag(field, 1), ...b]);
  },
  double: (field: number, v: number): Part => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return Uint8Array.from([...tag(field, 1), ...b]);
  },
  fixed32: (field: number, v: number): Part => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return Uint8Array.from([...tag(field, 5), ...b]);
  },
  len: (field: number, body: Uint8Array | string): Part => {
    const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return msg(Uint8Array.from([...tag(field, 2), ...varint(BigInt(b.length))]), b);
  },
  /** Packed repeated: the concatenated raw values as one length-delimited field. */
  packed: (field: number, raw: Uint8Array): Part => f.len(field, raw),
  /** Unknown fields of every wire type protobuf uses, with numbers no OTLP message has. */
  unknown: (): Part =>
    msg(f.varint(1000, 7), f.fixed64(1001, 1n), f.len(1002, 'future'), f.fixed32(1003, 9), f.len(1004, msg(f.varint(1, 1)))),
};

/** Raw little-endian fixed64 / double values for packed fields. */
export function rawFixed64(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setBigUint64(i * 8, BigInt(x), true));
  return b;
}

export function rawDoubles(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat64(i * 8, x, true));
  return b;
}

export function rawVarints(values: number[]): Uint8Array {
  return Uint8Array.from(values.flatMap((x) => varint(BigInt(x))));
}

/** Wraps item bodies in the request → resource group → scope group layout (all signals share it). */
export function request(...items: Uint8Array[]): Uint8Array {
  return msg(f.len(1, msg(f.len(2, msg(...items.map((i) => f.len(2, i)))))));
}

/** Byte arrays compare by content whatever their class (decoders return views). */
export function canon(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  // Encoded resource groups (model/encoded-groups.ts) compare by their plain form.
  if (v instanceof EncodedGroup) return canon(v.toJSON());
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}
