// The engine's shared context: simulated time, the seeded Rng, the agenda, and the only path by
// which the engine writes to the SimStore. Controllers receive a Sim and never touch the store
// directly, so every write gets the same defaults (apiVersion/kind, seeded uid, timestamps).
import { SimApiError } from '../types.ts';
import type { KubeObject, ObjectMeta, SimStore } from '../types.ts';
import type { ResourceType } from './resources.ts';
import { Rng } from './rand.ts';
import { Timeline } from './timeline.ts';
import { rfc3339 } from './time.ts';

export type NewObject = Omit<KubeObject, 'apiVersion' | 'kind' | 'metadata'> & { metadata: ObjectMeta };

export class Sim {
  readonly store: SimStore;
  readonly rng: Rng;
  readonly timeline = new Timeline();
  /** Simulated time, epoch milliseconds. Only the engine's step() moves it forward. */
  now: number;
  /**
   * Work coalesced until the end of the current agenda entry (status roll-ups, endpoint slices):
   * many pod changes in one instant produce one write per affected object.
   */
  private readonly dirty = new Map<object | string, () => void>();
  /** > 0 while the engine itself is writing; lets the engine tell its own deletes from kubectl's. */
  ownWrites = 0;

  constructor(store: SimStore, seed: number, startMs: number) {
    this.store = store;
    this.rng = new Rng(seed);
    this.now = startMs;
  }

  ts(ms = this.now): string {
    return rfc3339(ms);
  }

  /** Runs `fn` at simulated time now + delayMs. */
  after(delayMs: number, fn: () => void): void {
    this.timeline.at(this.now + Math.max(0, delayMs), fn);
  }

  /** Schedules `fn` once per flush for `owner` (later marks for the same owner are merged). */
  markDirty(owner: object | string, fn: () => void): void {
    if (!this.dirty.has(owner)) this.dirty.set(owner, fn);
  }

  /** Runs coalesced work until none is left (flushing can mark more owners dirty). */
  flush(): void {
    for (let round = 0; this.dirty.size > 0; round++) {
      if (round > 50) throw new Error('engine flush did not settle after 50 rounds');
      const work = [...this.dirty.values()];
      this.dirty.clear();
      for (const fn of work) fn();
    }
  }

  /**
   * Creates an object. Fills apiVersion/kind from the type, a uid from the seeded Rng and
   * creationTimestamp from simulated time unless the caller set them (initial objects are
   * back-dated so the cluster looks like it has been running for a while).
   */
  create(type: ResourceType, obj: NewObject): KubeObject {
    const meta = obj.metadata;
    meta.uid ??= this.rng.uuid();
    meta.creationTimestamp ??= this.ts();
    const full = { apiVersion: type.apiVersion, kind: type.kind, ...obj } as KubeObject;
    this.ownWrites++;
    try {
      return this.store.create(type.key, full);
    } finally {
      this.ownWrites--;
    }
  }

  /**
   * Read-modify-write; returns undefined when the object no longer exists (e.g. deleted via the API).
   * Whatever `fn` assigns belongs to the store afterwards (it may be frozen): never reuse it.
   */
  mutate(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    fn: (obj: KubeObject) => void,
  ): KubeObject | undefined {
    this.ownWrites++;
    try {
      return this.store.mutate(type.key, namespace, name, fn);
    } catch (err) {
      if (err instanceof SimApiError && err.code === 404) return undefined;
      throw err;
    } finally {
      this.ownWrites--;
    }
  }

  /**
   * Like mutate(), but skipped when `fingerprint` equals the one of the previous write through
   * this method for the same object: status roll-ups often recompute what is already stored.
   */
  mutateIfChanged(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    fingerprint: string,
    fn: (obj: KubeObject) => void,
  ): void {
    const id = `${type.key.group}/${type.key.resource}/${namespace ?? ''}/${name}`;
    if (this.fingerprints.get(id) === fingerprint) return;
    if (this.mutate(type, namespace, name, fn)) this.fingerprints.set(id, fingerprint);
    else this.fingerprints.delete(id);
  }

  /** Last fingerprint per object written with mutateIfChanged (dropped when the object is removed). */
  private readonly fingerprints = new Map<string, string>();

  /** Deletes; returns undefined when it was already gone. */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    this.fingerprints.delete(`${type.key.group}/${type.key.resource}/${namespace ?? ''}/${name}`);
    this.ownWrites++;
    try {
      return this.store.delete(type.key, namespace, name);
    } catch (err) {
      if (err instanceof SimApiError && err.code === 404) return undefined;
      throw err;
    } finally {
      this.ownWrites--;
    }
  }
}
