// The exposition cache of one resource, as kube-state-metrics keeps it: every object's series
// are serialized once, when the object changes, one string per family; a scrape only
// concatenates (family by family, so each family's HELP/TYPE appears once). An update costs the
// changed object's families and nothing else, whatever the cluster's size.
import { familyHeader } from './format.ts';
import type { ExpositionFormat } from './format.ts';
import { serializeObject } from './serialize.ts';
import type { GenerateErrorHandler } from './serialize.ts';
import type { FamilyDef, GenerateContext, KubeResourceObject, ResourceDef } from './types.ts';

/** What the cache keeps of an object: its serialized families. */
export interface CachedObject {
  readonly chunks: readonly string[];
}

/** An object another shard owns: kept (so the informer can diff it) with nothing to expose. */
export const NOT_OWNED: CachedObject = Object.freeze({ chunks: Object.freeze([]) });

export class ResourceMetricsStore<T extends KubeResourceObject = KubeResourceObject> {
  readonly def: ResourceDef<T>;
  readonly families: readonly FamilyDef<T>[];
  private readonly ctx: GenerateContext;
  private readonly onError: GenerateErrorHandler | undefined;
  private readonly headers: Record<ExpositionFormat, string[]>;

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
      text: families.map((f) => familyHeader(f, 'text')),
      openmetrics: families.map((f) => familyHeader(f, 'openmetrics')),
    };
  }

  /** Serializes one object (the informer's transform: the raw object is dropped afterwards). */
  serialize(obj: T): CachedObject {
    return { chunks: serializeObject(this.def, this.families, obj, this.ctx, this.onError) };
  }

  /**
   * Appends the exposition of `objects` to `out`: nothing at all when none has series (as
   * kube-state-metrics omits the headers of empty stores), else each family's header followed by
   * every object's lines for it.
   */
  write(objects: Iterable<CachedObject>, format: ExpositionFormat, out: string[]): void {
    const owned: CachedObject[] = [];
    for (const o of objects) if (o.chunks.length > 0) owned.push(o);
    if (owned.length === 0) return;
    const headers = this.headers[format];
    for (let i = 0; i < this.families.length; i++) {
      let s = headers[i]!;
      for (const o of owned) s += o.chunks[i]!;
      out.push(s);
    }
  }
}
