// The informer's store: current objects keyed by namespace/name, plus the rules that turn list
// results and watch events into add/update/delete notifications.
//
// Contracts:
//   - Keys are "namespace/name" ("name" for cluster-scoped objects), like client-go's
//     MetaNamespaceKeyFunc. A different uid under the same key is a different object: the old
//     one is deleted (onDelete) and the new one added (onAdd) — never an update across uids.
//   - Only the transformed (lean) value is kept, with the uid and resourceVersion needed to diff.
//     An object whose resourceVersion did not change is not transformed again and not notified.
//   - onDelete fires exactly once per object that was in the store: deletes come only from keys
//     present, which are removed before the handler runs.
//   - Relist (replace): objects are applied as the pages arrive (`replaceItem`), their keys
//     remembered; `finishReplace` then deletes every stored key the list did not contain. Applying
//     page by page keeps only one page of raw objects in memory at 10,000+ pods; the cost is that
//     during a relist the store briefly mixes the old and the new snapshot (a relist is rare).
//   - Handler exceptions are reported to `onError` and never break the store's consistency.
import type { KubeObject } from './types.ts';

export interface StoreHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
  onError?(err: unknown, where: string): void;
}

interface Entry<T> {
  value: T;
  uid: string | undefined;
  rv: string | undefined;
}

/** The part of the store an informer's users see. */
export interface ReadableStore<T> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(): T[];
  /** The current values without copying them into an array (a scrape of 10,000+ objects). */
  values(): IterableIterator<T>;
  readonly size: number;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class InformerStore<T> implements ReadableStore<T> {
  private readonly items = new Map<string, Entry<T>>();
  private readonly transform: (obj: KubeObject) => T;
  private readonly handlers: StoreHandlers<T>;
  private seen: Set<string> | undefined;
  /** Called after every change of size (metrics). */
  onSizeChange: ((size: number) => void) | undefined;

  constructor(transform: ((obj: KubeObject) => T) | undefined, handlers: StoreHandlers<T>) {
    this.transform = transform ?? ((o) => o as unknown as T);
    this.handlers = handlers;
  }

  get size(): number {
    return this.items.size;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(objectKey(namespace, name))?.value;
  }

  list(): T[] {
    const out: T[] = new Array<T>(this.items.size);
    let i = 0;
    for (const e of this.items.values()) out[i++] = e.value;
    return out;
  }

  *values(): IterableIterator<T> {
    for (const e of this.items.values()) yield e.value;
  }

  /** ADDED / MODIFIED from a watch, or an item of a list. */
  upsert(obj: KubeObject): void {
    const meta = obj.metadata;
    const key = objectKey(meta.namespace, meta.name);
    const old = this.items.get(key);
    this.seen?.add(key);
    if (old && old.uid !== undefined && meta.uid !== undefined && old.uid !== meta.uid) {
      this.items.delete(key);
      this.call('onDelete', () => this.handlers.onDelete?.(old.value));
      this.insert(key, obj);
      return;
    }
    if (!old) {
      this.insert(key, obj);
      return;
    }
    if (old.rv !== undefined && old.rv === meta.resourceVersion) return; // unchanged
    const value = this.transformSafe(obj);
    if (value === undefined) return;
    const prev = old.value;
    old.value = value.v;
    old.rv = meta.resourceVersion;
    old.uid = meta.uid ?? old.uid;
    this.call('onUpdate', () => this.handlers.onUpdate?.(prev, value.v));
  }

  /** DELETED from a watch: notifies with the object's final state if the store held it. */
  remove(obj: KubeObject): void {
    const meta = obj.metadata;
    const key = objectKey(meta.namespace, meta.name);
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.onSizeChange?.(this.items.size);
    const final = this.transformSafe(obj);
    const value = final ? final.v : old.value;
    this.call('onDelete', () => this.handlers.onDelete?.(value));
  }

  /** Starts a relist: from now on, keys of upserted objects are remembered. */
  beginReplace(): void {
    this.seen = new Set();
  }

  /** Ends a relist: deletes (and notifies) every stored object the list did not contain. */
  finishReplace(): void {
    const seen = this.seen;
    this.seen = undefined;
    if (!seen) return;
    for (const [key, entry] of this.items) {
      if (seen.has(key)) continue;
      this.items.delete(key); // deleting the current entry while iterating a Map is well-defined
      this.call('onDelete', () => this.handlers.onDelete?.(entry.value));
    }
    this.onSizeChange?.(this.items.size);
  }

  /** Abandons a relist in progress (the next one starts over). */
  abortReplace(): void {
    this.seen = undefined;
  }

  private insert(key: string, obj: KubeObject): void {
    const value = this.transformSafe(obj);
    if (value === undefined) return;
    this.items.set(key, { value: value.v, uid: obj.metadata.uid, rv: obj.metadata.resourceVersion });
    this.onSizeChange?.(this.items.size);
    this.call('onAdd', () => this.handlers.onAdd?.(value.v));
  }

  private transformSafe(obj: KubeObject): { v: T } | undefined {
    try {
      return { v: this.transform(obj) };
    } catch (err) {
      this.handlers.onError?.(err, `transform ${objectKey(obj.metadata.namespace, obj.metadata.name)}`);
      return undefined;
    }
  }

  private call(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.handlers.onError?.(err, where);
    }
  }
}
