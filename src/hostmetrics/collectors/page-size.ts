// The kernel's page size, as Go's os.Getpagesize() gives node_exporter: the AT_PAGESZ entry of
// the auxiliary vector the kernel hands every process (/proc/self/auxv). The page size is a
// property of the running kernel, so this process's view is the host's even in a container.
// Node has no API for it; 4096 (every x86 kernel, most arm64 ones) is the fallback when auxv
// cannot be read.
import { readFileSync } from 'node:fs';
import { arch, endianness } from 'node:os';

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
export const FALLBACK_PAGE_SIZE = 4096;

/**
 * AT_PAGESZ from an auxv image: (type, value) pairs of native words, ending at AT_NULL. Undefined
 * when absent or implausible (not a power of two between 1 KiB and 1 GiB).
 */
export function pageSizeFromAuxv(
  auxv: Uint8Array,
  wordBytes: 4 | 8,
  littleEndian: boolean,
): number | undefined {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  const word = (at: number): bigint =>
    wordBytes === 8 ? view.getBigUint64(at, littleEndian) : BigInt(view.getUint32(at, littleEndian));
  for (let at = 0; at + 2 * wordBytes <= auxv.byteLength; at += 2 * wordBytes) {
    const type = word(at);
    if (type === AT_NULL) break;
    if (type !== AT_PAGESZ) continue;
    const v = Number(word(at + wordBytes));
    return v >= 1024 && v <= 1 << 30 && (v & (v - 1)) === 0 ? v : undefined;
  }
  return undefined;
}

let cached: number | undefined;

/** This kernel's page size in bytes (read once). */
export function pageSize(): number {
  if (cached !== undefined) return cached;
  let size: number | undefined;
  try {
    const wordBytes = ['arm', 'ia32', 'mips', 'mipsel', 'ppc'].includes(arch()) ? 4 : 8;
    size = pageSizeFromAuxv(readFileSync('/proc/self/auxv'), wordBytes, endianness() === 'LE');
  } catch {
    // No procfs (or no auxv): the fallback below.
  }
  cached = size ?? FALLBACK_PAGE_SIZE;
  return cached;
}
