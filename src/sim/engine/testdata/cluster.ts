// Shared helpers for the engine tests: a small cluster on the real ObjectStore with a fixed clock.
import { ObjectStore } from '../../apiserver/store.ts';
import { ClusterEngine } from '../engine.ts';
import type { ClusterEngineOptions } from '../engine.ts';
import type { KubeObject } from '../../types.ts';
import { R } from '../resources.ts';
import type { ResourceName } from '../resources.ts';

export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

export function smallCluster(opts: Partial<ClusterEngineOptions> = {}): { store: ObjectStore; engine: ClusterEngine } {
  const clock = { now: () => T0 };
  const store = new ObjectStore({ now: () => new Date(T0), historyLimit: 1000 });
  const engine = new ClusterEngine({ store, nodes: 6, pods: 150, seed: 42, churn: 0, clock, ...opts });
  engine.populate();
  return { store, engine };
}

export function list(store: ObjectStore, r: ResourceName, namespace?: string): KubeObject[] {
  return store.list(R[r].key, namespace);
}

/** Everything in the store, per resource type, as JSON (for determinism comparisons). */
export function dump(store: ObjectStore): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(R) as ResourceName[]) out[name] = JSON.stringify(list(store, name));
  return out;
}

// Loose accessors for the JSON shapes the tests inspect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
