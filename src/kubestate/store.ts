// The exposition cache of one resource, as kube-state-metrics keeps it: every object's series
// are serialized once, when the object changes; a scrape only copies bytes (family by family,
// so each family's HELP/TYPE appears once). An update costs the changed object's families and
// nothing else, whatever the cluster's size.
//
// An object's families are kept as one UTF-8 buffer with the end offset of each family: outside
// the JS heap (10,000 pods are ~60 MB of exposition that the garbage collector then never
// scans) and copied to the response without re-encoding.
import type { ChunkWriter } from './chunk-writer.ts';
import { familyHeader } from './format.ts';
import type { ExpositionFormat } from './format.ts';
import { serializeObject } from './serialize.ts';
import type { GenerateErrorHandler } from './serialize.ts';
import type { FamilyDef, GenerateContext, KubeResourceObject, ResourceDef } from './types.ts';

/** What the cache keeps of an object: its serialized families. */
export interface CachedObject {
  /** Every family's series lines back to back. */
  readonly bytes: Buffer;
  /** ends[i]: where family i's lines end in `bytes` (they start at ends[i - 1], or 0). Empty when not owned. */
  readonly ends: Uint32Array;
}

/** An object another shard owns: kept (so the informer can diff it) with nothing to expose. */
export const NOT_OWNED: CachedObject = Object.freeze({ bytes: Buffer.alloc(0), ends: new Uint32Array(0) });

export function isOwned(o: CachedObject): boolean {
  return o.ends.length > 0;
}

/** Family i's series lines of a cached object, as text ('' when it has none). */
export function familyText(o: CachedObject, i: number): string {
  const start = i === 0 ? 0 : o.ends[i - 1]!;
  const end = o.ends[i]!;
  return end > start ? o.bytes.toString('utf8', start, end) : '';
}

/** Packs per-family strings into a CachedObject. */
export function packFamilies(parts: readonly string[]): CachedObject {
  const ends = new Uint32Array(parts.length);
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    total += parts[i]!.length === 0 ? 0 : Buffer.byteLength(parts[i]!);
    ends[i] = total;
  }
  // Not from the shared pool: a pooled slice would keep its whole 8 KiB slab alive for as long
  // as the object is cached.
  const bytes = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  for (const p of parts) if (p.length > 0) pos += bytes.write(p, pos);
  return { bytes, ends };
}

export class ResourceMetricsStore<T extends KubeResourceObject = KubeResourceObject> {
  readonly def: ResourceDef<T>;
  readonly families: readonly FamilyDef<T>[];
  private readonly ctx: GenerateContext;
  private readonly onError: GenerateErrorHandler | undefined;
  private readonly headers: Record<ExpositionFormat, Buffer[]>;

  constructor(
    def: ResourceDef<T>,
    families: readonly FamilyDef<T>[],
    ctx: GenerateContext,
    onError?: GenerateErrorHandler,
  ) {
    this.def = def;
    this.families = families;
    this.ctx = ctx;
    this.onError = onError;
    this.headers = {
      text: families.map((f) => Buffer.from(familyHeader(f, 'text'))),
      openmetrics: families.map((f) => Buffer.from(familyHeader(f, 'openmetrics'))),
    };
  }

  /** Serializes one object (the informer's transform: the raw object is dropped afterwards). */
  serialize(obj: T): CachedObject {
    return packFamilies(serializeObject(this.def, this.families, obj, this.ctx, this.onError));
  }

  /**
   * Writes the exposition of `objects` into `w`, yielding the chunks it fills after each family:
   * nothing at all when no object is owned (as kube-state-metrics omits the headers of empty
   * stores), else each family's header followed by every object's lines for it. The objects are
   * taken once, up front, so a scrape is consistent even if the informer updates the store while
   * the response is being streamed.
   */
  *write(objects: Iterable<CachedObject>, format: ExpositionFormat, w: ChunkWriter): Generator<Buffer> {
    const owned: CachedObject[] = [];
    for (const o of objects) if (isOwned(o)) owned.push(o);
    if (owned.length === 0) return;
    const headers = this.headers[format];
    for (let i = 0; i < this.families.length; i++) {
      w.put(headers[i]!);
      for (const o of owned) {
        const start = i === 0 ? 0 : o.ends[i - 1]!;
        const end = o.ends[i]!;
        if (end > start) w.put(o.bytes, start, end);
      }
      yield* w.take();
    }
  }
}
