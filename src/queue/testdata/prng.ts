// A small seeded PRNG (mulberry32) so randomized tests replay exactly from the printed seed.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

/** Deterministic payload for item number `n`: its number in the first 8 bytes, then a pattern. */
export function payloadFor(n: number, length: number): Buffer {
  const b = Buffer.alloc(Math.max(8, length));
  b.writeBigUInt64LE(BigInt(n));
  for (let i = 8; i < b.length; i++) b[i] = (n * 31 + i * 7) & 0xff;
  return b;
}

/** The item number written by payloadFor, after checking every byte of the pattern. */
export function checkPayload(p: Uint8Array): number {
  const b = Buffer.from(p.buffer, p.byteOffset, p.length);
  if (b.length < 8) throw new Error(`payload too short: ${b.length}`);
  const n = Number(b.readBigUInt64LE(0));
  for (let i = 8; i < b.length; i++)
    if (b[i] !== ((n * 31 + i * 7) & 0xff)) throw new Error(`payload of item ${n} corrupt at byte ${i}`);
  return n;
}
