// JSON for objects as served. Stored objects are immutable (frozen), so their JSON is cached by
// identity and shared by every list and watch that serves them; the server drops an object's
// entry when a write supersedes it, so the cache only ever holds current objects.
import type { ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { isStorageForm, toVersion } from './convert.ts';

const cache = new WeakMap<object, string>();

export function storedJson(o: KubeObject): string {
  let s = cache.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    if (Object.isFrozen(o)) cache.set(o, s);
  }
  return s;
}

/** Drops the cached JSON of a superseded object. */
export function forgetJson(o: KubeObject | undefined): void {
  if (o) cache.delete(o);
}

/** The JSON of a stored object as type `t` serves it at `version`. */
export function objectJson(t: ResourceType, version: string, stored: KubeObject): string {
  return isStorageForm(t, version) ? storedJson(stored) : JSON.stringify(toVersion(t, version, stored));
}
