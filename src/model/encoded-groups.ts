// Resource groups that keep their scope groups as the protobuf bytes they arrived in.
//
// Why: an agent that only batches and forwards spends most of its CPU decoding every attribute
// into objects, collecting those objects as garbage, and encoding them again — for data it never
// looks at. The receiver validates a request by decoding it fully (so malformed data is refused
// exactly as before), then keeps each resource group's `resource` decoded (resource processors
// and enrichment change it) and its scope groups as the received bytes. The exporter copies
// those bytes verbatim.
//
// Contract:
// - Reading `scopeSpans` / `scopeLogs` / `scopeMetrics` decodes the bytes (the first time) and
//   from then on the group behaves as a plain resource group: the bytes are forgotten, because
//   whoever read the scopes may change them. Assigning the property does the same.
// - `encodedScopes()` returns the bytes only while nobody has read the scopes: the encoder uses
//   it to skip re-encoding; everything else must use the scope property.
// - `pendingItemCount()` is the number of items while the bytes are pending (counted when the
//   request was validated), else -1.
// - The bytes are a view into the received request: nobody may write to them.
import type { Resource } from './common.ts';
import type { ResourceLogs, ScopeLogs } from './logs.ts';
import type { ResourceMetrics, ScopeMetrics } from './metrics.ts';
import type { ResourceSpans, ScopeSpans } from './traces.ts';

export type ScopeDecoder<S> = (encoded: Uint8Array) => S[];

export abstract class EncodedGroup<S> {
  resource: Resource;
  schemaUrl: string;
  #encoded: Uint8Array | null;
  #scopes: S[] | null = null;
  readonly #items: number;
  readonly #decode: ScopeDecoder<S>;

  constructor(
    resource: Resource,
    schemaUrl: string,
    encoded: Uint8Array,
    items: number,
    decode: ScopeDecoder<S>,
  ) {
    this.resource = resource;
    this.schemaUrl = schemaUrl;
    this.#encoded = encoded;
    this.#items = items;
    this.#decode = decode;
  }

  /** The received bytes of the scope groups (repeated field 2 entries), while nobody has read them. */
  encodedScopes(): Uint8Array | null {
    return this.#encoded;
  }

  /** Items in the group while its scopes are still encoded; -1 once they were read. */
  pendingItemCount(): number {
    return this.#encoded === null ? -1 : this.#items;
  }

  /** A group sharing the same (immutable) bytes with a copy of the resource, or null once read. */
  cloneEncoded(cloneResource: (r: Resource) => Resource): this | null {
    if (this.#encoded === null) return null;
    const Ctor = this.constructor as new (
      resource: Resource,
      schemaUrl: string,
      encoded: Uint8Array,
      items: number,
      decode: ScopeDecoder<S>,
    ) => this;
    return new Ctor(cloneResource(this.resource), this.schemaUrl, this.#encoded, this.#items, this.#decode);
  }

  protected scopes(): S[] {
    if (this.#scopes === null) this.#scopes = this.#decode(this.#encoded!);
    this.#encoded = null;
    return this.#scopes;
  }

  protected setScopes(scopes: S[]): void {
    this.#scopes = scopes;
    this.#encoded = null;
  }

  /** Plain-object view for JSON.stringify and test output. */
  abstract toJSON(): object;
}

export class EncodedResourceSpans extends EncodedGroup<ScopeSpans> implements ResourceSpans {
  get scopeSpans(): ScopeSpans[] {
    return this.scopes();
  }
  set scopeSpans(v: ScopeSpans[]) {
    this.setScopes(v);
  }
  toJSON(): ResourceSpans {
    return { resource: this.resource, scopeSpans: this.scopeSpans, schemaUrl: this.schemaUrl };
  }
}

export class EncodedResourceLogs extends EncodedGroup<ScopeLogs> implements ResourceLogs {
  get scopeLogs(): ScopeLogs[] {
    return this.scopes();
  }
  set scopeLogs(v: ScopeLogs[]) {
    this.setScopes(v);
  }
  toJSON(): ResourceLogs {
    return { resource: this.resource, scopeLogs: this.scopeLogs, schemaUrl: this.schemaUrl };
  }
}

export class EncodedResourceMetrics extends EncodedGroup<ScopeMetrics> implements ResourceMetrics {
  get scopeMetrics(): ScopeMetrics[] {
    return this.scopes();
  }
  set scopeMetrics(v: ScopeMetrics[]) {
    this.setScopes(v);
  }
  toJSON(): ResourceMetrics {
    return { resource: this.resource, scopeMetrics: this.scopeMetrics, schemaUrl: this.schemaUrl };
  }
}

/** Items of a group while encoded, without decoding it; -1 for any other group. */
export function pendingItemCount(group: unknown): number {
  return group instanceof EncodedGroup ? group.pendingItemCount() : -1;
}
