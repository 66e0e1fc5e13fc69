// Seeded pseudo-random numbers for the workload engine. Every random choice the engine makes
// (names, uids, timings, fates) comes from one Rng so that the same seed replays the same cluster.

/** Characters Kubernetes uses for generated name suffixes (k8s.io/apimachinery/pkg/util/rand). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';

/** sfc32: small, fast, good enough statistically, and fully determined by a 32-bit seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Discard the first outputs: they are correlated with the seed.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Exponentially distributed delay with the given mean (Poisson arrivals). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }

  /** A generated-name suffix like the API server's generateName (5 characters). */
  suffix(length = 5): string {
    let s = '';
    for (let i = 0; i < length; i++) s += SUFFIX_ALPHABET[Math.floor(this.next() * SUFFIX_ALPHABET.length)];
    return s;
  }

  /** A version-4 UUID drawn from this generator. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/**
 * Hash-like hex string derived only from `text` (FNV-1a, repeated): used where Kubernetes shows a
 * content hash (pod-template-hash, controller-revision-hash, image digests) so that equal content
 * gets equal hashes without consuming random numbers.
 */
export function contentHash(text: string, hexLength: number): string {
  let out = '';
  let round = 0;
  while (out.length < hexLength) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    out += (h >>> 0).toString(16).padStart(8, '0');
    round++;
  }
  return out.slice(0, hexLength);
}

/** pod-template-hash style: a content hash spelled with the generated-name alphabet. */
export function safeHash(text: string, length = 10): string {
  const hex = contentHash(text, length * 2);
  let s = '';
  for (let i = 0; i < length; i++) {
    s += SUFFIX_ALPHABET[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % SUFFIX_ALPHABET.length];
  }
  return s;
}
