// Loads plain Kubernetes objects (apiVersion/kind set) into a store, e.g. a test fixture or a
// saved cluster. Objects are created in order, so list namespaces before what lives in them.
import { lookupKind, storageKey } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';
import { fromVersion } from './convert.ts';
import type { ObjectStore } from './store.ts';

export interface SeedOptions {
  /** Sets every creationTimestamp to now minus this many seconds (default: keep the objects'). */
  ageSeconds?: number;
  now?: Date;
}

export function seedObjects(store: ObjectStore, objects: KubeObject[], opts: SeedOptions = {}): KubeObject[] {
  const created: KubeObject[] = [];
  const now = opts.now ?? new Date();
  for (const o of objects) {
    const t = lookupKind(o.kind, o.apiVersion);
    if (!t) throw new SimApiError(400, 'BadRequest', `no resource type for ${o.apiVersion} ${o.kind}`);
    const copy = structuredClone(o);
    if (opts.ageSeconds !== undefined) {
      const ts = new Date(now.getTime() - opts.ageSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      copy.metadata.creationTimestamp = ts;
      // Events' own times, so LAST SEEN reads like the objects' AGE.
      for (const f of ['firstTimestamp', 'lastTimestamp']) if (typeof copy[f] === 'string') copy[f] = ts;
    }
    created.push(store.create(storageKey(t), fromVersion(t, copy)));
  }
  return created;
}
