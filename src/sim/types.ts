// Contracts shared by the cluster simulator's parts (`watchingcat sim`):
//   apiserver/  the object store and the Kubernetes API over HTTP (implements SimStore)
//   engine/     the workload engine: creates and evolves objects only through SimStore
//   node/       per-node kubelet endpoint, cgroup tree and pod log files, driven by SimStore events
// Each part depends on this file, never on another part's internals.

export type { KubeObject, ObjectMeta, OwnerReference } from '../k8s/types.ts';
import type { KubeObject } from '../k8s/types.ts';

/**
 * Identifies a resource type the way the API does: `group` is '' for the core group.
 * `resource` is the lower-case plural used in URLs ("pods", "deployments", "leases").
 */
export interface ResourceKey {
  group: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  key: ResourceKey;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
}

/**
 * The simulator's object store: one resourceVersion sequence for all resources, like etcd.
 * Writes assign uid, resourceVersion, creationTimestamp (and generation for objects with a spec)
 * and notify subscribers synchronously, in resourceVersion order.
 * Errors are thrown as `SimApiError` (below) so the HTTP layer can turn them into a
 * metav1.Status with the same code and reason.
 */
export interface SimStore {
  /** Creates; `metadata.generateName` is honoured. Throws AlreadyExists (409). */
  create(key: ResourceKey, obj: KubeObject): KubeObject;
  /** Replaces; if obj.metadata.resourceVersion is set and stale, throws Conflict (409). Throws NotFound (404). */
  update(key: ResourceKey, obj: KubeObject): KubeObject;
  /** Read-modify-write without conflicts (engine convenience); returns the stored result. Throws NotFound. */
  mutate(
    key: ResourceKey,
    namespace: string | undefined,
    name: string,
    fn: (obj: KubeObject) => void,
  ): KubeObject;
  /** Deletes immediately (the simulator has no finalizers/graceful deletion); returns the deleted object. Throws NotFound. */
  delete(key: ResourceKey, namespace: string | undefined, name: string): KubeObject;
  get(key: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Current objects of a resource, optionally in one namespace. Objects are the store's own: do not modify. */
  list(key: ResourceKey, namespace?: string): KubeObject[];
  /** The latest resourceVersion issued. */
  currentResourceVersion(): number;
  /** Called synchronously after every committed write. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/** An API error with the HTTP status code and the metav1.Status reason Kubernetes uses. */
export class SimApiError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.name = 'SimApiError';
    this.code = code;
    this.reason = reason;
  }
}
