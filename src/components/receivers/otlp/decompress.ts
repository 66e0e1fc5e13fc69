// Request body decompression for OTLP/HTTP, bounded: the inflater is stopped as soon as its
// output passes the limit, so a small compressed body cannot expand into gigabytes (zip bomb).
// Node's zlib convenience functions honour `maxOutputLength` by destroying the stream at the
// limit and failing with ERR_BUFFER_TOO_LARGE.
import zlib from 'node:zlib';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'zstd';

type Inflate = (buf: Buffer, opts: zlib.ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;

// zstd arrived in Node 22.15/23.8; offer it only when this Node has it.
const zstdDecompress = (zlib as unknown as { zstdDecompress?: Inflate }).zstdDecompress;

/** The Content-Encoding values accepted, for the 415 message. */
export const SUPPORTED_ENCODINGS: readonly string[] = [
  'gzip',
  'deflate',
  ...(zstdDecompress ? ['zstd'] : []),
];

/** Maps a Content-Encoding header to an encoding we can undo, or undefined when unsupported. */
export function parseContentEncoding(header: string | undefined): ContentEncoding | undefined {
  const v = (header ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  if (v === 'zstd' && zstdDecompress) return 'zstd';
  return undefined;
}

/** The decompressed body would exceed the limit. Maps to HTTP 413. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes after decompression`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body is not valid data for its Content-Encoding. Maps to HTTP 400. */
export class BadEncodingError extends Error {
  constructor(encoding: string, detail: string) {
    super(`cannot decompress ${encoding} body: ${detail}`);
    this.name = 'BadEncodingError';
  }
}

/**
 * Undoes `encoding`; the result is at most `limit` bytes, else BodyTooLargeError.
 * "deflate" is meant to be the zlib format (RFC 1950), but some senders use raw deflate
 * (RFC 1951); the zlib header is checked to pick the right inflater.
 */
export function decompress(encoding: ContentEncoding, body: Buffer, limit: number): Promise<Buffer> {
  if (encoding === 'identity') return Promise.resolve(body);
  let inflate: Inflate;
  if (encoding === 'gzip') inflate = zlib.gunzip;
  else if (encoding === 'deflate') inflate = hasZlibHeader(body) ? zlib.inflate : zlib.inflateRaw;
  else inflate = zstdDecompress!;
  return new Promise((resolve, reject) => {
    inflate(body, { maxOutputLength: limit }, (err, out) => {
      if (!err) return resolve(out);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') reject(new BodyTooLargeError(limit));
      else reject(new BadEncodingError(encoding, err.message));
    });
  });
}

/** RFC 1950: CM = 8 (deflate), window ≤ 32K, and the header's 16-bit value a multiple of 31. */
function hasZlibHeader(b: Buffer): boolean {
  if (b.length < 2) return false;
  const cmf = b[0]!;
  const flg = b[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}
